import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SealError, open, seal, secretKey } from '../../lambda/core/sealed';

describe('sealed payloads', () => {
  test.prop([fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 4096 })])('open(seal(x)) === x for any secret and payload', (secret, payload) => {
    expect(open(seal(payload, secret, 'p'), secret, 'p')).toEqual(payload);
  });

  it('a different secret or purpose cannot open it', () => {
    const sealed = seal('{"access_token":"at"}', 'rt-1', 'refresh-grace');
    expect(() => open(sealed, 'rt-2', 'refresh-grace')).toThrow(SealError);
    expect(() => open(sealed, 'rt-1', 'other')).toThrow(SealError);
  });

  it('a flipped bit is detected', () => {
    const sealed = seal('payload', 's', 'p');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => open(sealed, 's', 'p')).toThrow(SealError);
  });

  it('does not contain the plaintext or the secret, and differs each time (random salt and IV)', () => {
    const a = Buffer.from(seal('PLAINTEXT-CANARY', 'SECRET-CANARY', 'p'));
    const b = Buffer.from(seal('PLAINTEXT-CANARY', 'SECRET-CANARY', 'p'));
    expect(a.includes('PLAINTEXT-CANARY')).toBe(false);
    expect(a.includes('SECRET-CANARY')).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('secretKey is stable, purpose-bound and 256-bit hex', () => {
    expect(secretKey('t', 'a')).toBe(secretKey('t', 'a'));
    expect(secretKey('t', 'a')).not.toBe(secretKey('t', 'b'));
    expect(secretKey('t', 'a')).toMatch(/^[0-9a-f]{64}$/);
  });
});
