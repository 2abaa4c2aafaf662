import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { installDeploymentKey, resetDeploymentKey } from '../../lambda/core/deployment-key';
import { SealError, open, seal, secretKey } from '../../lambda/core/sealed';

const KEY = 's'.repeat(16) + 'sealed-test-deployment-key-0123';
const sub = (purpose: string) => Buffer.from(hkdfSync('sha256', Buffer.from(KEY), Buffer.alloc(0), Buffer.from(`alexa-link-adapter:${purpose}`), 32));

/**
 * The documented layout and key (sealed.ts), decoded here independently: version 0x02 | salt 16 |
 * iv 12 | tag 16 | ciphertext; AES-256-GCM under HKDF-SHA256(HMAC-SHA256(seal subkey, secret), salt,
 * "alexa-link-adapter:" + purpose), with the purpose as additional data. Items written by one
 * version of the adapter are read by the next (old and new instances share the table during a deploy).
 */
function openByTheBook(sealed: Uint8Array, secret: string, purpose: string): string {
  const buf = Buffer.from(sealed);
  expect(buf[0]).toBe(0x02);
  const ikm = createHmac('sha256', sub('seal')).update(Buffer.from(secret, 'utf8')).digest();
  const key = Buffer.from(hkdfSync('sha256', ikm, buf.subarray(1, 17), Buffer.from(`alexa-link-adapter:${purpose}`), 32));
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(17, 29));
  decipher.setAAD(Buffer.from(purpose, 'utf8'));
  decipher.setAuthTag(buf.subarray(29, 45));
  return Buffer.concat([decipher.update(buf.subarray(45)), decipher.final()]).toString('utf8');
}

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

describe('the stored format', () => {
  afterEach(() => resetDeploymentKey());

  it('is the documented layout and key derivation, for non-ASCII secrets, purposes and payloads too', () => {
    installDeploymentKey(KEY);
    for (const [secret, purpose, payload] of [
      ['rt-1', 'refresh-grace', '{"access_token":"at"}'],
      ['sécret-ü€😀', 'pürpose', 'päyload 😀'],
    ]) {
      const sealed = seal(payload!, secret!, purpose!);
      expect(sealed.length).toBe(1 + 16 + 12 + 16 + Buffer.byteLength(payload!));
      expect(openByTheBook(sealed, secret!, purpose!)).toBe(payload);
    }
  });

  it('the version byte is checked: a payload of another version is not opened, even when the rest is intact', () => {
    const sealed = seal('payload', 's', 'p');
    for (const version of [0x01, 0x03, 0x00]) {
      const other = Uint8Array.from(sealed);
      other[0] = version;
      expect(() => open(other, 's', 'p')).toThrow(new SealError('not a sealed payload'));
    }
  });

  it('a payload too short to hold salt, iv and tag is not a sealed payload; a wrong secret is named as such', () => {
    const sealed = seal('', 's', 'p');
    expect(sealed.length).toBe(45);
    expect(Buffer.from(open(sealed, 's', 'p')).toString()).toBe('');
    for (const length of [0, 1, 13, 29, 44]) expect(() => open(sealed.subarray(0, length), 's', 'p')).toThrow(new SealError('not a sealed payload'));
    expect(() => open(sealed, 'other', 'p')).toThrow(new SealError('payload could not be opened with this secret'));
    // Named as such where errors are named by their class (a store failure's reason, a record).
    expect(() => open(sealed, 'other', 'p')).toThrow(expect.objectContaining({ name: 'SealError' }));
  });
});

