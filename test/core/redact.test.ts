import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { clip, redact } from '../../lambda/core/redact';

describe('redact', () => {
  const secret = 'c0de/+ ü=&';

  it('replaces a secret echoed raw, form-encoded or percent-encoded by its fingerprint', () => {
    const text = `raw ${secret} | form ${new URLSearchParams({ v: secret }).toString().slice(2)} | uri ${encodeURIComponent(secret)}`;
    const out = redact(text, [secret]);
    expect(out).toBe(`raw ${fingerprint(secret)} | form ${fingerprint(secret)} | uri ${fingerprint(secret)}`);
  });

  it('leaves texts without secrets and very short or missing secrets alone', () => {
    expect(redact('nothing to see', [secret, undefined, 'abc'])).toBe('nothing to see');
    expect(redact('abc abc', ['abc'])).toBe('abc abc');
  });

  it('never throws on a secret with a lone surrogate', () => {
    expect(redact('x \uD800abcd y', ['\uD800abcd'])).toBe(`x ${fingerprint('\uD800abcd')} y`);
  });
});

describe('clip', () => {
  it('drops control characters (no forged log lines) and shortens long texts', () => {
    expect(clip('a\nb\r\u0000c')).toBe('a b c');
    const long = clip('x'.repeat(500), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
