import { describe, expect, it } from 'vitest';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { google } from '../../lambda/core/profiles/google';
import type { ProviderProfile } from '../../lambda/core/profiles/types';
import { fingerprint } from '../../lambda/core/fingerprint';
import { translateResponse, type TranslateContext, type Translation } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';
import { renderedVerdicts } from '../support/read-back';

function answered(status: number, body: string | Uint8Array, contentType?: string, extraHeaders: Record<string, string> = {}): UpstreamResult {
  const headers = new Headers(extraHeaders);
  if (contentType !== undefined) headers.set('content-type', contentType);
  return { outcome: 'answered', status, headers, body: typeof body === 'string' ? new TextEncoder().encode(body) : body, latencyMs: 12 };
}
const json = (status: number, obj: unknown, ct = 'application/json; charset=utf-8') => answered(status, JSON.stringify(obj), ct);

const codeCtx = (over: Partial<TranslateContext> = {}): TranslateContext => ({ grantType: 'authorization_code', alexaScheme: 'body', timeoutMs: 4000, secrets: [], ...over });
const refreshCtx = (presented: string, over: Partial<TranslateContext> = {}): TranslateContext => ({ grantType: 'refresh_token', presentedRefreshToken: presented, alexaScheme: 'body', timeoutMs: 4000, secrets: [presented], ...over });

const bodyOf = (t: Translation) => JSON.parse(t.answer.body) as Record<string, unknown>;
const codes = (t: Translation) => t.verdicts.map((v) => v.code);

function expectSuccess(t: Translation) {
  expect(t.outcome).toBe('success');
  expect(t.answer.status).toBe(200);
  expect(t.answer.headers['content-type']).toMatch(/^application\/json/);
  expect(t.answer.headers['cache-control']).toBe('no-store');
  expect(t.answer.headers['pragma']).toBe('no-cache');
  const body = bodyOf(t);
  expect(body.token_type).toBe('Bearer');
  return body;
}

function expectError(t: Translation, status: number, error: string) {
  expect(t.answer.status).toBe(status);
  expect(t.answer.headers['content-type']).toMatch(/^application\/json/);
  expect(t.answer.headers['cache-control']).toBe('no-store');
  const body = bodyOf(t);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expect(body).not.toHaveProperty('access_token');
  return body;
}

describe('translateResponse: success answers', () => {
  it('passes a compliant JSON answer through and fingerprints the tokens', () => {
    const t = translateResponse(generic, json(200, { access_token: 'AT1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'RT1', scope: 'a b' }), codeCtx());
    expect(expectSuccess(t)).toEqual({ access_token: 'AT1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'RT1', scope: 'a b' });
    expect(t.tokens).toMatchObject({ accessTokenFp: fingerprint('AT1'), refreshTokenOutFp: fingerprint('RT1'), expiresIn: 3600, scope: 'a b', idTokenPresent: false });
    expect(t.translated).toEqual([]);
    expect(codes(t)).toEqual(['ok']);
    expect(t.upstream).toMatchObject({ outcome: 'answered', status: 200, format: 'json' });
  });

  it('translates a form-encoded answer to JSON (GitHub without Accept honoured)', () => {
    const t = translateResponse(github, answered(200, 'access_token=gho_abc&scope=repo%2Cgist&token_type=bearer', 'application/x-www-form-urlencoded; charset=utf-8'), codeCtx());
    const body = expectSuccess(t);
    expect(body).toEqual({ access_token: 'gho_abc', token_type: 'Bearer', scope: 'repo gist' });
    expect(t.translated).toEqual(expect.arrayContaining(['form → JSON', 'scope comma → space', 'token_type bearer → Bearer']));
    expect(codes(t)).toContain('upstream_form_encoded');
    expect(t.upstream.format).toBe('form');
  });

  it('reads the body as what it is when GitHub\'s Content-Type lies', () => {
    const formAsJson = translateResponse(github, answered(200, 'access_token=gho_x&scope=repo&token_type=bearer', 'application/json'), codeCtx());
    expect(expectSuccess(formAsJson).access_token).toBe('gho_x');
    expect(codes(formAsJson)).toContain('content_type_mismatch');
    const jsonAsForm = translateResponse(github, answered(200, '{"access_token":"gho_y","token_type":"bearer","scope":"repo,user"}', 'application/x-www-form-urlencoded'), codeCtx());
    expect(expectSuccess(jsonAsForm)).toMatchObject({ access_token: 'gho_y', scope: 'repo user' });
    expect(codes(jsonAsForm)).toContain('content_type_mismatch');
  });

  it.each([201, 202, 204, 299])('any 2xx (%i) with tokens becomes 200', (status) => {
    const t = translateResponse(generic, json(status, { access_token: 'A', token_type: 'Bearer' }), codeCtx());
    expectSuccess(t);
    expect(t.translated).toContain(`status ${status} → 200`);
    expect(codes(t)).toContain('success_status_normalized');
  });

  it('converts a string expires_in to a number', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A', token_type: 'Bearer', expires_in: '3600' }), codeCtx());
    expect(expectSuccess(t).expires_in).toBe(3600);
    expect(t.translated).toContain('expires_in string → number');
  });

  it('drops a non-numeric or non-positive expires_in with a warning', () => {
    const bad = translateResponse(generic, json(200, { access_token: 'A', expires_in: 'soon' }), codeCtx());
    expect(expectSuccess(bad)).not.toHaveProperty('expires_in');
    expect(codes(bad)).toContain('expires_in_invalid');
    const zero = translateResponse(generic, json(200, { access_token: 'A', expires_in: 0 }), codeCtx());
    expect(expectSuccess(zero)).not.toHaveProperty('expires_in');
    expect(codes(zero)).toContain('expires_in_invalid');
  });

  it('fills in a missing token_type as Bearer', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A' }), codeCtx());
    expectSuccess(t);
    expect(codes(t)).toContain('token_type_defaulted');
  });

  it('normalises lowercase bearer silently and replaces other types with a warning', () => {
    const lower = translateResponse(generic, json(200, { access_token: 'A', token_type: 'bearer' }), codeCtx());
    expectSuccess(lower);
    expect(lower.translated).toContain('token_type bearer → Bearer');
    expect(codes(lower)).not.toContain('token_type_replaced');
    const bot = translateResponse(generic, json(200, { access_token: 'A', token_type: 'bot' }), codeCtx());
    expectSuccess(bot);
    expect(codes(bot)).toContain('token_type_replaced');
  });

  it('keeps extra fields (id_token, provider extras) and the scope', () => {
    const t = translateResponse(google, json(200, { access_token: 'A', token_type: 'Bearer', expires_in: 3599, refresh_token: 'R', id_token: 'eyJ.x.y', scope: 'openid email', user_id: 42 }), codeCtx());
    expect(expectSuccess(t)).toMatchObject({ id_token: 'eyJ.x.y', scope: 'openid email', user_id: 42 });
    expect(t.tokens.idTokenPresent).toBe(true);
  });

  it('only rewrites a comma scope for providers that use commas', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A', scope: 'a,b' }), codeCtx());
    expect(expectSuccess(t).scope).toBe('a,b');
    const arr = translateResponse(generic, json(200, { access_token: 'A', scope: ['a', 'b', 3] }), codeCtx());
    expect(expectSuccess(arr).scope).toBe('a b');
  });

  it('returns the presented refresh token when the refresh answer has none (Google)', () => {
    const t = translateResponse(google, json(200, { access_token: 'A2', expires_in: 3599, token_type: 'Bearer' }), refreshCtx('RT-old'));
    expect(expectSuccess(t).refresh_token).toBe('RT-old');
    expect(codes(t)).toContain('refresh_token_retained');
    expect(t.translated).toContain('refresh_token retained');
    expect(t.tokens.refreshTokenOutFp).toBe(fingerprint('RT-old'));
  });

  it('reports a rotated refresh token', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A2', refresh_token: 'RT-new', expires_in: 3600 }), refreshCtx('RT-old'));
    expect(expectSuccess(t).refresh_token).toBe('RT-new');
    expect(codes(t)).toContain('refresh_token_rotated');
    expect(codes(t)).not.toContain('refresh_token_retained');
  });

  it('warns no_refresh_token on a code exchange, with the profile\'s hint (Google)', () => {
    const t = translateResponse(google, json(200, { access_token: 'A', expires_in: 3599, token_type: 'Bearer' }), codeCtx());
    const body = expectSuccess(t);
    expect(body).not.toHaveProperty('refresh_token');
    // As the CLI shows it: the built-in profile's hint comes from the record's provider.
    const v = renderedVerdicts(t.verdicts, { provider: 'google' }).find((x) => x.code === 'no_refresh_token');
    expect(v?.severity).toBe('warn');
    expect(v?.message).toContain('access_type=offline');
    expect(v?.message).toContain('3599');
    expect(codes(t)).not.toContain('ok');
  });

  it('warns when expires_in is below Alexa\'s 360 s minimum', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A', refresh_token: 'R', expires_in: 300 }), codeCtx());
    expect(expectSuccess(t).expires_in).toBe(300);
    expect(codes(t)).toContain('expires_in_short');
    const ok = translateResponse(generic, json(200, { access_token: 'A', refresh_token: 'R', expires_in: 360 }), codeCtx());
    expect(codes(ok)).not.toContain('expires_in_short');
  });

  it('notes a missing expires_in', () => {
    const t = translateResponse(github, json(200, { access_token: 'A', token_type: 'bearer', scope: '' }), codeCtx());
    expectSuccess(t);
    expect(codes(t)).toEqual(expect.arrayContaining(['no_expires_in', 'no_refresh_token']));
  });

  it('synthesises expires_in from a profile default or an absolute expires_at', () => {
    const withDefault = extendProfile(generic, { id: 'd', displayName: 'D', fields: { defaultExpiresIn: 28800 } });
    expect(expectSuccess(translateResponse(withDefault, json(200, { access_token: 'A' }), codeCtx())).expires_in).toBe(28800);
    const withAt = extendProfile(generic, { id: 's', displayName: 'S', fields: { expiresAtField: 'expires_at' } });
    const t = translateResponse(withAt, json(200, { access_token: 'A', expires_at: Math.floor(Date.now() / 1000) + 21600 }), codeCtx());
    const body = expectSuccess(t);
    expect(body.expires_in).toBeGreaterThan(21000);
    expect(body).not.toHaveProperty('expires_at');
  });

  it('unwraps an envelope and honours a success predicate', () => {
    const withings = extendProfile(generic, { id: 'w', displayName: 'W', response: { envelope: 'body', successWhen: { path: 'status', equals: 0 } } });
    const ok = translateResponse(withings, json(200, { status: 0, body: { access_token: 'A', refresh_token: 'R', expires_in: 10800, token_type: 'Bearer' } }), codeCtx());
    expect(expectSuccess(ok)).toMatchObject({ access_token: 'A', refresh_token: 'R', expires_in: 10800 });
    const failed = translateResponse(withings, json(200, { status: 503, error: 'Invalid Params' }), codeCtx());
    expectError(failed, 400, 'invalid_grant');
  });
});

describe('translateResponse: provider errors', () => {
  it('GitHub bad_verification_code with HTTP 200 → 400 invalid_grant', () => {
    const t = translateResponse(github, json(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.', error_uri: 'https://docs.github.com' }), codeCtx());
    const body = expectError(t, 400, 'invalid_grant');
    expect(body.error_description).toBe('The code passed is incorrect or expired.');
    expect(t.outcome).toBe('provider_error');
    expect(codes(t)).toEqual(expect.arrayContaining(['error_in_success_status', 'code_rejected']));
    expect(t.translated).toEqual(expect.arrayContaining(['status 200 → 400 (error body)', 'error bad_verification_code → invalid_grant']));
  });

  it('GitHub form-encoded error body is read too', () => {
    const t = translateResponse(github, answered(200, 'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.', 'application/x-www-form-urlencoded'), codeCtx());
    expectError(t, 400, 'invalid_grant');
  });

  it('incorrect_client_credentials → invalid_client: 401 + WWW-Authenticate when Alexa used Basic, 400 for body credentials (RFC 6749 §5.2)', () => {
    const body = { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' };
    const basic = translateResponse(github, json(200, body), codeCtx({ alexaScheme: 'basic' }));
    expectError(basic, 401, 'invalid_client');
    expect(basic.answer.headers['www-authenticate']).toMatch(/^Basic /);
    expect(codes(basic)).toContain('client_rejected');
    const viaBody = translateResponse(github, json(200, body), codeCtx({ alexaScheme: 'body' }));
    expectError(viaBody, 400, 'invalid_client');
    expect(viaBody.answer.headers).not.toHaveProperty('www-authenticate');
  });

  it("a provider's compliant 400 invalid_client for body credentials stays 400 (never a 401 without a challenge, RFC 9110 §15.5.2)", () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_client' }), codeCtx({ alexaScheme: 'body' }));
    expectError(t, 400, 'invalid_client');
    expect(t.answer.headers).not.toHaveProperty('www-authenticate');
    expect(t.translated).toEqual([]);
    // The same answer to a Basic client becomes the 401 RFC 6749 §5.2 requires, with its challenge.
    const basic = translateResponse(generic, json(400, { error: 'invalid_client' }), codeCtx({ alexaScheme: 'basic' }));
    expectError(basic, 401, 'invalid_client');
    expect(basic.answer.headers['www-authenticate']).toBe('Basic realm="alexa-link-adapter", charset="UTF-8"');
    expect(basic.translated).toEqual(['status 400 → 401']);
  });

  it('passes RFC error codes through with status 400', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_scope', error_description: 'nope' }), codeCtx());
    expectError(t, 400, 'invalid_scope');
    expect(t.error).toEqual({ code: 'invalid_scope', description: 'nope' });
  });

  it('maps unknown provider codes to invalid_grant, or temporarily_unavailable (503) on 5xx', () => {
    expectError(translateResponse(generic, json(400, { error: 'weird_thing' }), codeCtx()), 400, 'invalid_grant');
    expectError(translateResponse(generic, json(503, { error: 'overloaded' }), codeCtx()), 503, 'temporarily_unavailable');
  });

  it('does not let an error code named like an Object.prototype member escape the mapping', () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const t = translateResponse(github, json(200, { error: code }), codeCtx());
      expectError(t, 400, 'invalid_grant');
    }
  });

  it('refresh invalid_grant names the re-link and the provider hint (Google)', () => {
    const t = translateResponse(google, json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), refreshCtx('RT'));
    expectError(t, 400, 'invalid_grant');
    const v = t.verdicts.find((x) => x.code === 'refresh_rejected');
    expect(v?.message).toContain('Testing');
  });

  it('redacts request secrets a provider echoes in error_description', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_grant', error_description: 'code SECRETCODE-1 unknown' }), codeCtx({ secrets: ['SECRETCODE-1'] }));
    const body = expectError(t, 400, 'invalid_grant');
    expect(body.error_description).not.toContain('SECRETCODE-1');
    expect(body.error_description).toContain(fingerprint('SECRETCODE-1'));
    expect(JSON.stringify(t.verdicts)).not.toContain('SECRETCODE-1');
  });

  it('an error body wins over an access_token in the same answer', () => {
    expectError(translateResponse(generic, json(200, { error: 'invalid_grant', access_token: 'A' }), codeCtx()), 400, 'invalid_grant');
  });
});

describe('translateResponse: upstream failures', () => {
  it('timeout → 503 temporarily_unavailable, upstream_timeout naming the budget', () => {
    const t = translateResponse(generic, { outcome: 'timeout', latencyMs: 300 }, codeCtx({ timeoutMs: 300 }));
    expectError(t, 503, 'temporarily_unavailable');
    expect(t.outcome).toBe('upstream_error');
    expect(codes(t)).toEqual(['upstream_timeout']);
    expect(t.verdicts[0]!.message).toContain('300 ms');
  });

  it('network error → 503 temporarily_unavailable, upstream_unreachable', () => {
    const t = translateResponse(generic, { outcome: 'network_error', reason: 'ECONNREFUSED', latencyMs: 1 }, codeCtx());
    expectError(t, 503, 'temporarily_unavailable');
    expect(codes(t)).toEqual(['upstream_unreachable']);
    expect(t.verdicts[0]!.message).toContain('ECONNREFUSED');
  });

  it('too large → 502 server_error, upstream_too_large', () => {
    const t = translateResponse(generic, { outcome: 'too_large', status: 200, headers: new Headers({ 'content-type': 'application/json' }), latencyMs: 1 }, codeCtx());
    expectError(t, 502, 'server_error');
    expect(codes(t)).toEqual(['upstream_too_large']);
    expect(t.upstream.status).toBe(200);
  });

  it('HTML login page with 200 → 502 upstream_html, for sniffing and JSON profiles alike', () => {
    const page = '<!DOCTYPE html><html><body><form action="/login"></form></body></html>';
    for (const profile of [generic, github, google] as ProviderProfile[]) {
      const t = translateResponse(profile, answered(200, page, 'text/html; charset=utf-8'), codeCtx());
      expectError(t, 502, 'server_error');
      expect(codes(t)).toEqual(['upstream_html']);
      expect(t.upstream.format).toBe('html');
    }
  });

  it('HTML error page with 500 → 503 upstream_html', () => {
    const t = translateResponse(generic, answered(500, '<html><body>Internal error</body></html>', 'text/html'), codeCtx());
    expectError(t, 503, 'temporarily_unavailable');
    expect(codes(t)).toEqual(['upstream_html']);
  });

  it('invalid JSON → 502 upstream_invalid_json', () => {
    const t = translateResponse(generic, answered(200, '{"access_token": "abc", ', 'application/json'), codeCtx());
    expectError(t, 502, 'server_error');
    expect(codes(t)).toEqual(['upstream_invalid_json']);
  });

  it('JSON that is not an object → 502 upstream_invalid_json', () => {
    expect(codes(translateResponse(generic, answered(200, '["access_token"]', 'application/json'), codeCtx()))).toEqual(['upstream_invalid_json']);
  });

  it('2xx without access_token → 502 missing_access_token', () => {
    const t = translateResponse(generic, json(200, { token_type: 'Bearer' }), codeCtx());
    expectError(t, 502, 'server_error');
    expect(codes(t)).toEqual(['missing_access_token']);
  });

  it('empty 200 and binary 200 → 502 upstream_unreadable', () => {
    expect(codes(translateResponse(generic, answered(200, ''), codeCtx()))).toEqual(['upstream_unreadable']);
    const t = translateResponse(generic, answered(200, new Uint8Array([0xff, 0x00, 0xfe])), codeCtx());
    expectError(t, 502, 'server_error');
    expect(t.upstream.format).toBe('binary');
  });

  it.each([500, 502, 503, 504])('%i without a body → 503 temporarily_unavailable, upstream_5xx', (status) => {
    const t = translateResponse(generic, answered(status, ''), codeCtx());
    expectError(t, 503, 'temporarily_unavailable');
    expect(codes(t)).toEqual(['upstream_5xx']);
    expect(t.outcome).toBe('upstream_error');
  });

  it('429 → 503, 404 → 502 naming tokenUrl', () => {
    expectError(translateResponse(generic, answered(429, ''), codeCtx()), 503, 'temporarily_unavailable');
    const nf = translateResponse(generic, answered(404, 'not found', 'text/plain'), codeCtx());
    expectError(nf, 502, 'server_error');
    expect(nf.verdicts[0]!.code).toBe('upstream_http_error');
    expect(nf.verdicts[0]!.message).toContain('tokenUrl');
  });

  it('3xx redirect → 502 upstream_redirect naming the host', () => {
    const t = translateResponse(generic, answered(302, '', undefined, { location: 'https://login.example.com/signin?x=1' }), codeCtx());
    expectError(t, 502, 'server_error');
    expect(codes(t)).toEqual(['upstream_redirect']);
    expect(t.verdicts[0]!.message).toContain('login.example.com');
    expect(t.verdicts[0]!.message).not.toContain('x=1');
  });

  it('401 without a body → invalid_client: 401 + challenge for Basic, 400 for body credentials', () => {
    const basic = translateResponse(generic, answered(401, ''), codeCtx({ alexaScheme: 'basic' }));
    expectError(basic, 401, 'invalid_client');
    expect(basic.answer.headers['www-authenticate']).toMatch(/^Basic /);
    expect(codes(basic)).toEqual(['upstream_unauthorized']);
    const body = translateResponse(generic, answered(401, ''), codeCtx({ alexaScheme: 'body' }));
    expectError(body, 400, 'invalid_client');
    expect(body.answer.headers).not.toHaveProperty('www-authenticate');
  });
});

describe('translateResponse: success answers carry no error members', () => {
  it('drops empty or non-string error fields from a success answer', () => {
    const t = translateResponse(generic, json(200, { access_token: 'A', error: null, error_description: '', error_uri: null }), codeCtx());
    const body = expectSuccess(t);
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
    expect(body).not.toHaveProperty('error_uri');
  });
});
