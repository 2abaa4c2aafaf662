/** PKCE (RFC 7636) at its edges: lengths, alphabet, methods (issue 10 mutation survivors). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkChallenge, newCodeVerifier, s256Challenge, verifierMatches } from '../../lambda/core/authorize/pkce';

const unreserved = (n: number) => 'aZ0-._~'.repeat(Math.ceil(n / 7)).slice(0, n);

describe('verifierMatches (RFC 7636 §4.1: 43 to 128 unreserved characters; §4.6)', () => {
  it.each([43, 44, 127, 128])('a %i-character verifier is checked', (n) => {
    const v = unreserved(n);
    expect(verifierMatches(v, v, 'plain')).toBe(true);
    expect(verifierMatches(v, s256Challenge(v), 'S256')).toBe(true);
  });
  it.each([0, 1, 42, 129, 200])('a %i-character verifier never matches, even its own plain challenge', (n) => {
    const v = unreserved(n);
    expect(verifierMatches(v, v, 'plain')).toBe(false);
    expect(verifierMatches(v, s256Challenge(v), 'S256')).toBe(false);
  });
  it.each(['+', '/', '=', ' ', '%', 'é'])('a verifier with %j (outside the unreserved set) never matches', (ch) => {
    const v = `${unreserved(50)}${ch}`;
    expect(verifierMatches(v, v, 'plain')).toBe(false);
  });
  it('undefined never matches; a one-character difference does not match; S256 is not plain', () => {
    const v = unreserved(60);
    expect(verifierMatches(undefined, v, 'plain')).toBe(false);
    expect(verifierMatches(v, `${v.slice(0, -1)}x`, 'plain')).toBe(false);
    expect(verifierMatches(v, v, 'S256')).toBe(false);
    expect(verifierMatches(v, s256Challenge(v), 'plain')).toBe(false);
    expect(verifierMatches(v, `${v}a`, 'plain')).toBe(false); // different lengths
  });
});

describe('s256Challenge and newCodeVerifier (RFC 7636 §4.1, §4.2, Appendix B)', () => {
  it('matches the RFC 7636 Appendix B example', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
  it('a new verifier is 43 base64url characters, fresh each time, and its challenge is the SHA-256 of it', () => {
    const a = newCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCodeVerifier()).not.toBe(a);
    expect(s256Challenge(a)).toBe(createHash('sha256').update(a).digest('base64url'));
  });
});

describe('checkChallenge (RFC 7636 §4.2, §4.3)', () => {
  it('no challenge and no method: fine, nothing to check', () => {
    expect(checkChallenge(undefined, undefined)).toEqual({ ok: true });
    expect(checkChallenge('', undefined)).toEqual({ ok: true });
  });
  it('a method without a challenge is refused', () => {
    expect(checkChallenge(undefined, 'S256')).toEqual({ ok: false, reason: 'code_challenge_method without code_challenge' });
    expect(checkChallenge('', 'plain')).toMatchObject({ ok: false });
  });
  it('the method defaults to plain and must be S256 or plain, case-sensitively', () => {
    const c = unreserved(43);
    expect(checkChallenge(c, undefined)).toEqual({ ok: true, challenge: c, method: 'plain' });
    expect(checkChallenge(c, 'plain')).toEqual({ ok: true, challenge: c, method: 'plain' });
    expect(checkChallenge(c, 'S256')).toEqual({ ok: true, challenge: c, method: 'S256' });
    expect(checkChallenge(c, 's256')).toEqual({ ok: false, reason: 'code_challenge_method must be S256 or plain (RFC 7636 §4.3)' });
    expect(checkChallenge(c, 'S512')).toMatchObject({ ok: false });
  });
  it('lengths: 43 to 128 for plain; exactly 43 for S256', () => {
    expect(checkChallenge(unreserved(128), 'plain')).toMatchObject({ ok: true });
    expect(checkChallenge(unreserved(129), 'plain')).toEqual({ ok: false, reason: 'code_challenge must be 43 to 128 unreserved characters (RFC 7636 §4.2)' });
    expect(checkChallenge(unreserved(42), 'plain')).toMatchObject({ ok: false });
    expect(checkChallenge(unreserved(44), 'S256')).toEqual({ ok: false, reason: 'an S256 code_challenge is 43 base64url characters (RFC 7636 §4.2)' });
    expect(checkChallenge(`${unreserved(42)}+`, 'plain')).toMatchObject({ ok: false });
  });
});
