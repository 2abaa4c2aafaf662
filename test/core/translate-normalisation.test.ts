/**
 * The success side of translate.ts, pinned value by value (issue 10: mutants that survived because no
 * test held these promises). Each case names the rule it follows.
 */
import { describe, expect, it, vi } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { ALEXA_MIN_EXPIRES_IN, translateResponse, type TranslateContext, type Translation } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';
import { renderedVerdicts } from '../support/read-back';

/** The verdicts as the CLI shows them (compact ones rendered from the catalogue), word for word. */
const shown = (t: { verdicts: readonly object[] }, provider: string, grantType = 'authorization_code') => renderedVerdicts(t.verdicts, { provider, grantType });

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
    expect(renderedVerdicts(rotated.verdicts, { provider: 'generic', grantType: 'refresh_token' }).find((v) => v.code === 'refresh_token_rotated')!.message).not.toContain('single use');
    const singleUse = extendProfile(generic, { id: 's', displayName: 'S', refresh: { rotation: 'single_use' } });
    expect(shown(translateResponse(singleUse, json({ access_token: 'AT', refresh_token: 'RT2' }), refreshCtx('RT')), 's', 'refresh_token').find((v) => v.code === 'refresh_token_rotated')!.message).toContain('single use');
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

describe('success-side verdicts, word for word (the log is the product: README "Verdicts")', () => {
  const single = extendProfile(generic, { id: 's', displayName: 'S', refresh: { rotation: 'single_use', noRefreshTokenHint: 'ask for offline access' }, fields: { expiresAtField: 'expires_at' } });
  const dflt = extendProfile(generic, { id: 'd', displayName: 'D', fields: { defaultExpiresIn: 7200 } });
  const v = (code: string, severity: string, message: string) => ({ code, severity, message });
  const NO_EXPIRES_IN = v('no_expires_in', 'info', 'the provider sent no expires_in: Alexa will use the console\'s "Default Access Token Expiration Time"');

  it('201, form-encoded, labelled text/plain, token_type mac, short expiry, no refresh token', () => {
    const t = translateResponse(generic, answered(201, 'access_token=A&token_type=mac&expires_in=100', 'text/plain'), codeCtx);
    expect(shown(t, 'generic')).toEqual([
      v('success_status_normalized', 'info', 'the provider answered HTTP 201; Alexa requires 200, so the status was changed'),
      v('upstream_form_encoded', 'info', 'upstream answered form-encoded; translated to JSON (Alexa accepts only JSON, RFC 6749 §5.1)'),
      v('content_type_mismatch', 'info', 'the provider labelled a form body as "text/plain"; the adapter read the body as it is'),
      v('token_type_replaced', 'warn', 'the provider\'s token_type "mac" was replaced by Bearer, the only type Alexa supports'),
      v('expires_in_short', 'warn', "expires_in 100 s is below Alexa's 6-minute minimum: raise the provider's access-token lifetime to at least 360 s (an hour is recommended)"),
      v('no_refresh_token', 'warn', 'no refresh_token: the link breaks when the access token expires (in 100 s)'),
    ]);
    expect(t.translated).toEqual(['status 201 → 200', 'form → JSON', 'token_type mac → Bearer', 'expires_in string → number']);
    expect(t.tokens.tokenType).toBe('mac');
  });

  it('JSON without a Content-Type, expires_in not a number', () => {
    const t = translateResponse(generic, answered(200, '{"access_token":"A","token_type":"Bearer","refresh_token":"R","expires_in":"x1"}', ''), codeCtx);
    expect(shown(t, 'generic')).toEqual([
      v('content_type_mismatch', 'info', 'the provider labelled a json body as "nothing"; the adapter read the body as it is'),
      v('expires_in_invalid', 'warn', `the provider's expires_in ("x1") is not a number; it was dropped`),
      NO_EXPIRES_IN,
    ]);
  });

  it('refresh: retained token, then ok', () => {
    const t = translateResponse(generic, json({ access_token: 'A', token_type: 'Bearer', expires_in: 3600 }), refreshCtx('RT0'));
    expect(shown(t, 'generic', 'refresh_token')).toEqual([
      v('refresh_token_retained', 'info', "the provider's refresh answer had no refresh_token; the one Alexa presented was returned so Alexa keeps a refresh token"),
      v('ok', 'info', 'refresh succeeded; Alexa received a spec-compliant token answer'),
    ]);
    const same = translateResponse(generic, json({ access_token: 'A', token_type: 'Bearer', refresh_token: 'RT0', expires_in: 3600 }), refreshCtx('RT0'));
    expect(shown(same, 'generic', 'refresh_token')).toEqual([v('ok', 'info', 'refresh succeeded; Alexa received a spec-compliant token answer')]);
  });

  it('single-use rotation, expires_in 0', () => {
    const t = translateResponse(single, json({ access_token: 'A', token_type: 'Bearer', refresh_token: 'R2', expires_in: 0 }), refreshCtx('RT0'));
    expect(shown(t, 's', 'refresh_token')).toEqual([
      v('expires_in_invalid', 'warn', "the provider's expires_in 0 is not positive; it was dropped"),
      NO_EXPIRES_IN,
      v('refresh_token_rotated', 'info', 'the provider rotated the refresh token (single use: the old one no longer works)'),
    ]);
  });

  it('expires_at in the past, no refresh token with the profile\'s hint', () => {
    const t = translateResponse(single, json({ access_token: 'A', token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) - 10 }), codeCtx);
    expect(shown(t, 's')).toEqual([
      v('expires_in_invalid', 'warn', "the provider's expires_at lies in the past; it was dropped"),
      NO_EXPIRES_IN,
      v('no_refresh_token', 'warn', 'no refresh_token: the link breaks when the access token expires. Fix: ask for offline access'),
    ]);
  });

  it("the profile's default expiry, then ok for a code exchange", () => {
    const t = translateResponse(dflt, json({ access_token: 'A', token_type: 'Bearer', refresh_token: 'R' }), codeCtx);
    expect(shown(t, 'd')).toEqual([
      v('expires_in_synthesised', 'info', "the provider sent no expires_in; the profile's default of 7200 s was filled in"),
      v('ok', 'info', 'code exchanged; Alexa received a spec-compliant token answer'),
    ]);
  });

  it('a 203 without an access token', () => {
    const t = translateResponse(generic, json({ token_type: 'Bearer' }, 203), codeCtx);
    expect(t.verdicts).toEqual([v('missing_access_token', 'error', 'the provider answered HTTP 203 without an access_token')]);
  });

  it('expires_in numbers JSON cannot carry (1e400 is Infinity) are dropped, never null', () => {
    const t = translateResponse(generic, answered(200, '{"access_token":"A","token_type":"Bearer","refresh_token":"R","expires_in":1e400}'), codeCtx);
    expect(body(t)).not.toHaveProperty('expires_in');
    expect(t.answer.body).not.toContain('null');
  });

  it('an envelope is unwrapped and says so; nested tokens are preferred only when they hold an access token', () => {
    const env = extendProfile(generic, { id: 'e', displayName: 'E', response: { envelope: 'body' } });
    const t = translateResponse(env, json({ status: 0, body: { access_token: 'A', token_type: 'Bearer', refresh_token: 'R', expires_in: 3600 } }), codeCtx);
    expect(body(t)).toEqual({ access_token: 'A', token_type: 'Bearer', refresh_token: 'R', expires_in: 3600 });
    expect(t.translated).toEqual(['unwrapped body']);
    const nested = extendProfile(generic, { id: 'n', displayName: 'N', response: { nestedTokens: 'authed_user' } });
    const withUser = translateResponse(nested, json({ access_token: 'BOT', token_type: 'Bearer', refresh_token: 'R', expires_in: 3600, authed_user: { access_token: 'USER', token_type: 'Bearer', refresh_token: 'R', expires_in: 3600 } }), codeCtx);
    expect(body(withUser).access_token).toBe('USER');
    expect(withUser.translated).toEqual(['tokens taken from authed_user']);
    for (const authed of [{ id: 'x' }, { access_token: 5 }, 'string', null]) {
      const t2 = translateResponse(nested, json({ access_token: 'BOT', token_type: 'Bearer', refresh_token: 'R', expires_in: 3600, authed_user: authed }), codeCtx);
      expect(body(t2).access_token).toBe('BOT');
      expect(t2.translated).toEqual([]);
    }
  });
});

describe('success-side edges (issue 10 mutation survivors)', () => {
  it.each([
    ['HTML', '<!doctype html><p>hi</p>', 'text/html', 'upstream_html', 'with an HTML page'],
    ['an empty body', '', 'application/json', 'upstream_unreadable', 'with an empty body'],
    ['XML', '<?xml version="1.0"?><a/>', 'application/xml', 'upstream_unreadable', 'with XML'],
    ['plain text', 'ok thanks', 'text/plain', 'upstream_unreadable', 'with plain text'],
    ['invalid JSON', '{"access_token":', 'application/json', 'upstream_invalid_json', 'the body is not valid JSON'],
  ])('a 2xx with %s: 502 server_error, and the verdict names what came', (_what, text, ct, code, said) => {
    const t = translateResponse(generic, answered(200, text, ct), codeCtx);
    expect(t.outcome).toBe('upstream_error');
    expect(t.answer.status).toBe(502);
    expect(body(t)).toEqual({ error: 'server_error', error_description: 'the provider answered with an unreadable body' });
    expect(t.verdicts).toEqual([{ code, severity: 'error', message: `the provider answered HTTP 200 but ${said}; no tokens could be read` }]);
  });

  it('a correctly labelled form answer is no content-type mismatch', () => {
    const t = translateResponse(generic, answered(200, 'access_token=A&token_type=Bearer&refresh_token=R&expires_in=3600', 'application/x-www-form-urlencoded'), codeCtx);
    expect(codes(t)).toEqual(['upstream_form_encoded', 'ok']);
  });

  it('token_type_defaulted and the non-single-use rotation message, word for word', () => {
    const t = translateResponse(generic, json({ access_token: 'A', refresh_token: 'R2', expires_in: 3600 }), refreshCtx('R1'));
    expect(shown(t, 'generic', 'refresh_token')).toEqual([
      { code: 'token_type_defaulted', severity: 'info', message: 'the provider sent no token_type; Bearer was filled in' },
      { code: 'refresh_token_rotated', severity: 'info', message: 'the provider rotated the refresh token' },
      { code: 'ok', severity: 'info', message: 'refresh succeeded; Alexa received a spec-compliant token answer' },
    ]);
  });

  it('retention is for refresh grants only', () => {
    const t = translateResponse(generic, ok({ refresh_token: undefined, expires_in: 3600 }), { ...codeCtx, presentedRefreshToken: 'RT' });
    expect(body(t)).not.toHaveProperty('refresh_token');
    expect(codes(t)).toContain('no_refresh_token');
  });

  it('expires_in: an array holding a number is not a number; two decimals are fine; null is simply absent', () => {
    const arr = translateResponse(generic, ok({ expires_in: ['3600'] }), codeCtx);
    expect(body(arr)).not.toHaveProperty('expires_in');
    expect(codes(arr)).toContain('expires_in_invalid');
    expect(body(translateResponse(generic, ok({ expires_in: '3600.25' }), codeCtx)).expires_in).toBe(3600);
    const nul = translateResponse(generic, ok({ expires_in: null }), codeCtx);
    expect(codes(nul)).toEqual(['no_expires_in', 'ok']);
  });

  it('expires_at: Infinity, zero and negative values are ignored without a verdict; exactly now is already past', () => {
    const profile = extendProfile(generic, { id: 'a', displayName: 'A', fields: { expiresAtField: 'expires_at' } });
    const inf = translateResponse(profile, answered(200, '{"access_token":"A","token_type":"Bearer","refresh_token":"R","expires_at":1e400}'), codeCtx);
    expect(body(inf)).not.toHaveProperty('expires_in');
    expect(inf.answer.body).not.toContain('null');
    for (const at of [0, -3]) expect(codes(translateResponse(profile, ok({ expires_at: at }), codeCtx))).toEqual(['no_expires_in', 'ok']);
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date('2026-12-01T00:00:00Z'));
      const now = Math.floor(Date.now() / 1000);
      const t = translateResponse(profile, ok({ expires_at: now }), codeCtx);
      expect(body(t)).not.toHaveProperty('expires_in');
      expect(codes(t)).toContain('expires_in_invalid');
      expect(body(translateResponse(profile, ok({ expires_at: now + 1 }), codeCtx)).expires_in).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an empty member name passes through like any other extra member', () => {
    expect(body(translateResponse(generic, ok({ '': 'x', expires_in: 3600 }), codeCtx))).toHaveProperty([''], 'x');
  });
});
