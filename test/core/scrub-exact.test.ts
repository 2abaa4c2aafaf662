/**
 * The scrubber cuts exactly the copy (lambda/core/scrub.ts): the text around an echoed secret is
 * kept as it was, and the copy, however it was written, becomes the secret's fingerprint. The
 * no-leak property (scrub.test.ts) alone would also pass a scrubber that withheld every text that
 * held a secret; users rely on the provider's words around the echo surviving (they are the clue).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { SecretSet, WITHHELD } from '../../lambda/core/scrub';
import { ENCODINGS, leaksIn } from '../support/encoded-forms';

/** Encodings whose copy is the secret's text written another way (base64 is cut at the bytes the secret fixes, see below). */
const TEXTUAL = Object.keys(ENCODINGS).filter((name) => !name.startsWith('base64') && !name.startsWith('Basic'));

const secretArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~+/=-]{8,48}$/),
  fc.stringMatching(/^[0-9]{6,8}$/),
  fc.string({ unit: fc.constantFrom(...[...'aZ09 /+=:?#@!$\'()*,;[]~ü€😀"<>§ߐࠀｱ\u{10FFFD}\u{10400}ßΣ']), minLength: 8, maxLength: 32 }),
  fc.string({ unit: 'grapheme', minLength: 8, maxLength: 20 }),
).filter((s) => s.trim().length >= 8 && !/[%&\\]/.test(s));

/** Prose characters that cannot belong to a copy: none of the secret's or its encoding's characters, in any case. */
function proseFor(secret: string, encoded: string) {
  const taken = `${secret}${encoded}`.toLowerCase() + `${secret}${encoded}`.toUpperCase();
  const pool = [...'xyzqjkw .,:;-_()[]{}"\'/\n!?'].filter((c) => !taken.includes(c) && !taken.includes(c.toLowerCase()));
  return pool.length > 0 ? fc.string({ unit: fc.constantFrom(...pool), maxLength: 30 }) : fc.constant('');
}

describe('scrubber: the copy is cut out exactly, the words around it are kept (property)', () => {
  for (const name of TEXTUAL) {
    const encode = ENCODINGS[name]!;
    test.prop([secretArb.chain((secret) => fc.tuple(fc.constant(secret), proseFor(secret, encode(secret)), proseFor(secret, encode(secret))))], {
      numRuns: Number(process.env.SCRUB_RUNS ?? 40),
    })(`${name}`, ([secret, before, after]) => {
      const out = new SecretSet([secret]).scrub(`${before}${encode(secret)}${after}`);
      expect(out).toBe(`${before}${fingerprint(secret)}${after}`);
    });
  }

  test.prop([secretArb, fc.constantFrom(...TEXTUAL), fc.constantFrom(...TEXTUAL)], { numRuns: 60 })('two copies in different encodings: both cut, the glue kept', (secret, a, b) => {
    const glue = ' | ';
    fc.pre(!secret.includes('|'));
    const out = new SecretSet([secret]).scrub(`<${ENCODINGS[a]!(secret)}${glue}${ENCODINGS[b]!(secret)}>`);
    expect(out).toBe(`<${fingerprint(secret)}${glue}${fingerprint(secret)}>`);
  });
});

describe('scrubber: base64 copies', () => {
  test.prop([fc.stringMatching(/^[A-Za-z0-9._~-]{8,40}$/), fc.constantFrom(0, 1, 2)], { numRuns: 60 })(
    'inside a longer base64 string at any alignment: the part the secret fixes is cut, the base64 around it kept',
    (secret, offset) => {
      const prefix = 'id:'.slice(0, offset);
      const b64 = Buffer.from(`${prefix}${secret}`).toString('base64');
      const out = new SecretSet([secret]).scrub(`Basic ${b64}`);
      expect(leaksIn(out, [secret])).toEqual([]);
      expect(out).toContain(fingerprint(secret));
      expect(out.startsWith(`Basic ${b64.slice(0, offset === 0 ? 0 : 4)}${fingerprint(secret)}`)).toBe(true);
      expect(out).not.toBe(WITHHELD);
    },
  );

  it('base64url and standard alphabets, padded or not', () => {
    const secret = 'tok>>>??~~~en-0123';
    for (const b64 of [Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]) {
      expect(new SecretSet([secret]).scrub(`got ${b64} back`)).toBe(`got ${fingerprint(secret)} back`);
    }
  });

  it('a word that merely looks like base64 is not decoded into a false match', () => {
    expect(new SecretSet(['exchanged-secret']).scrub('the code was exchanged already')).toBe('the code was exchanged already');
  });
});
