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
