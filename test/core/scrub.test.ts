/**
 * The one scrubber (lambda/core/scrub.ts): every encoding of the issue's list, as a property over
 * random secrets and surrounding text, and the edges (withholding, short secrets, overlapping
 * secrets, control characters). The encodings and the leak oracle are test/support/encoded-forms.ts,
 * written independently of the scrubber.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { clip, prose, redact } from '../../lambda/core/redact';
import { MIN_SECRET_LENGTH, SecretSet, WITHHELD, neutralizeControls } from '../../lambda/core/scrub';
import { noteSecret, withSecretScope } from '../../lambda/core/secret-scope';
import { ENCODINGS, leaksIn } from '../support/encoded-forms';

/** Secrets as they occur: tokens, codes, client secrets with punctuation, spaces and non-ASCII. */
const secretArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~+/=-]{8,64}$/),
  fc.stringMatching(/^[0-9]{6,8}$/),
  fc.string({ unit: fc.constantFrom(...[...'aZ09 /+=&%:?#@!$\'()*,;[]~ü€😀"\\<>']), minLength: 8, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 8, maxLength: 24 }),
).filter((s) => s.length >= 8 && s.trim().length >= 8);

/** Text around an echo, as a provider writes it (no secret material). */
const proseArb = fc.string({ unit: fc.constantFrom(...'abc xyz.,:;-_()[]{}"\'/\n'.split('')), maxLength: 40 });

// SCRUB_RUNS=1500 npx vitest run test/core/scrub.test.ts searches longer (39,000 cases pass).
describe('scrubber: every encoding, random secrets (property)', () => {
  for (const [name, encode] of Object.entries(ENCODINGS)) {
    test.prop([secretArb, proseArb, proseArb], { numRuns: Number(process.env.SCRUB_RUNS ?? 60) })(`${name}: no encoded copy survives`, (secret, before, after) => {
      const text = `${before}${encode(secret)}${after}`;
      const out = new SecretSet([secret]).scrub(text);
      expect(leaksIn(out, [secret])).toEqual([]);
      // Never vacuous: the copy was there, and it was replaced (by the fingerprint, or the whole text withheld).
      expect(leaksIn(text, [secret]).length).toBeGreaterThan(0);
      expect(out === WITHHELD || out.includes(fingerprint(secret)!)).toBe(true);
    });
  }

  test.prop([secretArb, secretArb, proseArb], { numRuns: 80 })('several secrets, several encodings in one text', (a, b, glue) => {
    const encoders = Object.values(ENCODINGS);
    const text = [a, b, a].map((s, i) => encoders[(s.length + i * 7) % encoders.length]!(s)).join(glue);
    const out = new SecretSet([a, b]).scrub(text);
    expect(leaksIn(out, [a, b])).toEqual([]);
  });

  test.prop([proseArb, secretArb], { numRuns: 100 })('text without a secret comes back unchanged', (text, secret) => {
    fc.pre(!text.toLowerCase().includes(secret.toLowerCase()));
    expect(new SecretSet([secret]).scrub(text)).toBe(text);
  });
});

describe('scrubber: the echoes seen in the issue', () => {
  const code = 'c0de/+ ü=&Q7';
  it.each([
    ['lower-case percent-hex', 'invalid code c0de%2f%2b%20%c3%bc%3d%26Q7'],
    ["Python quote, '/' left raw", 'invalid code c0de/%2B%20%C3%BC%3D%26Q7'],
    ['base64', `code=${Buffer.from(code).toString('base64')}`],
    ['hex', `code=${Buffer.from(code).toString('hex').toUpperCase()}`],
    ['HTML entities', 'code c0de&#47;&#x2B; &uuml;=&amp;Q7 &#252;'],
    ['upper-cased', `code ${code.toUpperCase()} is invalid`],
    ['Basic header', `got Authorization: Basic ${Buffer.from(`alexa:${code}`).toString('base64')}`],
  ])('%s', (_name, text) => {
    const out = new SecretSet([code]).scrub(text);
    expect(leaksIn(out, [code])).toEqual([]);
    expect(out).not.toMatch(/c0de/i);
  });

  it('layered encodings (percent-encoded HTML references of the secret) are located and cut out exactly', () => {
    const secret = 'Zq8sP1xY';
    const layered = [...secret].map((c) => encodeURIComponent(`&#${c.charCodeAt(0)};`)).join('');
    expect(new SecretSet([secret]).scrub(`error: ${layered}!`)).toBe(`error: ${fingerprint(secret)}!`);
  });

  it('post-condition: a text that still holds a secret after the cut is withheld whole', () => {
    // Contrived: the second secret is the hex of the first one's fingerprint, so cutting the first creates a copy of the second.
    const first = 'first-secret-1234';
    const second = fingerprint(first)!.slice(3);
    const set = new SecretSet([first, second]);
    expect(set.scrub(`echo ${first}`)).toBe(WITHHELD);
  });

  it('the longer of two overlapping secrets is replaced whole', () => {
    const inner = 'inner-secret-1234';
    const outer = `Basic ${inner}-and-more`;
    const out = new SecretSet([inner, outer]).scrub(`saw ${outer}`);
    expect(out).toBe(`saw ${fingerprint(outer)}`);
  });

  it(`ignores secrets shorter than ${MIN_SECRET_LENGTH} characters and texts without copies`, () => {
    expect(new SecretSet(['abc', undefined, null, '']).size).toBe(0);
    expect(new SecretSet(['secret-1']).scrub('nothing to see')).toBe('nothing to see');
  });

  it('never throws on a lone surrogate', () => {
    expect(new SecretSet(['\uD800abcd']).scrub('x \uD800abcd y')).toBe(`x ${fingerprint('\uD800abcd')} y`);
  });
});

describe('request scope, redact, prose, clip', () => {
  it('secrets noted in the scope (fingerprinted ones included) are scrubbed from every later text; scopes do not mix', async () => {
    const [a, b] = await Promise.all([
      withSecretScope(async () => {
        fingerprint('scope-one-secret');
        await new Promise((r) => setTimeout(r, 5));
        return [redact('a: scope-one-secret'), redact('b: scope-two-secret')];
      }),
      withSecretScope(async () => {
        noteSecret('scope-two-secret');
        await new Promise((r) => setTimeout(r, 1));
        return [redact('a: scope-one-secret'), redact('b: scope-two-secret')];
      }),
    ]);
    expect(a).toEqual([`a: ${fingerprint('scope-one-secret')}`, 'b: scope-two-secret']);
    expect(b).toEqual(['a: scope-one-secret', `b: ${fingerprint('scope-two-secret')}`]);
  });

  it('outside a scope, redact knows only the secrets it is given', () => {
    expect(redact('x scope-one-secret y')).toBe('x scope-one-secret y');
    expect(redact('x given-secret y', ['given-secret'])).toBe(`x ${fingerprint('given-secret')} y`);
  });

  it('prose scrubs before it clips: a secret cut by the clip cannot leave a half behind', () => {
    const secret = 'S3cr3t-0123456789abcdefghij';
    const text = `${'x'.repeat(190)} ${secret}`;
    const out = prose(text, 200, [secret]);
    expect(out).not.toContain('S3cr3t');
    expect(out.length).toBeLessThanOrEqual(200);
  });

  it('prose also replaces token-shaped runs the adapter never saw (a provider echoing one of its own secrets)', () => {
    const foreign = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.c2lnbmF0dXJlMTIzNDU2Nzg5MGFiY2RlZg';
    const out = prose(`bad assertion ${foreign} for client alexa-skill (see https://docs.example.com/errors/invalid_grant)`, 300);
    expect(out).not.toContain('eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0');
    expect(out).toContain('for client alexa-skill (see https://docs.example.com/errors/invalid_grant)');
  });

  it('control characters, bidi overrides and line separators become spaces', () => {
    expect(neutralizeControls('a\u001b[2Jb\u202ec\u2028d\u0085e\u007ff')).toBe('a [2Jb c d e f');
    expect(clip('a\nb\r\u0000c')).toBe('a b c');
    const long = clip('x'.repeat(500), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
