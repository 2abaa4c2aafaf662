/**
 * What a record keeps of text from outside (lambda/core/redact.ts): scrubbed, then clipped, with
 * token-shaped runs replaced even when the adapter never saw them. The edges of each rule: the clip
 * length, what counts as token-shaped, the defaults.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { clip, prose, redact } from '../../lambda/core/redact';
import { withSecretScope, noteSecret } from '../../lambda/core/secret-scope';

describe('clip', () => {
  it('keeps a text of up to max characters; a longer one is cut to max - 1 and marked with …', () => {
    expect(clip('x'.repeat(200))).toBe('x'.repeat(200));
    expect(clip('x'.repeat(201))).toBe(`${'x'.repeat(199)}…`);
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdefg', 6)).toBe('abcde…');
    expect(clip('', 6)).toBe('');
  });

  it('counts after neutralising control characters (a run is one space)', () => {
    expect(clip('ab\u0000\u0001\u0002cd', 5)).toBe('ab cd');
  });
});

describe('prose', () => {
  const digits = '0123456789';
  it('replaces runs of 32+ token characters whose 32-character segment mixes letters and digits', () => {
    const run32 = `Ab${digits}${'c'.repeat(20)}`; // 32 characters, letters and digits
    expect(run32).toHaveLength(32);
    expect(prose(`tok ${run32} end`)).toBe(`tok ${fingerprint(run32)} end`);
    const run31 = run32.slice(1);
    expect(prose(`tok ${run31} end`)).toBe(`tok ${run31} end`);
    // Token characters include _ ~ + / = . - (base64, base64url, JWT).
    const jwtish = `eyJ${digits}_~+=-${'Q'.repeat(20)}.${'z9'.repeat(4)}`;
    expect(prose(`a ${jwtish} b`)).toBe(`a ${fingerprint(jwtish)} b`);
  });

  it('leaves long runs that are not token-shaped: one class only, or no 32-character segment between `.` and `/`', () => {
    const letters = 'a'.repeat(40);
    const numbers = '7'.repeat(40);
    const url = `https://docs.example.com/${'errors/'.repeat(3)}invalid_grant_explained.html`;
    const dotted = `${'a1'.repeat(10)}.${'b2'.repeat(10)}.${'c3'.repeat(10)}`;
    for (const text of [letters, numbers, url, dotted]) expect(prose(`see ${text}`, 300)).toBe(`see ${text}`);
  });

  it('scrubs the known secrets (given, and the request\'s scope) before it clips, with 200 characters by default', () => {
    const secret = 'a-known-secret';
    expect(prose(`got ${secret}`, 200, [secret])).toBe(`got ${fingerprint(secret)}`);
    expect(withSecretScope(() => (noteSecret(secret), prose(`got ${secret}`)))).toBe(`got ${fingerprint(secret)}`);
    expect(prose('y'.repeat(250))).toBe(`${'y'.repeat(199)}…`);
    expect(prose(`a\nb ${'z'.repeat(20)}`, 10)).toBe('a b zzzzz…');
  });
});

describe('redact', () => {
  it('with no secrets known, returns the text as it is (no clip, no control neutralising)', () => {
    const text = `a\n${'x'.repeat(300)}`;
    expect(redact(text)).toBe(text);
  });
});
