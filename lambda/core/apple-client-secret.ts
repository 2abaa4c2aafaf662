/**
 * Sign in with Apple's client secret: an ES256 JWT the client mints itself from the team's .p8
 * private key (Apple, "Creating a client secret"): header `alg` ES256 + `kid`; claims `iss` = Team
 * ID, `iat`, `exp` (at most 15777000 s after `iat`), `aud` = https://appleid.apple.com,
 * `sub` = the client id (Services ID). Pure: node:crypto only, key material injected.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { noteSecret } from './secret-scope';

export const APPLE_AUDIENCE = 'https://appleid.apple.com';
/** Apple's upper bound for `exp - iat` (about six months). */
export const APPLE_MAX_SECRET_LIFETIME_S = 15_777_000;
/** Minted per request, so a short lifetime is enough and limits the value of a leaked secret. */
export const APPLE_SECRET_LIFETIME_S = 300;

export interface AppleSigningSettings {
  teamId: string;
  keyId: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export class AppleKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppleKeyError';
  }
}

/** Parses the .p8 key (PKCS#8 PEM) and checks it is a P-256 EC key, as ES256 needs. */
export function appleSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new AppleKeyError('the Apple private key is not a PEM private key (expected the .p8 file Apple issued)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AppleKeyError('the Apple private key is not a P-256 EC key (expected the .p8 file Apple issued)');
  }
  return key;
}

export function mintAppleClientSecret(
  key: KeyObject,
  settings: AppleSigningSettings,
  clientId: string,
  nowSeconds: number,
  lifetimeSeconds = APPLE_SECRET_LIFETIME_S,
): string {
  const iat = Math.floor(nowSeconds);
  const exp = iat + Math.min(Math.max(1, Math.floor(lifetimeSeconds)), APPLE_MAX_SECRET_LIFETIME_S);
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: settings.keyId, typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: settings.teamId, iat, exp, aud: APPLE_AUDIENCE, sub: clientId }));
  const input = `${header}.${claims}`;
  // JWS ES256 (RFC 7518 §3.4): the signature is R || S, 64 bytes, not DER.
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/**
 * A minter for one team and key, loading the key on first use and keeping it; a failed load is not
 * cached, so the next request tries again.
 */
export function appleClientSecretMinter(
  settings: AppleSigningSettings,
  loadPem: () => Promise<string>,
  now: () => number = Date.now,
): (clientId: string) => Promise<string> {
  let key: Promise<KeyObject> | undefined;
  return async (clientId) => {
    key ??= loadPem().then(appleSigningKey);
    let k: KeyObject;
    try {
      k = await key;
    } catch (err) {
      key = undefined;
      throw err instanceof AppleKeyError ? err : new AppleKeyError('the Apple private key could not be loaded');
    }
    const secret = mintAppleClientSecret(k, settings, clientId, now() / 1000);
    // A secret of this request like the one Alexa sent: scrubbed from everything it logs or answers.
    noteSecret(secret);
    return secret;
  };
}
