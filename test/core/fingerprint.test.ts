/**
 * Fingerprints (lambda/core/fingerprint.ts): what a record says instead of a secret. Their shape is
 * a contract (the guard passes a fingerprint under a `…Fp` key as it is; the CLI joins records on
 * them), absent values have none, and only secrets are noted for the scrubber.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { installDeploymentKey, resetDeploymentKey } from '../../lambda/core/deployment-key';
import { FINGERPRINT, fingerprint, publicFingerprint } from '../../lambda/core/fingerprint';
import { redact } from '../../lambda/core/redact';
import { withSecretScope } from '../../lambda/core/secret-scope';

const KEY = 'f'.repeat(16) + 'fingerprint-test-key-0123456789';
const sub = Buffer.from(hkdfSync('sha256', Buffer.from(KEY), Buffer.alloc(0), Buffer.from('alexa-link-adapter:fingerprint'), 32));
const expected = (value: string) => `fp:${createHmac('sha256', sub).update(Buffer.from(value, 'utf8')).digest('hex').slice(0, 12)}`;

afterEach(() => resetDeploymentKey());

describe('fingerprint', () => {
  it('is `fp:` + 12 lower-case hex of HMAC-SHA256 over the UTF-8 bytes, for ASCII and non-ASCII secrets alike', () => {
    installDeploymentKey(KEY);
    for (const value of ['code-123456', 'sécret ü€ 😀', '\u00e9', 'a']) {
      expect(fingerprint(value)).toBe(expected(value));
      expect(publicFingerprint(value)).toBe(expected(value));
      expect(fingerprint(value)).toMatch(FINGERPRINT);
    }
  });

  it('absent values have no fingerprint (the record leaves the field out)', () => {
    for (const absent of [undefined, null, '']) {
      expect(fingerprint(absent)).toBeUndefined();
      expect(publicFingerprint(absent)).toBeUndefined();
    }
  });

  it('a fingerprinted value is noted as a secret of the request; a public fingerprint is not', () => {
    withSecretScope(() => {
      fingerprint('secret-token-0001');
      publicFingerprint('alexa-skill-client-id');
      expect(redact('got secret-token-0001 from alexa-skill-client-id')).toBe(`got ${fingerprint('secret-token-0001')} from alexa-skill-client-id`);
    });
  });
});

describe('FINGERPRINT, the shape the guard and the CLI recognise', () => {
  it('matches exactly `fp:` and 12 lower-case hex digits', () => {
    expect(FINGERPRINT.test('fp:0123456789ab')).toBe(true);
    expect(FINGERPRINT.test('fp:abcdef012345')).toBe(true);
    for (const not of ['fp:0123456789a', 'fp:0123456789abc', 'fp:0123456789AB', 'fp:0123456789ag', 'xfp:0123456789ab', 'fp:0123456789ab ', ' fp:0123456789ab', 'fp:', 'fp:::::::::::::', 'fp:------------']) {
      expect(FINGERPRINT.test(not), not).toBe(false);
    }
  });
});
