/** PKCE (RFC 7636) on both legs: Alexa's challenge checked at token time, our own toward the provider. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type PkceMethod = 'S256' | 'plain';

/** RFC 7636 §4.1: code_verifier = 43*128 unreserved characters. §4.2: the challenge has the same alphabet. */
const UNRESERVED_43_128 = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.1: 32 random octets, base64url → a 43-character verifier (256 bits). */
export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export type ChallengeCheck = { ok: true; challenge: string; method: PkceMethod } | { ok: true; challenge?: undefined; method?: undefined } | { ok: false; reason: string };

/** Validates Alexa's `code_challenge` / `code_challenge_method` on /authorize (RFC 7636 §4.3). */
export function checkChallenge(challenge: string | undefined, method: string | undefined): ChallengeCheck {
  if (challenge === undefined || challenge === '') {
    return method === undefined ? { ok: true } : { ok: false, reason: 'code_challenge_method without code_challenge' };
  }
  // RFC 7636 §4.3: defaults to "plain" when absent.
  const m = method ?? 'plain';
  if (m !== 'S256' && m !== 'plain') return { ok: false, reason: 'code_challenge_method must be S256 or plain (RFC 7636 §4.3)' };
  if (!UNRESERVED_43_128.test(challenge)) return { ok: false, reason: 'code_challenge must be 43 to 128 unreserved characters (RFC 7636 §4.2)' };
  if (m === 'S256' && challenge.length !== 43) return { ok: false, reason: 'an S256 code_challenge is 43 base64url characters (RFC 7636 §4.2)' };
  return { ok: true, challenge, method: m };
}

/** RFC 7636 §4.6: recompute the challenge from the verifier and compare. */
export function verifierMatches(verifier: string | undefined, challenge: string, method: PkceMethod): boolean {
  if (verifier === undefined || !UNRESERVED_43_128.test(verifier)) return false;
  const computed = method === 'S256' ? s256Challenge(verifier) : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
