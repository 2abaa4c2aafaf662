/**
 * translateResponse's error side, against the exported API only (the function may be split inside):
 * how a body is read, where a provider's error code is found, what Alexa gets (status, RFC 6749
 * §5.2 code, description), and what the record says — the verdict code, the facts its message
 * names (status, format, the provider's code, the hint) and the `translated` steps. Messages are
 * checked for the facts a developer debugging a link reads in them, not word for word.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { fitbit } from '../../lambda/core/profiles/fitbit';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { google } from '../../lambda/core/profiles/google';
import { withings } from '../../lambda/core/profiles/withings';
import { withSecretScope } from '../../lambda/core/secret-scope';
import { translateResponse, type TranslateContext, type Translation } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';

function answered(status: number, body: string | Uint8Array, contentType?: string, extra: Record<string, string> = {}): UpstreamResult {
  const headers = new Headers(extra);
  if (contentType !== undefined) headers.set('content-type', contentType);
  return { outcome: 'answered', status, headers, body: typeof body === 'string' ? new TextEncoder().encode(body) : body, latencyMs: 7 };
}
const json = (status: number, obj: unknown, ct = 'application/json') => answered(status, JSON.stringify(obj), ct);
const code = (over: Partial<TranslateContext> = {}): TranslateContext => ({ grantType: 'authorization_code', alexaScheme: 'body', timeoutMs: 4000, secrets: [], ...over });
const refresh = (over: Partial<TranslateContext> = {}): TranslateContext => ({ grantType: 'refresh_token', presentedRefreshToken: 'rt-presented-0001', alexaScheme: 'body', timeoutMs: 4000, secrets: ['rt-presented-0001'], ...over });
const bodyOf = (t: Translation) => JSON.parse(t.answer.body) as Record<string, unknown>;

/** What Alexa receives, and the record's error: one RFC 6749 §5.2 answer. */
function expectAnswer(t: Translation, status: number, error: string, description: string) {
  expect(t.answer.status).toBe(status);
  expect(bodyOf(t)).toEqual({ error, error_description: description });
  expect(t.answer.headers).toMatchObject({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' });
  expect(t.error).toEqual({ code: error, description });
  expect(t.tokens).toEqual({});
  if (status === 401) expect(t.answer.headers['www-authenticate']).toMatch(/^Basic /);
  else expect(t.answer.headers).not.toHaveProperty('www-authenticate');
}

describe('transport failures: the record says what happened, Alexa gets a transient error', () => {
  it('timeout: the budget is named; 503 temporarily_unavailable', () => {
    const t = translateResponse(generic, { outcome: 'timeout', latencyMs: 3123 }, code({ timeoutMs: 3456 }));
    expectAnswer(t, 503, 'temporarily_unavailable', 'the provider did not answer in time');
    expect(t.outcome).toBe('upstream_error');
    expect(t.upstream).toEqual({ outcome: 'timeout', latencyMs: 3123 });
    expect(t.verdicts).toEqual([{ code: 'upstream_timeout', severity: 'error', message: expect.stringContaining('within the 3456 ms budget') }]);
    expect(t.verdicts[0]!.message).toContain('4.5 s');
    expect(t.translated).toEqual([]);
  });

  it('network error: the cause is named from a closed form (never the raw reason); 503', () => {
    const t = translateResponse(generic, { outcome: 'network_error', reason: 'ECONNRESET', latencyMs: 2 }, code());
    expectAnswer(t, 503, 'temporarily_unavailable', 'the provider could not be reached');
    expect(t.verdicts).toEqual([{ code: 'upstream_unreachable', severity: 'error', message: expect.stringContaining('could not be reached (ECONNRESET)') }]);
    expect(t.verdicts[0]!.message).toContain('tokenUrl');
    const odd = translateResponse(generic, { outcome: 'network_error', reason: 'getaddrinfo ENOTFOUND secret-host.example', latencyMs: 2 }, code());
    expect(odd.verdicts[0]!.message).toContain('(other)');
    expect(odd.verdicts[0]!.message).not.toContain('secret-host');
  });

  it('too large: the status is named; 502 server_error; status and content type recorded', () => {
    const t = translateResponse(generic, { outcome: 'too_large', status: 203, headers: new Headers({ 'content-type': 'Text/HTML; charset=x' }), latencyMs: 9 }, code());
    expectAnswer(t, 502, 'server_error', 'the provider answered with an oversized body');
    expect(t.upstream).toEqual({ outcome: 'too_large', latencyMs: 9, status: 203, contentType: 'text/html' });
    expect(t.verdicts).toEqual([{ code: 'upstream_too_large', severity: 'error', message: expect.stringContaining('(HTTP 203)') }]);
  });
});

describe('reading the body', () => {
  it('records status, media type (closed set), size and format', () => {
    const t = translateResponse(generic, answered(400, '{"error":"invalid_grant"}', 'application/json; charset=utf-8'), code());
    expect(t.upstream).toEqual({ outcome: 'answered', latencyMs: 7, status: 400, contentType: 'application/json', bytes: 25, format: 'json' });
    const odd = translateResponse(generic, answered(400, '{"error":"invalid_grant"}', 'x-secret/abc'), code());
    expect(odd.upstream.contentType).toBe('other');
    expect(translateResponse(generic, answered(400, ''), code()).upstream).toMatchObject({ bytes: 0, format: 'empty' });
  });

  it.each([
    ['{"error":"invalid_grant"}', 'json'],
    ['  \n [1]', 'json'],
    ['<!DOCTYPE html><p>x', 'html'],
    ['<!doctype HTML>', 'html'],
    ['<html><body>x', 'html'],
    ['<HEAD><title>x', 'html'],
    ['<body>x', 'html'],
    ['<?xml version="1.0"?><error/>', 'xml'],
    ['<error>nope</error>', 'xml'],
    ['error=invalid_grant&error_description=x', 'form'],
    [' error=invalid_grant ', 'form'],
    ['access_token=', 'form'],
    ['Internal Server Error', 'text'],
    ['error = invalid_grant', 'text'],
    ['=x', 'text'],
    ['a=b c', 'text'],
    ['   ', 'empty'],
    ['', 'empty'],
  ])('a sniffing profile reads %j as %s, whatever the label', (text, format) => {
    expect(translateResponse(generic, answered(500, text, 'text/plain'), code()).upstream.format).toBe(format);
  });

  it('a JSON profile reads a JSON-labelled body as JSON (also +json types), and sniffs anything else', () => {
    expect(translateResponse(google, answered(400, 'not json', 'application/json'), code()).upstream.format).toBe('json');
    expect(translateResponse(google, answered(400, 'not json', 'application/problem+json; charset=utf-8'), code()).upstream.format).toBe('json');
    expect(translateResponse(google, answered(400, 'error=invalid_grant', 'text/plain'), code()).upstream.format).toBe('form');
    expect(translateResponse(google, answered(400, '<html>', 'application/jsonx'), code()).upstream.format).toBe('html');
    expect(translateResponse(google, answered(400, ' \t', 'application/json'), code()).upstream.format).toBe('empty');
  });

  it('a form profile reads every non-empty body as a form, and says when it is malformed', () => {
    const formProfile = extendProfile(generic, { id: 'form-answers', displayName: 'Form answers', response: { format: 'form' } });
    const t = translateResponse(formProfile, answered(200, '{"access_token":"x"}', 'application/json'), code());
    expect(t.upstream.format).toBe('form');
    expect(translateResponse(formProfile, answered(200, '   ', 'application/json'), code()).upstream.format).toBe('empty');
    const bad = translateResponse(formProfile, answered(200, 'access_token=%ZZ', 'application/x-www-form-urlencoded'), code());
    expectAnswer(bad, 502, 'server_error', 'the provider answered with an unreadable body');
    expect(bad.verdicts).toEqual([{ code: 'upstream_unreadable', severity: 'error', message: expect.stringMatching(/^the provider answered HTTP 200 but the form body is malformed \(.*percent-escape.*\); no tokens could be read$/) }]);
    // A well-formed form is read, trimmed.
    const good = translateResponse(formProfile, answered(200, ' access_token=at-1&token_type=bearer \n', 'application/x-www-form-urlencoded'), code());
    expect(bodyOf(good)).toEqual({ access_token: 'at-1', token_type: 'Bearer' });
  });

  it('a 2xx body that holds no tokens: the record says what it was', () => {
    const cases: [UpstreamResult, string, string][] = [
      [answered(200, new Uint8Array([0xc3, 0x28])), 'upstream_unreadable', 'the body is not UTF-8 text'],
      [answered(200, '{"a":', 'application/json'), 'upstream_invalid_json', 'the body is not valid JSON'],
      [answered(200, '[{"access_token":"x"}]', 'application/json'), 'upstream_invalid_json', 'the JSON body is not an object'],
      [answered(200, '<html><body>login</body></html>', 'text/html'), 'upstream_html', 'with an HTML page'],
      [answered(200, ''), 'upstream_unreadable', 'with an empty body'],
      [answered(200, '<token>x</token>', 'application/xml'), 'upstream_unreadable', 'with XML'],
      [answered(200, 'OK', 'text/plain'), 'upstream_unreadable', 'with plain text'],
    ];
    for (const [result, c, what] of cases) {
      const t = translateResponse(generic, result, code());
      expectAnswer(t, 502, 'server_error', 'the provider answered with an unreadable body');
      expect(t.outcome).toBe('upstream_error');
      expect(t.verdicts).toEqual([{ code: c, severity: 'error', message: `the provider answered HTTP 200 but ${what}; no tokens could be read` }]);
    }
    expect(translateResponse(generic, answered(204, ''), code()).verdicts[0]!.message).toBe('the provider answered HTTP 204 but with an empty body; no tokens could be read');
    // A JSON profile reads a JSON-labelled body as JSON, so a scalar is "not an object" (a sniffing one reads it as text).
    for (const scalar of ['null', '"at-1"', '42']) {
      expect(translateResponse(google, answered(200, scalar, 'application/json'), code()).verdicts).toEqual([
        { code: 'upstream_invalid_json', severity: 'error', message: 'the provider answered HTTP 200 but the JSON body is not an object; no tokens could be read' },
      ]);
    }
  });
});

describe('non-2xx answers without an OAuth error body', () => {
  it('a redirect names the host it points to (never the path or query), or nothing when there is no usable location', () => {
    const to = translateResponse(generic, answered(302, '', undefined, { location: 'https://login.example.com:8443/signin?token=abc' }), code());
    expectAnswer(to, 502, 'server_error', 'the provider answered HTTP 302');
    expect(to.verdicts).toEqual([{ code: 'upstream_redirect', severity: 'error', message: expect.stringContaining('(HTTP 302 to login.example.com:8443)') }]);
    expect(to.verdicts[0]!.message).toContain('tokenUrl is probably outdated');
    for (const extra of [{}, { location: 'not a url' }, { location: '/relative/path' }] as Record<string, string>[]) {
      const t = translateResponse(generic, answered(307, '', undefined, extra), code());
      expect(t.verdicts[0]!.message).toContain('(HTTP 307)');
    }
    expect(translateResponse(generic, answered(399, ''), code()).verdicts[0]!.code).toBe('upstream_redirect');
    expect(translateResponse(generic, answered(300, ''), code()).verdicts[0]!.code).toBe('upstream_redirect');
  });

  it('a redirect\'s host is scrubbed (a provider may put an echoed secret into it)', () => {
    const secret = 'echoedsecret0123';
    // In a request's secret scope, as every handler runs it.
    const t = withSecretScope(() => translateResponse(generic, answered(302, '', undefined, { location: `https://${secret}.example.com/x` }), code({ secrets: [secret] })));
    expect(t.verdicts[0]!.message).not.toContain(secret);
    expect(t.verdicts[0]!.message).toContain(fingerprint(secret));
  });

  it('an HTML page: the status is named; 4xx → 502, 5xx → 503', () => {
    const t = translateResponse(generic, answered(403, '<html>denied</html>', 'text/html'), code());
    expectAnswer(t, 502, 'server_error', 'the provider answered HTTP 403');
    expect(t.verdicts).toEqual([{ code: 'upstream_html', severity: 'error', message: expect.stringContaining('answered HTTP 403 with an HTML page') }]);
    expectAnswer(translateResponse(generic, answered(500, '<html>oops</html>', 'text/html'), code()), 503, 'temporarily_unavailable', 'the provider answered HTTP 500');
  });

  it('401: invalid_client — 401 with a challenge when Alexa used Basic or nothing, 400 for body credentials (RFC 6749 §5.2)', () => {
    for (const [scheme, status] of [['basic', 401], ['none', 401], ['body', 400]] as const) {
      const t = translateResponse(generic, answered(401, 'Unauthorized', 'text/plain'), code({ alexaScheme: scheme }));
      expectAnswer(t, status, 'invalid_client', 'the provider rejected the client credentials');
      expect(t.outcome).toBe('provider_error');
      expect(t.verdicts).toEqual([{ code: 'upstream_unauthorized', severity: 'error', message: expect.stringContaining('client id or secret') }]);
    }
  });

  it('other statuses: 5xx and 429 are transient (503), the rest 502; the format is named, 404 points at tokenUrl', () => {
    const t = translateResponse(generic, answered(500, 'boom', 'text/plain'), code());
    expectAnswer(t, 503, 'temporarily_unavailable', 'the provider answered HTTP 500');
    expect(t.verdicts).toEqual([{ code: 'upstream_5xx', severity: 'error', message: 'the provider answered HTTP 500 (text) without an OAuth error body' }]);
    const throttled = translateResponse(generic, answered(429, '', 'text/plain'), code());
    expectAnswer(throttled, 503, 'temporarily_unavailable', 'the provider answered HTTP 429');
    expect(throttled.verdicts).toEqual([{ code: 'upstream_http_error', severity: 'error', message: 'the provider answered HTTP 429 (empty) without an OAuth error body' }]);
    const missing = translateResponse(generic, answered(404, '{"message":"Not Found"}', 'application/json'), code());
    expectAnswer(missing, 502, 'server_error', 'the provider answered HTTP 404');
    expect(missing.verdicts).toEqual([{ code: 'upstream_http_error', severity: 'error', message: 'the provider answered HTTP 404 (json) without an OAuth error body: tokenUrl is wrong' }]);
    expectAnswer(translateResponse(generic, answered(499, ''), code()), 502, 'server_error', 'the provider answered HTTP 499');
    expect(translateResponse(generic, answered(499, ''), code()).verdicts[0]!.code).toBe('upstream_http_error');
    expect(translateResponse(generic, answered(400, ''), code()).verdicts[0]!.code).toBe('upstream_http_error');
  });
});

describe('OAuth error bodies', () => {
  it('an RFC 6749 code passes through with the provider\'s description; no translation steps', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_scope', error_description: 'scope x unknown' }), code());
    expectAnswer(t, 400, 'invalid_scope', 'scope x unknown');
    expect(t.outcome).toBe('provider_error');
    expect(t.translated).toEqual([]);
    expect(t.verdicts).toEqual([{ code: 'provider_error', severity: 'error', message: 'provider answered invalid_scope: scope x unknown' }]);
  });

  it('without a description, Alexa is told which code the provider answered', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_request' }), code());
    expectAnswer(t, 400, 'invalid_request', 'the provider answered invalid_request');
    expect(translateResponse(generic, json(400, { error: 'invalid_request', error_description: '' }), code()).error?.description).toBe('the provider answered invalid_request');
  });

  it('an OAuth code outside RFC 6749 §5.2 (or any unknown one) becomes invalid_grant, and the step is recorded', () => {
    const t = translateResponse(generic, json(400, { error: 'access_denied' }), code());
    expectAnswer(t, 400, 'invalid_grant', 'the provider answered access_denied');
    expect(t.translated).toEqual(['error access_denied → invalid_grant']);
    const unknown = translateResponse(generic, json(400, { error: 'no_such_thing' }), code());
    expect(unknown.translated).toEqual(['error no_such_thing → invalid_grant']);
  });

  it('an unknown code with a 5xx is transient: 503 temporarily_unavailable; a 2xx or 4xx is invalid_grant', () => {
    const t = translateResponse(generic, json(500, { error: 'overloaded' }), code());
    expectAnswer(t, 503, 'temporarily_unavailable', 'the provider answered overloaded');
    expect(t.translated).toEqual(['error overloaded → temporarily_unavailable', 'status 500 → 503']);
    expect(translateResponse(generic, json(499, { error: 'overloaded' }), code()).error?.code).toBe('invalid_grant');
  });

  it('server_error and temporarily_unavailable are answered 503, whatever the provider\'s status', () => {
    for (const c of ['server_error', 'temporarily_unavailable']) {
      const t = translateResponse(generic, json(400, { error: c }), code());
      expect(t.answer.status).toBe(503);
      expect(t.translated).toEqual(['status 400 → 503']);
    }
  });

  it('a profile maps its own codes (own keys only) and its own statuses', () => {
    const custom = extendProfile(generic, { id: 'custom-errors', displayName: 'Custom', errors: { codeMap: { bad_code: 'invalid_grant', locked: 'invalid_client' }, statusMap: { '403': 400, '418': 409 } } });
    const t = translateResponse(custom, json(403, { error: 'bad_code', error_description: 'the code is bad' }), code());
    expectAnswer(t, 400, 'invalid_grant', 'the code is bad');
    expect(t.translated).toEqual(['error bad_code → invalid_grant', 'status 403 → 400']);
    expect(t.verdicts).toEqual([{ code: 'code_rejected', severity: 'error', message: expect.stringContaining('provider rejected the authorization code (bad_code: the code is bad)') }]);
    expect(translateResponse(custom, json(418, { error: 'invalid_scope' }), code()).answer.status).toBe(409);
    expect(translateResponse(custom, json(401, { error: 'invalid_scope' }), code()).answer.status).toBe(400);
    // A mapped code keeps its name in the record, as the provider's own code.
    const locked = translateResponse(custom, json(400, { error: 'locked' }), code({ alexaScheme: 'basic' }));
    expectAnswer(locked, 401, 'invalid_client', 'the provider answered locked');
    expect(locked.verdicts[0]).toMatchObject({ code: 'client_rejected', message: expect.stringContaining('provider rejected the client (locked: the provider answered locked)') });
    // Object.prototype members are no statuses either.
    expect(translateResponse(custom, json(400, { error: 'invalid_scope' }), code()).answer.status).toBe(400);
  });

  it('a status named like an Object.prototype member is no mapping', () => {
    const t = translateResponse(generic, answered(400, '{"error":"invalid_scope"}', 'application/json'), code());
    expect(t.answer.status).toBe(400);
    const proto = translateResponse(extendProfile(generic, { id: 'p', displayName: 'p', errors: { statusMap: {} } }), json(400, { error: 'valueOf' }), code());
    expect(proto.answer.status).toBe(400);
    expect(proto.error?.code).toBe('invalid_grant');
  });

  it('a numeric error code is read as text (Reddit answers {"error": 401})', () => {
    const numeric = extendProfile(generic, { id: 'numeric', displayName: 'Numeric', errors: { codeMap: { '401': 'invalid_client' } } });
    const t = translateResponse(numeric, json(401, { message: 'Unauthorized', error: 401 }), code());
    expectAnswer(t, 400, 'invalid_client', 'the provider answered 401');
  });

  it('an error body with a 2xx status is still an error (GitHub answers 200): 400, and the record says the status was changed', () => {
    const t = translateResponse(github, json(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }), code());
    expectAnswer(t, 400, 'invalid_grant', 'The code passed is incorrect or expired.');
    expect(t.translated).toEqual(['status 200 → 400 (error body)', 'error bad_verification_code → invalid_grant']);
    expect(t.verdicts.map((v) => [v.code, v.severity])).toEqual([['error_in_success_status', 'info'], ['code_rejected', 'error']]);
    expect(t.verdicts[0]!.message).toBe('the provider answered HTTP 200 with an error body (bad_verification_code); translated to an RFC 6749 §5.2 error so Alexa sees the failure');
    expect(t.verdicts[1]!.message).toBe(
      'provider rejected the authorization code (bad_verification_code: The code passed is incorrect or expired.): it expired, was already used, or redirect_uri differs from the one on the authorize request',
    );
    const created = translateResponse(generic, json(201, { error: 'invalid_grant' }), code());
    expect(created.translated).toEqual(['status 201 → 400 (error body)']);
    expect(created.verdicts[0]!.message).toContain('HTTP 201');
  });

  it('a form-encoded error body is read, and the record says it was converted', () => {
    const t = translateResponse(github, answered(400, 'error=invalid_grant&error_description=gone', 'application/x-www-form-urlencoded'), code());
    expectAnswer(t, 400, 'invalid_grant', 'gone');
    expect(t.translated).toEqual(['form → JSON']);
  });

  it('invalid_client and unauthorized_client are the client\'s fault; the verdict says where to look', () => {
    for (const c of ['invalid_client', 'unauthorized_client']) {
      const t = translateResponse(generic, json(400, { error: c, error_description: 'no' }), code());
      expect(t.verdicts).toEqual([
        { code: 'client_rejected', severity: 'error', message: `provider rejected the client (${c}: no): check the Client ID and Client Secret in the Alexa console, and the client-authentication method the provider expects` },
      ]);
    }
    expect(translateResponse(generic, json(400, { error: 'unauthorized_client' }), code({ alexaScheme: 'basic' })).answer.status).toBe(400);
  });

  it('a refresh answered invalid_grant: the user must link again; the profile\'s hint and its single-use rotation are named', () => {
    const plain = translateResponse(generic, json(400, { error: 'invalid_grant', error_description: 'revoked' }), refresh());
    expect(plain.verdicts).toEqual([{ code: 'refresh_rejected', severity: 'error', message: 'provider rejected the refresh with invalid_grant: the user must link again (invalid_grant: revoked)' }]);
    const hinted = translateResponse(fitbit, json(400, { errors: [{ errorType: 'invalid_grant', message: 'Refresh token invalid' }], success: false }), refresh());
    expect(hinted.verdicts).toHaveLength(1);
    expect(hinted.verdicts[0]!.message).toBe(
      `provider rejected the refresh with invalid_grant: the user must link again (invalid_grant: Refresh token invalid). Likely reason: ${fitbit.refresh.invalidGrantHint}. This provider's refresh tokens are single use: a token already spent by an earlier refresh is dead once the rotation grace window has passed`,
    );
    expect(hinted.translated).toEqual(['error taken from errors.0.errorType']);
    const google401 = translateResponse(google, json(400, { error: 'invalid_grant' }), refresh());
    expect(google401.verdicts[0]!.message).toContain(`Likely reason: ${google.refresh.invalidGrantHint}`);
    expect(google401.verdicts[0]!.message).not.toContain('single use');
    // On a code exchange the same code is the code's fault.
    expect(translateResponse(fitbit, json(400, { error: 'invalid_grant' }), code()).verdicts[0]!.code).toBe('code_rejected');
  });

  it('the code is taken from the first path that holds one; `error` wins, an empty one does not count', () => {
    const both = translateResponse(fitbit, json(400, { error: 'invalid_request', errors: [{ errorType: 'invalid_grant' }] }), code());
    expect(both.error?.code).toBe('invalid_request');
    expect(both.translated).toEqual([]);
    const empty = translateResponse(fitbit, json(400, { error: '', errors: [{ errorType: 'expired_token', message: 'Access token expired' }] }), code());
    expectAnswer(empty, 400, 'invalid_grant', 'Access token expired');
    expect(empty.translated).toEqual(['error taken from errors.0.errorType', 'error expired_token → invalid_grant']);
    // A path through a missing or non-object member finds nothing.
    expect(translateResponse(fitbit, json(400, { errors: 'x' }), code()).verdicts[0]!.code).toBe('upstream_http_error');
    expect(translateResponse(fitbit, json(400, { errors: [] }), code()).verdicts[0]!.code).toBe('upstream_http_error');
    expect(translateResponse(fitbit, json(400, { errors: [null] }), code()).verdicts[0]!.code).toBe('upstream_http_error');
    // Inherited members are not members: a path never walks into Object.prototype.
    const proto = extendProfile(generic, { id: 'proto-path', displayName: 'p', errors: { codePaths: ['error', 'constructor.name'], descriptionPaths: ['toString.name'] } });
    expect(translateResponse(proto, json(400, { x: 1 }), code()).verdicts[0]!.code).toBe('upstream_http_error');
    expect(translateResponse(proto, json(400, { error: 'invalid_grant' }), code()).error?.description).toBe('the provider answered invalid_grant');
  });

  it('an envelope (Withings): a failed success predicate is an error even without a code; the code may sit in the envelope', () => {
    const noCode = translateResponse(withings, json(200, { status: 601, body: {} }), code());
    expectAnswer(noCode, 400, 'invalid_grant', 'the provider answered unknown_error');
    expect(noCode.translated).toEqual(['status 200 → 400 (error body)', 'error unknown_error → invalid_grant']);
    const atRoot = translateResponse(withings, json(200, { status: 503, body: {}, error: 'Invalid Params: invalid code' }), code());
    expectAnswer(atRoot, 400, 'invalid_grant', 'Invalid Params: invalid code');
    // In the envelope: found as the code (descriptions are read at the root only).
    const inEnvelope = translateResponse(withings, json(200, { status: 503, body: { error: 'Invalid Params: invalid code' } }), code());
    expectAnswer(inEnvelope, 400, 'invalid_grant', 'the provider answered Invalid Params: invalid code');
    expect(inEnvelope.translated).toContain('error Invalid Params: invalid code → invalid_grant');
    // The predicate holding and no code: a success.
    const ok = translateResponse(withings, json(200, { status: 0, body: { access_token: 'at-w', token_type: 'Bearer' } }), code());
    expect(ok.outcome).toBe('success');
    expect(ok.translated).toContain('unwrapped body');
    // No envelope member: the root is read.
    const flat = translateResponse(extendProfile(generic, { id: 'env', displayName: 'env', response: { format: 'json', envelope: 'data' } }), json(400, { error: 'invalid_scope' }), code());
    expect(flat.error?.code).toBe('invalid_scope');
  });

  it('the predicate is only judged on a readable object', () => {
    const t = translateResponse(withings, answered(500, '', 'application/json'), code());
    expect(t.verdicts[0]!.code).toBe('upstream_5xx');
  });
});

describe('the provider\'s words are kept only scrubbed and clipped', () => {
  const secret = 'Sx~9+ab/cd=ef-secret';

  it('a free-text code (Withings, Fitbit) that echoes a secret is scrubbed in the record and the answer; a long one is clipped', () => {
    const t = translateResponse(withings, json(200, { status: 601, body: { error: `invalid code ${encodeURIComponent(secret)}` } }), code({ secrets: [secret] }));
    const all = JSON.stringify(t);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(encodeURIComponent(secret));
    expect(t.translated).toContain(`error invalid code ${fingerprint(secret)} → invalid_grant`);
    const long = translateResponse(generic, json(400, { error: `e${'x'.repeat(100)}` }), code());
    expect(long.translated[0]).toBe(`error e${'x'.repeat(58)}… → invalid_grant`);
    expect(long.error?.description).toBe(`the provider answered e${'x'.repeat(58)}…`);
  });

  it('an OAuth code or a code the profile maps is kept as it is', () => {
    const longCode = `a_${'b'.repeat(70)}`;
    const mapped = extendProfile(generic, { id: 'long-code', displayName: 'x', errors: { codeMap: { [longCode]: 'invalid_grant' } } });
    expect(translateResponse(mapped, json(400, { error: longCode }), code()).translated).toEqual([`error ${longCode} → invalid_grant`]);
    expect(translateResponse(generic, json(400, { error: 'account_selection_required' }), code()).translated).toEqual(['error account_selection_required → invalid_grant']);
  });

  it('a description is scrubbed and clipped to 200 characters; token-shaped runs are replaced', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_grant', error_description: `bad ${secret} ${'y'.repeat(300)}` }), code({ secrets: [secret] }));
    expect(t.error!.description).toHaveLength(200);
    expect(t.error!.description.startsWith(`bad ${fingerprint(secret)} y`)).toBe(true);
    expect(t.error!.description.endsWith('…')).toBe(true);
    const foreign = 'AbCdEfGh0123456789AbCdEfGh0123456789';
    expect(translateResponse(generic, json(400, { error: 'invalid_grant', error_description: `token ${foreign}` }), code()).error!.description).toBe(`token ${fingerprint(foreign)}`);
  });

  it('the request\'s secrets given in the context are scrubbed from every text', () => {
    const t = translateResponse(generic, json(400, { error: 'invalid_grant', error_description: `code ${secret.toUpperCase()}` }), code({ secrets: [secret, undefined] }));
    expect(t.error!.description).toBe(`code ${fingerprint(secret)}`);
  });
});

/** Survivors of the mutation run over translate.ts (test/mutation/equivalent.md), each a promise of its own. */
describe('pinned by the mutation run', () => {
  const tokens = { access_token: 'at-0001', token_type: 'Bearer', expires_in: 3600 };
  const codes = (t: Translation) => t.verdicts.map((v) => v.code);

  it('a media type with white space before its parameters is still JSON (no mislabelling verdict)', () => {
    expect(codes(translateResponse(generic, json(200, tokens, 'application/json ; charset=utf-8'), code()))).not.toContain('content_type_mismatch');
  });

  it('a JSON body without a Content-Type is read, and the verdict says it was labelled as nothing', () => {
    const t = translateResponse(generic, answered(200, JSON.stringify(tokens)), code());
    expect(t.outcome).toBe('success');
    expect(t.verdicts.find((v) => v.code === 'content_type_mismatch')!.message).toContain('labelled a json body as "nothing"');
  });

  it.each([
    'proxy error: the <!doctype html> <html> <head> <body> of the page were lost',
    'upstream says retry=later',
  ])('plain text that only mentions markup or an equals sign is text, not HTML or a form (%s)', (text) => {
    const t = translateResponse(generic, answered(500, text, 'text/plain'), code());
    expect(t.upstream.format).toBe('text');
  });

  it('Withings: a status-0 answer without its `body` envelope is an answer without tokens (502), not a crash', () => {
    const t = translateResponse(withings, json(200, { status: 0 }), code());
    expect(t.answer.status).toBe(502);
    expect(codes(t)).toContain('missing_access_token');
  });

  it('a 4xx without an OAuth error body is an upstream error', () => {
    const t = translateResponse(generic, answered(404, 'not here', 'text/plain'), code());
    expect(t.outcome).toBe('upstream_error');
    expect(t.answer.status).toBe(502);
  });

  it('a token_type that is not a string is not named in the record', () => {
    const t = translateResponse(generic, json(200, { ...tokens, token_type: 7 }), code());
    expect(t.tokens.tokenType).toBeUndefined();
    expect(bodyOf(t).token_type).toBe('Bearer');
  });

  it('a refresh answered invalid_client is the client rejected, not the refresh token', () => {
    const t = translateResponse(generic, json(401, { error: 'invalid_client' }), refresh());
    expect(codes(t)).toEqual(['client_rejected']);
  });

  it.each([
    [[3600], 'a JSON array'],
    [true, 'a JSON boolean'],
    [{ s: 1 }, 'a JSON object'],
  ])('an expires_in of another JSON type is named by its type (%j)', (value, named) => {
    const t = translateResponse(generic, json(200, { ...tokens, expires_in: value }), code());
    expect(t.verdicts.find((v) => v.code === 'expires_in_invalid')!.message).toContain(`(${named})`);
  });

  it.each(['access_token', 'refresh_token', 'id_token'])('the %s the provider issued is a secret of the request: an echo of it elsewhere in the answer is scrubbed from the record', (member) => {
    const issued = `issued-${member}-5678`;
    const body = { ...tokens, refresh_token: 'rt-0001', [member]: issued, expires_in: issued };
    const t = withSecretScope(() => translateResponse(generic, json(200, body), code()));
    expect(JSON.stringify(t.verdicts)).not.toContain(issued);
    expect(JSON.stringify(t.verdicts)).toContain(fingerprint(issued)!);
  });

  it.each(['access_token', 'refresh_token', 'id_token'])('the %s the provider issued is scrubbed from the scope summary, in a secret scope or not', (member) => {
    const issued = `issued-${member}-5678`;
    const body = { ...tokens, refresh_token: 'rt-0001', [member]: issued, scope: `read ${issued}` };
    const t = translateResponse(generic, json(200, body), code());
    expect(t.tokens.scope).not.toContain(issued);
  });
});
