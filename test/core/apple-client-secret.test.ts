/** Sign in with Apple's client secret, checked by jose and by node:crypto with the public key (not by our own code). */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { APPLE_MAX_SECRET_LIFETIME_S, AppleKeyError, appleClientSecretMinter, appleSigningKey, mintAppleClientSecret } from '../../lambda/core/apple-client-secret';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const SETTINGS = { teamId: 'TEAM123456', keyId: 'KEY1234567' };
const NOW_S = 1_790_000_000;

describe('mintAppleClientSecret', () => {
  it('is an ES256 JWT with kid, iss, iat, exp, aud and sub as Apple requires (verified by jose)', async () => {
    const jwt = mintAppleClientSecret(appleSigningKey(PEM), SETTINGS, 'com.example.signin', NOW_S);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'KEY1234567', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, await importSPKI(PUBLIC_PEM, 'ES256'), {
      algorithms: ['ES256'],
      issuer: 'TEAM123456',
      audience: 'https://appleid.apple.com',
      subject: 'com.example.signin',
      currentDate: new Date((NOW_S + 10) * 1000),
    });
    expect(payload).toEqual({ iss: 'TEAM123456', iat: NOW_S, exp: NOW_S + 300, aud: 'https://appleid.apple.com', sub: 'com.example.signin' });
  });

  it('has a 64-byte R||S signature (JWS, not DER) that node:crypto verifies with the public key', () => {
    const jwt = mintAppleClientSecret(appleSigningKey(PEM), SETTINGS, 'c', NOW_S);
    const [h, p, sig] = jwt.split('.');
    const raw = Buffer.from(sig!, 'base64url');
    expect(raw).toHaveLength(64);
    expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey(PUBLIC_PEM), dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    expect(verify('sha256', Buffer.from(`${h}.${p}x`), { key: createPublicKey(PUBLIC_PEM), dsaEncoding: 'ieee-p1363' }, raw)).toBe(false);
  });

  it('never sets exp more than 15777000 s after iat', () => {
    const jwt = mintAppleClientSecret(appleSigningKey(PEM), SETTINGS, 'c', NOW_S, 10 ** 9);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(APPLE_MAX_SECRET_LIFETIME_S);
  });
});

describe('appleSigningKey', () => {
  it('refuses a key that is not PEM, or not P-256', () => {
    expect(() => appleSigningKey('not a key')).toThrow(AppleKeyError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => appleSigningKey(rsa)).toThrow(/not a P-256 EC key/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => appleSigningKey(p384)).toThrow(/not a P-256 EC key/);
  });
});

describe('appleClientSecretMinter', () => {
  it('loads the key once, mints per request with the injected clock, and retries a failed load', async () => {
    let loads = 0;
    let fail = true;
    let now = NOW_S * 1000;
    const mint = appleClientSecretMinter(SETTINGS, async () => {
      loads += 1;
      if (fail) throw new Error('Secrets Manager is down');
      return PEM;
    }, () => now);
    await expect(mint('c')).rejects.toThrow(new AppleKeyError('the Apple private key could not be loaded'));
    fail = false;
    const a = await mint('c');
    now += 60_000;
    const b = await mint('c');
    expect(loads).toBe(2);
    const iat = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat;
    expect(iat(b) - iat(a)).toBe(60);
  });
});
