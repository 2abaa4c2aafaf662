/**
 * The success side of translate.ts, pinned value by value (issue 10: mutants that survived because no
 * test held these promises). Each case names the rule it follows.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { ALEXA_MIN_EXPIRES_IN, translateResponse, type TranslateContext, type Translation } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';

function answered(status: number, body: string, contentType = 'application/json'): UpstreamResult {
  return { outcome: 'answered', status, headers: new Headers({ 'content-type': contentType }), body: new TextEncoder().encode(body), latencyMs: 7 };
}
const json = (obj: unknown, status = 200) => answered(status, JSON.stringify(obj));
/** A compliant answer (no verdict but ok) with the members under test replaced. */
const ok = (over: Record<string, unknown>) => json({ access_token: 'AT', token_type: 'Bearer', refresh_token: 'RT', ...over });
const codeCtx: TranslateContext = { grantType: 'authorization_code', alexaScheme: 'body', timeoutMs: 4000, secrets: [] };
const refreshCtx = (presented: string): TranslateContext => ({ grantType: 'refresh_token', presentedRefreshToken: presented, alexaScheme: 'body', timeoutMs: 4000, secrets: [presented] });
const body = (t: Translation) => JSON.parse(t.answer.body) as Record<string, unknown>;
const codes = (t: Translation) => t.verdicts.map((v) => v.code);

describe('refresh_token in a refresh answer (RFC 6749 §6: the client keeps its token when none is issued)', () => {
  it.each([
    ['null', null],
    ['an empty string', ''],
    ['a number', 42],
    ['absent', undefined],
  ])('a refresh_token that is %s: Alexa gets the token it presented, never null or ""', (_what, value) => {
    const t = translateResponse(generic, json({ access_token: 'AT', refresh_token: value }), refreshCtx('RT-presented'));
    expect(t.answer.status).toBe(200);
    expect(body(t).refresh_token).toBe('RT-presented');
    expect(t.translated).toContain('refresh_token retained');
    expect(codes(t)).toContain('refresh_token_retained');
    expect(t.tokens.refreshTokenOutFp).toBe(fingerprint('RT-presented'));
  });

  it('a code exchange answering refresh_token null or "": no refresh_token member at all, and the warning', () => {
    for (const value of [null, '']) {
      const t = translateResponse(generic, json({ access_token: 'AT', refresh_token: value }), codeCtx);
      expect(body(t)).not.toHaveProperty('refresh_token');
      expect(codes(t)).toContain('no_refresh_token');
      expect(t.translated).not.toContain('refresh_token retained');
    }
  });

  it('a refresh without a presented token (nothing to retain) forwards no refresh_token and does not claim retention', () => {
    const t = translateResponse(generic, json({ access_token: 'AT' }), { ...refreshCtx(''), presentedRefreshToken: undefined });
    expect(body(t)).not.toHaveProperty('refresh_token');
    expect(codes(t)).not.toContain('refresh_token_retained');
    expect(codes(t)).not.toContain('no_refresh_token');
  });

  it('rotation is named only when the new token differs from the presented one', () => {
    const same = translateResponse(generic, json({ access_token: 'AT', refresh_token: 'RT' }), refreshCtx('RT'));
    expect(codes(same)).not.toContain('refresh_token_rotated');
    expect(body(same).refresh_token).toBe('RT');
    const rotated = translateResponse(generic, json({ access_token: 'AT', refresh_token: 'RT2' }), refreshCtx('RT'));
    expect(codes(rotated)).toContain('refresh_token_rotated');
    expect(rotated.verdicts.find((v) => v.code === 'refresh_token_rotated')!.message).not.toContain('single use');
    const singleUse = extendProfile(generic, { id: 's', displayName: 'S', refresh: { rotation: 'single_use' } });
    expect(translateResponse(singleUse, json({ access_token: 'AT', refresh_token: 'RT2' }), refreshCtx('RT')).verdicts.find((v) => v.code === 'refresh_token_rotated')!.message).toContain('single use');
  });
});

describe('access_token (RFC 6749 §5.1: REQUIRED)', () => {
  it.each([
    ['an empty string', ''],
    ['null', null],
    ['a number', 12345],
    ['absent', undefined],
  ])('an access_token that is %s is no success: 502 server_error, missing_access_token', (_what, value) => {
    const t = translateResponse(generic, json({ access_token: value, token_type: 'Bearer', expires_in: 3600 }), codeCtx);
    expect(t.outcome).toBe('upstream_error');
    expect(t.answer.status).toBe(502);
    expect(body(t)).toEqual({ error: 'server_error', error_description: 'the provider answered without an access token' });
    expect(codes(t)).toEqual(['missing_access_token']);
  });
});

describe('expires_in (RFC 6749 §5.1: a number of seconds)', () => {
  it.each([
    ['3600s', '3600s'],
    ['1h', '1h'],
    ['-5', '-5'],
    ['an empty string', ''],
    ['an object', { seconds: 3600 }],
    ['true', true],
  ])('"%s" is not a number: dropped with a warning, never null', (_what, value) => {
    const t = translateResponse(generic, json({ access_token: 'AT', expires_in: value }), codeCtx);
    expect(t.answer.status).toBe(200);
    expect(body(t)).not.toHaveProperty('expires_in');
    expect(t.answer.body).not.toContain('null');
    expect(codes(t)).toContain('expires_in_invalid');
    expect(t.tokens).not.toHaveProperty('expiresIn');
  });

  it('a numeric string becomes a number (and says so); fractions are floored', () => {
    const t = translateResponse(generic, ok({ expires_in: ' 3600.9 ' }), codeCtx);
    expect(body(t).expires_in).toBe(3600);
    expect(t.translated).toEqual(['expires_in string → number']);
    expect(translateResponse(generic, json({ access_token: 'AT', expires_in: 7200.5 }), codeCtx).tokens.expiresIn).toBe(7200);
  });

  it('zero and negative numbers are dropped; 1 s is kept (and is short)', () => {
    for (const v of [0, -1, 0.5]) {
      const t = translateResponse(generic, json({ access_token: 'AT', expires_in: v }), codeCtx);
      expect(body(t)).not.toHaveProperty('expires_in');
      expect(codes(t)).toContain('expires_in_invalid');
    }
    const one = translateResponse(generic, json({ access_token: 'AT', expires_in: 1 }), codeCtx);
    expect(body(one).expires_in).toBe(1);
    expect(codes(one)).toContain('expires_in_short');
  });

  it(`Alexa's ${ALEXA_MIN_EXPIRES_IN} s minimum: ${ALEXA_MIN_EXPIRES_IN - 1} s warns, ${ALEXA_MIN_EXPIRES_IN} s does not`, () => {
    expect(codes(translateResponse(generic, json({ access_token: 'AT', expires_in: ALEXA_MIN_EXPIRES_IN - 1 }), codeCtx))).toContain('expires_in_short');
    expect(codes(translateResponse(generic, ok({ expires_in: ALEXA_MIN_EXPIRES_IN }), codeCtx))).toEqual(['ok']);
  });

  it("a profile's defaultExpiresIn fills a missing value and never overwrites the provider's", () => {
    const profile = extendProfile(generic, { id: 'd', displayName: 'D', fields: { defaultExpiresIn: 28800 } });
    const provided = translateResponse(profile, ok({ expires_in: 3600 }), codeCtx);
    expect(body(provided).expires_in).toBe(3600);
    expect(provided.translated).toEqual([]);
    expect(codes(provided)).not.toContain('expires_in_synthesised');
    const missing = translateResponse(profile, ok({}), codeCtx);
    expect(body(missing).expires_in).toBe(28800);
    expect(missing.translated).toEqual(['expires_in 28800 synthesised']);
    expect(codes(missing)).toContain('expires_in_synthesised');
    // An invalid value is dropped first, then the default fills in.
    expect(body(translateResponse(profile, json({ access_token: 'AT', expires_in: '8h' }), codeCtx)).expires_in).toBe(28800);
  });

  it('without a value and without a default: no expires_in member, and the note that Alexa uses its console default', () => {
    const t = translateResponse(generic, ok({}), codeCtx);
    expect(body(t)).not.toHaveProperty('expires_in');
    expect(codes(t)).toEqual(['no_expires_in', 'ok']);
  });

  it('an absolute expiry field (Strava expires_at) is used only when expires_in is missing', () => {
    const profile = extendProfile(generic, { id: 'a', displayName: 'A', fields: { expiresAtField: 'expires_at' } });
    const at = Math.floor(Date.now() / 1000) + 1000;
    const t = translateResponse(profile, ok({ expires_at: at }), codeCtx);
    expect(body(t).expires_in).toBeGreaterThanOrEqual(998);
    expect(body(t).expires_in).toBeLessThanOrEqual(1000);
    expect(body(t)).not.toHaveProperty('expires_at');
    expect(t.translated).toEqual(['expires_at → expires_in']);
    const both = translateResponse(profile, ok({ expires_in: 50_000, expires_at: at }), codeCtx);
    expect(body(both).expires_in).toBe(50_000);
    expect(both.translated).toEqual([]);
    for (const bad of [0, -3, 'soon']) {
      expect(body(translateResponse(profile, ok({ expires_at: bad }), codeCtx))).not.toHaveProperty('expires_in');
    }
    // A moment already past: dropped with a warning, never expires_in 0.
    const past = translateResponse(profile, ok({ expires_at: Math.floor(Date.now() / 1000) - 60 }), codeCtx);
    expect(body(past)).not.toHaveProperty('expires_in');
    expect(codes(past)).toContain('expires_in_invalid');
  });
});

describe('token_type and scope (RFC 6749 §5.1, §3.3)', () => {
  it('Bearer passes unchanged; other spellings of bearer are normalised without a warning; other types warn', () => {
    expect(translateResponse(generic, ok({ expires_in: 3600 }), codeCtx).translated).toEqual([]);
    const lower = translateResponse(generic, ok({ token_type: 'bearer', expires_in: 3600 }), codeCtx);
    expect(lower.translated).toEqual(['token_type bearer → Bearer']);
    expect(codes(lower)).toEqual(['ok']);
    const mac = translateResponse(generic, json({ access_token: 'AT', token_type: 'mac' }), codeCtx);
    expect(body(mac).token_type).toBe('Bearer');
    expect(codes(mac)).toContain('token_type_replaced');
    for (const missing of [undefined, '', 7]) {
      const t = translateResponse(generic, ok({ token_type: missing, expires_in: 3600 }), codeCtx);
      expect(t.translated).toEqual(['token_type → Bearer (missing)']);
      expect(codes(t)).toContain('token_type_defaulted');
    }
  });

  it('scope: an array becomes space-delimited (non-strings dropped); commas only for a comma profile; other types are dropped', () => {
    const arr = translateResponse(generic, ok({ scope: ['a', 1, 'b'], expires_in: 3600 }), codeCtx);
    expect(body(arr).scope).toBe('a b');
    expect(arr.translated).toEqual(['scope array → space-delimited']);
    expect(body(translateResponse(generic, json({ access_token: 'AT', scope: 'a,b' }), codeCtx)).scope).toBe('a,b');
    const gh = translateResponse(github, json({ access_token: 'AT', scope: 'repo, gist,,' }), codeCtx);
    expect(body(gh).scope).toBe('repo gist');
    expect(gh.translated).toContain('scope comma → space');
    expect(translateResponse(github, json({ access_token: 'AT', scope: 'repo' }), codeCtx).translated).not.toContain('scope comma → space');
    expect(body(translateResponse(generic, json({ access_token: 'AT', scope: 5 }), codeCtx))).not.toHaveProperty('scope');
  });

  it('other members pass through; error members and the expiry field do not', () => {
    const profile = extendProfile(generic, { id: 'a', displayName: 'A', fields: { expiresAtField: 'expires_at' } });
    const t = translateResponse(profile, ok({ expires_in: 60, id_token: 'ID', user_id: 7, error: '', error_uri: null, expires_at: 5 }), codeCtx);
    expect(body(t)).toEqual({ access_token: 'AT', token_type: 'Bearer', refresh_token: 'RT', expires_in: 60, id_token: 'ID', user_id: 7 });
    expect(t.tokens.idTokenPresent).toBe(true);
  });
});
