/**
 * Encryption of stored payloads under a key derived from a secret the caller presents (e.g. the
 * refresh token Alexa sends) AND the deployment key (deployment-key.ts): the table then holds
 * nothing usable without both. A table dump cannot be opened by guessing a low-entropy secret (a
 * 6-digit code) without the deployment key, and the deployment key alone opens nothing either.
 * HKDF-SHA256 (RFC 5869) derives a per-record AES-256-GCM key from HMAC-SHA256(sealing key, secret)
 * and a random salt; the purpose string binds the key to its use.
 *
 * Layout: version (1 byte, 0x02) | salt (16) | iv (12) | tag (16) | ciphertext. Version 0x01 (keyed
 * by the secret alone) is no longer opened: its items were also keyed by unkeyed hashes, which the
 * table keys no longer are, so they are never found.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { sealingKey, tableKeyKey } from './deployment-key';

const VERSION = 0x02;

function deriveKey(secret: string, salt: Uint8Array, purpose: string): Buffer {
  const ikm = createHmac('sha256', sealingKey()).update(secret, 'utf8').digest();
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(`alexa-link-adapter:${purpose}`, 'utf8'), 32));
}

export function seal(plaintext: Uint8Array | string, secret: string, purpose: string): Uint8Array {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt, purpose), iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.of(VERSION), salt, iv, cipher.getAuthTag(), ct]));
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** Decrypts; throws SealError when the secret is wrong or the bytes were changed. */
export function open(sealed: Uint8Array, secret: string, purpose: string): Uint8Array {
  const buf = Buffer.from(sealed);
  if (buf.length < 1 + 16 + 12 + 16 || buf[0] !== VERSION) throw new SealError('not a sealed payload');
  const salt = buf.subarray(1, 17);
  const iv = buf.subarray(17, 29);
  const tag = buf.subarray(29, 45);
  const ct = buf.subarray(45);
  const key = deriveKey(secret, salt, purpose);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(ct), decipher.final()]));
  } catch {
    throw new SealError('payload could not be opened with this secret');
  }
}

/**
 * A table key for a secret: HMAC-SHA256 under the deployment's table-key key over purpose and
 * secret, hex. Without the deployment key it cannot be tested against guesses, so even a 6-digit
 * code cannot be recovered from a key in a table dump. Throws StoreUnavailableError while the
 * deployment key is unavailable (the table cannot be addressed consistently without it).
 */
export function secretKey(secret: string, purpose: string): string {
  return createHmac('sha256', tableKeyKey()).update(`${purpose}\u0000${secret}`, 'utf8').digest('hex');
}
