/**
 * Every malformed request Alexa (or anyone) could send, over real HTTP: each gets a §5.2 JSON
 * answer with the right status, exactly one exchange record naming what was wrong, never reaches
 * the provider, and never crashes the server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { MAX_TOKEN_REQUEST_BYTES } from '../../lambda/core/token-request';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, rfcBasic, startTestAdapter, tokenHeadersOf, verdictCodes, type TestAdapter, type TokenCall } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';

const CLIENT_ID = 'alexa';
const CLIENT_SECRET = 'secret';
const codeParams = { grant_type: 'authorization_code', code: 'c1', redirect_uri: ALEXA_REDIRECT_URI };

let rfc: FakeGeneric;
let adapter: TestAdapter;

beforeAll(async () => {
  rfc = await startFakeGeneric({ clients: { [CLIENT_ID]: CLIENT_SECRET }, redirectUri: ALEXA_REDIRECT_URI });
  adapter = await startTestAdapter({ provider: 'generic', tokenUrl: rfc.tokenUrl });
});
afterAll(async () => {
  await adapter?.close();
  await rfc?.close();
});
beforeEach(() => {
  adapter.records.length = 0;
  rfc.received.length = 0;
});

interface Case {
  name: string;
  call: TokenCall;
  status: number;
  error: string;
  verdict: string;
  allow?: string;
  challenge?: boolean;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const bodyCreds = { scheme: 'body' as const, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const cases: Case[] = [
  { name: 'GET /token', call: { ...bodyCreds, method: 'GET', params: {} }, status: 405, error: 'invalid_request', verdict: 'bad_method', allow: 'POST' },
  { name: 'PUT /token', call: { ...bodyCreds, method: 'PUT', params: codeParams }, status: 405, error: 'invalid_request', verdict: 'bad_method', allow: 'POST' },
  { name: 'DELETE /token', call: { ...bodyCreds, method: 'DELETE', params: codeParams }, status: 405, error: 'invalid_request', verdict: 'bad_method', allow: 'POST' },
  { name: 'POST to an unknown path', call: { ...bodyCreds, path: '/oauth/tokens', params: codeParams }, status: 404, error: 'invalid_request', verdict: 'unknown_route' },
  { name: 'POST to /', call: { ...bodyCreds, path: '/', params: codeParams }, status: 404, error: 'invalid_request', verdict: 'unknown_route' },
  { name: 'GET an unknown path', call: { ...bodyCreds, method: 'GET', path: '/authorize', params: {} }, status: 404, error: 'invalid_request', verdict: 'unknown_route' },
  { name: 'JSON content type', call: { ...bodyCreds, params: {}, rawBody: JSON.stringify({ ...codeParams, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }), headers: { 'content-type': 'application/json' } }, status: 415, error: 'invalid_request', verdict: 'bad_content_type' },
  { name: 'text/plain content type', call: { ...bodyCreds, params: codeParams, headers: { 'content-type': 'text/plain' } }, status: 415, error: 'invalid_request', verdict: 'bad_content_type' },
  { name: 'multipart content type', call: { ...bodyCreds, params: {}, rawBody: '--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nauthorization_code\r\n--b--', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, status: 415, error: 'invalid_request', verdict: 'bad_content_type' },
  { name: 'no content type', call: { ...bodyCreds, params: {}, rawBody: utf8(new URLSearchParams({ ...codeParams, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString()), headers: { 'content-type': '' } }, status: 400, error: 'invalid_request', verdict: 'bad_content_type' },
  { name: 'malformed percent-escape', call: { ...bodyCreds, params: {}, rawBody: 'grant_type=authorization_code&code=%G1&client_id=alexa&client_secret=secret' }, status: 400, error: 'invalid_request', verdict: 'malformed_body' },
  { name: 'truncated percent-escape', call: { ...bodyCreds, params: {}, rawBody: 'grant_type=authorization_code&client_id=alexa&client_secret=secret&code=%E' }, status: 400, error: 'invalid_request', verdict: 'malformed_body' },
  { name: 'escaped invalid UTF-8', call: { ...bodyCreds, params: {}, rawBody: 'grant_type=authorization_code&code=%C3%28&client_id=alexa&client_secret=secret' }, status: 400, error: 'invalid_request', verdict: 'malformed_body' },
  { name: 'raw invalid UTF-8 bytes', call: { ...bodyCreds, params: {}, rawBody: new Uint8Array([...utf8('grant_type=authorization_code&client_id=alexa&client_secret=secret&code=ab'), 0xc0, 0xff, 0xfe]) }, status: 400, error: 'invalid_request', verdict: 'malformed_body' },
  { name: 'repeated code', call: { ...bodyCreds, params: {}, rawBody: 'grant_type=authorization_code&code=a&code=b&client_id=alexa&client_secret=secret' }, status: 400, error: 'invalid_request', verdict: 'repeated_parameter' },
  { name: 'repeated grant_type', call: { ...bodyCreds, params: {}, rawBody: 'grant_type=authorization_code&grant_type=refresh_token&code=a&refresh_token=r&client_id=alexa&client_secret=secret' }, status: 400, error: 'invalid_request', verdict: 'repeated_parameter' },
  { name: 'repeated client_secret', call: { scheme: 'none', params: {}, rawBody: 'grant_type=authorization_code&code=a&client_id=alexa&client_secret=secret&client_secret=other' }, status: 400, error: 'invalid_request', verdict: 'repeated_parameter' },
  { name: 'missing grant_type', call: { ...bodyCreds, params: { code: 'c1', redirect_uri: ALEXA_REDIRECT_URI } }, status: 400, error: 'invalid_request', verdict: 'missing_grant_type' },
  { name: 'empty body', call: { scheme: 'none', params: {}, rawBody: '' }, status: 400, error: 'invalid_request', verdict: 'missing_grant_type' },
  { name: 'unknown grant_type password', call: { ...bodyCreds, params: { grant_type: 'password', username: 'u', password: 'p' } }, status: 400, error: 'unsupported_grant_type', verdict: 'unsupported_grant_type' },
  { name: 'unknown grant_type client_credentials', call: { ...bodyCreds, params: { grant_type: 'client_credentials' } }, status: 400, error: 'unsupported_grant_type', verdict: 'unsupported_grant_type' },
  { name: 'missing code', call: { ...bodyCreds, params: { grant_type: 'authorization_code', redirect_uri: ALEXA_REDIRECT_URI } }, status: 400, error: 'invalid_request', verdict: 'missing_parameter' },
  { name: 'missing refresh_token', call: { ...bodyCreds, params: { grant_type: 'refresh_token' } }, status: 400, error: 'invalid_request', verdict: 'missing_parameter' },
  { name: 'missing credentials', call: { scheme: 'none', params: codeParams }, status: 401, error: 'invalid_client', verdict: 'missing_client_auth', challenge: true },
  { name: 'malformed Basic', call: { scheme: 'none', params: codeParams, headers: { authorization: 'Basic not*base64' } }, status: 401, error: 'invalid_client', verdict: 'bad_basic_credentials', challenge: true },
  { name: 'Basic without colon', call: { scheme: 'none', params: codeParams, headers: { authorization: `Basic ${Buffer.from('alexa').toString('base64')}` } }, status: 401, error: 'invalid_client', verdict: 'bad_basic_credentials', challenge: true },
  { name: 'Bearer instead of Basic', call: { scheme: 'none', params: codeParams, headers: { authorization: 'Bearer xyz' } }, status: 401, error: 'invalid_client', verdict: 'unsupported_auth_scheme', challenge: true },
  { name: 'Basic and a body secret', call: { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: { ...codeParams, client_secret: CLIENT_SECRET } }, status: 400, error: 'invalid_request', verdict: 'two_auth_methods' },
  { name: 'client_id mismatch', call: { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: { ...codeParams, client_id: 'someone-else' } }, status: 400, error: 'invalid_request', verdict: 'client_id_mismatch' },
  { name: `body over ${MAX_TOKEN_REQUEST_BYTES} bytes`, call: { ...bodyCreds, params: { ...codeParams, code: 'c'.repeat(MAX_TOKEN_REQUEST_BYTES + 1) } }, status: 413, error: 'invalid_request', verdict: 'body_too_large' },
];

describe('bad input over HTTP', () => {
  it.each(cases)('$name → $status $error ($verdict)', async (c) => {
    const res = await alexaTokenRequest(adapter.url, c.call);

    expect(res.status).toBe(c.status);
    expect(tokenHeadersOf(res.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
    expect(res.json.error).toBe(c.error);
    expect(typeof res.json.error_description).toBe('string');
    expect(Object.keys(res.json).sort()).toEqual(['error', 'error_description']);
    expect(res.headers.get('allow')).toBe(c.allow ?? null);
    if (c.challenge) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    else expect(res.headers.get('www-authenticate')).toBeNull();

    expect(rfc.received).toHaveLength(0);
    expect(adapter.records).toHaveLength(1);
    const rec = adapter.records[0]!;
    expect(rec.outcome).toBe('rejected');
    expect(rec.response).toMatchObject({ status: c.status, error: c.error });
    expect(verdictCodes(rec)).toEqual([c.verdict]);
    expect(rec.upstream.outcome).toBe('not_called');
    expect(rec.path).toBe(c.call.path ?? '/token');
    expect(rec.method).toBe(c.call.method ?? 'POST');
  });

  it('records what it learned before refusing: grant type, scheme, client id fingerprint', async () => {
    await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: { ...codeParams, client_id: 'other' } });
    expect(adapter.records[0]).toMatchObject({ grantType: 'authorization_code', clientAuth: 'basic', clientIdFp: fingerprint(CLIENT_ID) });
  });

  it('keeps serving after a burst of bad requests, one record each', async () => {
    const results = await Promise.all(cases.map((c) => alexaTokenRequest(adapter.url, c.call)));
    expect(results.map((r) => r.status)).toEqual(cases.map((c) => c.status));
    expect(adapter.records).toHaveLength(cases.length);
    rfc.addCode('good', { accessToken: 'at-good', refreshToken: 'rt-good' });
    const ok = await alexaTokenRequest(adapter.url, { ...bodyCreds, params: { ...codeParams, code: 'good' } });
    expect(ok.status).toBe(200);
    expect(adapter.records).toHaveLength(cases.length + 1);
  });

  it('a Basic header with an empty password is forwarded, not refused', async () => {
    const res = await alexaTokenRequest(adapter.url, { scheme: 'none', params: codeParams, headers: { authorization: rfcBasic(CLIENT_ID, '') } });
    // The provider refuses (wrong secret), the adapter does not: one upstream call, one record.
    expect(res.status).toBe(401);
    expect(rfc.received).toHaveLength(1);
    expect(adapter.records[0]!.outcome).toBe('provider_error');
  });
});
