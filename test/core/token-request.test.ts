import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../lambda/core/http-types';
import { MAX_TOKEN_REQUEST_BYTES, TokenRequestError, parseTokenRequest } from '../../lambda/core/token-request';
import { rfcBasic } from '../support/fake-alexa';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

function request(body: string | Uint8Array, headers: Record<string, string> = { 'content-type': FORM }, method = 'POST'): HttpRequest {
  return {
    method,
    path: '/token',
    headers,
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    requestId: 'req-1',
  };
}

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
const codeBody = (extra: Record<string, string> = {}) => form({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: REDIRECT, ...extra });

function rejection(req: HttpRequest): TokenRequestError {
  try {
    parseTokenRequest(req);
  } catch (err) {
    if (err instanceof TokenRequestError) return err;
    throw err;
  }
  throw new Error('parseTokenRequest accepted the request');
}

describe('parseTokenRequest: accepted requests', () => {
  it('reads a body-credentials code exchange with PKCE', () => {
    const req = parseTokenRequest(request(codeBody({ code_verifier: 'v'.repeat(43), client_id: 'alexa', client_secret: 's' })));
    expect(req.grantType).toBe('authorization_code');
    expect(req.scheme).toBe('body');
    expect(req.credentials).toEqual({ clientId: 'alexa', clientSecret: 's' });
    expect(Object.fromEntries(req.params)).toEqual({ code: 'c0de', redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) });
    expect(req.dropped).toEqual([]);
  });

  it('reads a Basic refresh request with an RFC-encoded secret', () => {
    const req = parseTokenRequest(request(form({ grant_type: 'refresh_token', refresh_token: 'rt/1' }), { 'content-type': `${FORM}; charset=UTF-8`, authorization: rfcBasic('alexa', 'a+b:c') }));
    expect(req.scheme).toBe('basic');
    expect(req.credentials).toEqual({ clientId: 'alexa', clientSecret: 'a+b:c' });
    expect(Object.fromEntries(req.params)).toEqual({ refresh_token: 'rt/1' });
  });

  it('accepts a matching client_id in the body next to Basic', () => {
    const req = parseTokenRequest(request(codeBody({ client_id: 'alexa' }), { 'content-type': FORM, authorization: rfcBasic('alexa', 's') }));
    expect(req.scheme).toBe('basic');
    expect(req.credentials?.clientId).toBe('alexa');
  });

  it('accepts a public client (client_id only) and reports it without a secret', () => {
    const req = parseTokenRequest(request(codeBody({ client_id: 'public' })));
    expect(req.scheme).toBe('body');
    expect(req.credentials).toEqual({ clientId: 'public' });
  });

  it('drops parameters RFC 6749 does not define for the grant and lists them (registered names as they are, others as "other")', () => {
    const req = parseTokenRequest(request(form({ grant_type: 'refresh_token', refresh_token: 'r', scope: 'a b', code: 'x', foo: 'bar', client_id: 'c', client_secret: 's' })));
    expect(Object.fromEntries(req.params)).toEqual({ refresh_token: 'r', scope: 'a b' });
    expect([...req.dropped].sort()).toEqual(['code', 'other']);
  });

  it('accepts a media type with parameters and odd case', () => {
    expect(parseTokenRequest(request(codeBody({ client_id: 'a', client_secret: 'b' }), { 'content-type': 'Application/X-WWW-Form-Urlencoded ; charset=utf-8' })).grantType).toBe('authorization_code');
  });

  it('accepts a body of exactly the limit', () => {
    const base = codeBody({ client_id: 'a', client_secret: 'b' }) + '&pad=';
    const body = base + 'x'.repeat(MAX_TOKEN_REQUEST_BYTES - base.length);
    expect(body.length).toBe(MAX_TOKEN_REQUEST_BYTES);
    expect(parseTokenRequest(request(body)).dropped).toEqual(['other']);
  });
});

describe('parseTokenRequest: every reject path, with status and verdict code', () => {
  it.each(['GET', 'PUT', 'DELETE', 'OPTIONS'])('method %s → 405 invalid_request with Allow: POST', (method) => {
    const err = rejection(request(codeBody(), { 'content-type': FORM }, method));
    expect(err.status).toBe(405);
    expect(err.error).toBe('invalid_request');
    expect(err.headers).toEqual({ allow: 'POST' });
    expect(err.verdictCode).toBe('bad_method');
  });

  it.each([
    ['application/json', 415],
    ['text/plain', 415],
    ['multipart/form-data; boundary=x', 415],
    ['application/x-www-form-urlencodedx', 415],
  ])('Content-Type %s → %i bad_content_type', (ct, status) => {
    const err = rejection(request(codeBody(), { 'content-type': ct }));
    expect(err.status).toBe(status);
    expect(err.error).toBe('invalid_request');
    expect(err.verdictCode).toBe('bad_content_type');
  });

  it('missing Content-Type → 400 bad_content_type', () => {
    const err = rejection(request(codeBody(), {}));
    expect(err.status).toBe(400);
    expect(err.verdictCode).toBe('bad_content_type');
  });

  it('body one byte over 16 KiB → 413 body_too_large', () => {
    const err = rejection(request('a='.padEnd(MAX_TOKEN_REQUEST_BYTES + 1, 'x')));
    expect(err.status).toBe(413);
    expect(err.error).toBe('invalid_request');
    expect(err.verdictCode).toBe('body_too_large');
  });

  it.each([
    ['malformed escape', 'grant_type=authorization_code&code=%zz'],
    ['invalid UTF-8', 'grant_type=authorization_code&code=%C3%28'],
  ])('malformed form (%s) → 400 malformed_body', (_what, body) => {
    const err = rejection(request(body));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_request');
    expect(err.verdictCode).toBe('malformed_body');
  });

  it('repeated parameter → 400 repeated_parameter naming it (RFC 6749 §3.2)', () => {
    const err = rejection(request(`${codeBody({ client_id: 'a', client_secret: 'b' })}&code=second`));
    expect(err.status).toBe(400);
    expect(err.error).toBe('invalid_request');
    expect(err.verdictCode).toBe('repeated_parameter');
    expect(err.description).toContain('code');
    expect(err.info.grantType).toBe('authorization_code');
  });

  it('missing grant_type → 400 invalid_request missing_grant_type', () => {
    const err = rejection(request(form({ code: 'x', client_id: 'a', client_secret: 'b' })));
    expect([err.status, err.error, err.verdictCode]).toEqual([400, 'invalid_request', 'missing_grant_type']);
  });

  it('empty grant_type → missing_grant_type', () => {
    expect(rejection(request(form({ grant_type: '', client_id: 'a', client_secret: 'b' }))).verdictCode).toBe('missing_grant_type');
  });

  it.each(['password', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'toString', '__proto__'])(
    'unknown grant_type %s → 400 unsupported_grant_type',
    (grantType) => {
      const err = rejection(request(form({ grant_type: grantType, client_id: 'a', client_secret: 'b' })));
      expect([err.status, err.error, err.verdictCode]).toEqual([400, 'unsupported_grant_type', 'unsupported_grant_type']);
    },
  );

  it('missing code → 400 missing_parameter', () => {
    const err = rejection(request(form({ grant_type: 'authorization_code', redirect_uri: REDIRECT, client_id: 'a', client_secret: 'b' })));
    expect([err.status, err.error, err.verdictCode]).toEqual([400, 'invalid_request', 'missing_parameter']);
    expect(err.description).toContain('code');
  });

  it('empty refresh_token → 400 missing_parameter', () => {
    const err = rejection(request(form({ grant_type: 'refresh_token', refresh_token: '', client_id: 'a', client_secret: 'b' })));
    expect([err.status, err.error, err.verdictCode]).toEqual([400, 'invalid_request', 'missing_parameter']);
    expect(err.description).toContain('refresh_token');
  });

  it('no credentials at all → 401 invalid_client with a challenge', () => {
    const err = rejection(request(codeBody()));
    expect([err.status, err.error, err.verdictCode, err.challenge]).toEqual([401, 'invalid_client', 'missing_client_auth', true]);
    expect(err.info.scheme).toBe('none');
  });

  it('a secret without client_id counts as no credentials', () => {
    expect(rejection(request(codeBody({ client_secret: 's' }))).verdictCode).toBe('missing_client_auth');
  });

  it('Basic and a body secret together → 400 two_auth_methods', () => {
    const err = rejection(request(codeBody({ client_secret: 's' }), { 'content-type': FORM, authorization: rfcBasic('alexa', 's') }));
    expect([err.status, err.error, err.verdictCode]).toEqual([400, 'invalid_request', 'two_auth_methods']);
    expect(err.info.scheme).toBe('basic');
  });

  it('client_id in the body differing from Basic → 400 client_id_mismatch', () => {
    const err = rejection(request(codeBody({ client_id: 'other' }), { 'content-type': FORM, authorization: rfcBasic('alexa', 's') }));
    expect([err.status, err.error, err.verdictCode]).toEqual([400, 'invalid_request', 'client_id_mismatch']);
    expect(err.info.clientId).toBe('alexa');
  });

  it('malformed Basic → 401 invalid_client with challenge, bad_basic_credentials', () => {
    const err = rejection(request(codeBody(), { 'content-type': FORM, authorization: 'Basic %%%%' }));
    expect([err.status, err.error, err.verdictCode, err.challenge]).toEqual([401, 'invalid_client', 'bad_basic_credentials', true]);
  });

  it('another auth scheme (Bearer) → 401 invalid_client unsupported_auth_scheme', () => {
    const err = rejection(request(codeBody(), { 'content-type': FORM, authorization: 'Bearer abc' }));
    expect([err.status, err.error, err.verdictCode, err.challenge]).toEqual([401, 'invalid_client', 'unsupported_auth_scheme', true]);
  });

  it('a Basic header with two tokens → 401 invalid_client bad_basic_credentials', () => {
    const err = rejection(request(codeBody(), { 'content-type': FORM, authorization: 'Basic YTpi YzpK' }));
    expect([err.status, err.error, err.verdictCode, err.challenge]).toEqual([401, 'invalid_client', 'bad_basic_credentials', true]);
  });

  it('checks the method before anything else, then the media type, then the size', () => {
    const huge = 'x'.repeat(MAX_TOKEN_REQUEST_BYTES + 10);
    expect(rejection(request(huge, { 'content-type': 'text/plain' }, 'GET')).verdictCode).toBe('bad_method');
    expect(rejection(request(huge, { 'content-type': 'text/plain' })).verdictCode).toBe('bad_content_type');
    expect(rejection(request(`%zz${huge}`)).verdictCode).toBe('body_too_large');
  });

  it('does not leak parameter values into descriptions', () => {
    const err = rejection(request(`grant_type=authorization_code&code=SECRET-CODE&code=SECRET-2&client_id=a&client_secret=SECRET-S`));
    expect(err.description).not.toMatch(/SECRET/);
  });
});

describe('parseTokenRequest: edges (issue 10 mutation survivors)', () => {
  it('an empty client_id= is no body authentication (RFC 6749 §2.3.1: the client identifier is required)', () => {
    for (const extra of [{ client_id: '' }, { client_id: '', client_secret: 's' }] as Record<string, string>[]) {
      const err = rejection(request(codeBody(extra)));
      expect([err.status, err.verdictCode, err.info.scheme]).toEqual([401, 'missing_client_auth', 'none']);
      expect(err.info.clientId).toBeUndefined();
    }
  });

  it('body credentials: scheme body, the secret kept, no Basic token', () => {
    const r = parseTokenRequest(request(codeBody({ client_id: 'alexa', client_secret: 's' })));
    expect(r).toMatchObject({ scheme: 'body', credentials: { clientId: 'alexa', clientSecret: 's' } });
    expect(r).not.toHaveProperty('basicToken');
    expect([...r.params.keys()]).toEqual(['code', 'redirect_uri']);
  });

  it("Basic: the token exactly as Alexa sent it, for byte-for-byte forwarding; credentials without it", () => {
    const token = Buffer.from('alexa:Sx~9+ab/cd=ef').toString('base64');
    const r = parseTokenRequest(request(codeBody(), { 'content-type': FORM, authorization: `Basic ${token}` }));
    expect(r.basicToken).toBe(token);
    expect(r.credentials).toEqual({ clientId: 'alexa', clientSecret: 'Sx~9 ab/cd=ef' });
    expect(r.scheme).toBe('basic');
  });

  it('an empty Authorization header is no header; an empty body client_id next to Basic is a mismatch', () => {
    expect(parseTokenRequest(request(codeBody({ client_id: 'a', client_secret: 'b' }), { 'content-type': FORM, authorization: '' })).scheme).toBe('body');
    expect(rejection(request(codeBody({ client_id: '' }), { 'content-type': FORM, authorization: rfcBasic('alexa', 's') })).verdictCode).toBe('client_id_mismatch');
  });

  it('records what it learned before a refusal: grant type (from the closed set: unknown is "other", never echoed), scheme, client id', () => {
    const long = 'g'.repeat(100);
    const err = rejection(request(form({ grant_type: long, client_id: 'alexa', client_secret: 's' })));
    expect(err.info).toEqual({ grantType: 'other', scheme: 'body', clientId: 'alexa' });
    expect(err.description).not.toContain('ggg');
    expect(rejection(request(form({ grant_type: 'password', client_id: 'alexa', client_secret: 's' }))).info.grantType).toBe('password');
    const basic = rejection(request('grant_type=authorization_code', { 'content-type': FORM, authorization: 'Basic !!!!' }));
    expect(basic.info).toEqual({ grantType: 'authorization_code', scheme: 'basic' });
  });

  it('a grant_type named like an Object.prototype member is unsupported, not a crash', () => {
    expect(rejection(request(form({ grant_type: 'constructor', client_id: 'a', client_secret: 'b' }))).verdictCode).toBe('unsupported_grant_type');
  });

  it('Content-Type: no header is 400, another media type 415; "; charset" is ignored', () => {
    expect(rejection(request(codeBody(), {})).status).toBe(400);
    expect(rejection(request(codeBody(), { 'content-type': '' })).status).toBe(400);
    expect(rejection(request(codeBody(), { 'content-type': 'application/json' })).status).toBe(415);
    expect(parseTokenRequest(request(codeBody({ client_id: 'a', client_secret: 'b' }), { 'content-type': ' Application/X-WWW-Form-Urlencoded ;charset=UTF-8' })).scheme).toBe('body');
  });

  it('the 405 names the allowed method; repeated names come from the closed set (unknown: "other")', () => {
    const err = rejection(request(codeBody(), { 'content-type': FORM }, 'PUT'));
    expect([err.status, err.headers]).toEqual([405, { allow: 'POST' }]);
    const name = 'n'.repeat(60);
    expect(rejection(request(`${name}=1&${name}=2`)).description).toBe('parameters must not be repeated: other');
    expect(rejection(request('code=1&code=2')).description).toBe('parameters must not be repeated: code');
  });

  it('dropped parameter names come from the closed set (unknown: "other"); grant_type, client_id and client_secret are never grant parameters', () => {
    const r = parseTokenRequest(request(codeBody({ client_id: 'a', client_secret: 'b', ['x'.repeat(50)]: '1', state: 's' })));
    expect(r.dropped).toEqual(['state', 'other']);
    expect(r.params.has('client_secret')).toBe(false);
    expect(r.params.has('grant_type')).toBe(false);
    const refresh = parseTokenRequest(request(form({ grant_type: 'refresh_token', refresh_token: 'rt', scope: 'a', client_id: 'a', client_secret: 'b' })));
    expect([...refresh.params]).toEqual([['refresh_token', 'rt'], ['scope', 'a']]);
  });
});

describe('parseTokenRequest: every refusal, word for word (RFC 6749 §5.2 error_description)', () => {
  const basic = (h: string, body = codeBody()) => request(body, { 'content-type': FORM, authorization: h });
  it.each([
    ['wrong method', request(codeBody(), { 'content-type': FORM }, 'GET'), 405, 'invalid_request', 'bad_method', 'the token endpoint accepts POST only'],
    ['wrong media type', request(codeBody(), { 'content-type': 'text/plain' }), 415, 'invalid_request', 'bad_content_type', 'Content-Type must be application/x-www-form-urlencoded'],
    ['too large', request('x'.repeat(MAX_TOKEN_REQUEST_BYTES + 1)), 413, 'invalid_request', 'body_too_large', `request body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes`],
    ['malformed body', request('code=%zz'), 400, 'invalid_request', 'malformed_body', 'malformed form body: malformed percent-escape in value of "code"'],
    ['repeated', request('a=1&b=1&a=2&b=2'), 400, 'invalid_request', 'repeated_parameter', 'parameters must not be repeated: other ×2'],
    ['bad Basic', basic('Basic !!!!'), 401, 'invalid_client', 'bad_basic_credentials', 'Basic credentials are not valid base64'],
    ['Bearer', basic('Bearer x'), 401, 'invalid_client', 'unsupported_auth_scheme', 'only the Basic authentication scheme is supported (RFC 6749 §2.3.1)'],
    ['two methods', basic(rfcBasic('a', 's'), codeBody({ client_secret: 's' })), 400, 'invalid_request', 'two_auth_methods', 'client credentials were sent both in the Authorization header and in the body'],
    ['id mismatch', basic(rfcBasic('a', 's'), codeBody({ client_id: 'b' })), 400, 'invalid_request', 'client_id_mismatch', 'client_id in the body does not match the Basic credentials'],
    ['no grant_type', request(form({ client_id: 'a', client_secret: 'b' })), 400, 'invalid_request', 'missing_grant_type', 'grant_type is required'],
    ['no code', request(form({ grant_type: 'authorization_code', client_id: 'a', client_secret: 'b' })), 400, 'invalid_request', 'missing_parameter', 'code is required for grant_type authorization_code'],
    ['no credentials', request(codeBody()), 401, 'invalid_client', 'missing_client_auth', 'client authentication is required: HTTP Basic or client_id/client_secret in the body'],
  ] as const)('%s', (_what, req, status, error, verdictCode, description) => {
    const err = rejection(req);
    expect({ status: err.status, error: err.error, verdictCode: err.verdictCode, description: err.description, challenge: err.challenge }).toEqual({
      status,
      error,
      verdictCode,
      description,
      challenge: status === 401,
    });
  });

  it('a public client has no clientSecret member at all', () => {
    const r = parseTokenRequest(request(codeBody({ client_id: 'pub' })));
    expect(r.credentials).not.toHaveProperty('clientSecret');
  });
});
