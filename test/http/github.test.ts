/**
 * The token handler over real HTTP (API Gateway stand-in on loopback) in front of a fake GitHub
 * OAuth App token endpoint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, tokenHeadersOf, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';

const CLIENT_ID = 'Iv1.8a61f9b3a7aba766';
const CLIENT_SECRET = 'gh+secret/with:odd=chars';

let gh: FakeGitHub;
let adapter: TestAdapter;
let n = 0;

beforeAll(async () => {
  gh = await startFakeGitHub({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: ALEXA_REDIRECT_URI });
  adapter = await startTestAdapter({ provider: 'github', tokenUrl: gh.tokenUrl });
});
afterAll(async () => {
  await adapter?.close();
  await gh?.close();
});
beforeEach(() => {
  adapter.records.length = 0;
  gh.received.length = 0;
  gh.lieAboutContentType = false;
  gh.ignoreAccept = false;
});

function newCode(scope?: string) {
  n += 1;
  const code = `ghcode${n}`;
  const accessToken = `gho_access${n}`;
  gh.addCode(code, accessToken, scope);
  return { code, accessToken };
}

const codeParams = (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT_URI });

describe.each(['basic', 'body'] as const)('GitHub code exchange, Alexa scheme %s', (scheme) => {
  it('answers §5.1 JSON with Bearer and a space-delimited scope, and records one success', async () => {
    const { code, accessToken } = newCode('repo,read:user');
    const res = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams(code) });

    expect(res.status).toBe(200);
    expect(tokenHeadersOf(res.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
    expect(res.json).toEqual({ access_token: accessToken, token_type: 'Bearer', scope: 'repo read:user' });

    // What GitHub received: body credentials (the profile's client_secret_post), Accept JSON, redirect_uri.
    const up = gh.last();
    expect(up.method).toBe('POST');
    expect(up.headers['accept']).toBe('application/json');
    expect(up.headers['authorization']).toBeUndefined();
    expect(up.bodyEncoding).toBe('form');
    expect(up.body).toEqual({ grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

    expect(adapter.records).toHaveLength(1);
    const rec = adapter.records[0]!;
    expect(rec).toMatchObject({
      type: 'alexa-link-adapter.exchange',
      provider: 'github',
      grantType: 'authorization_code',
      clientAuth: scheme,
      clientIdFp: fingerprint(CLIENT_ID),
      outcome: 'success',
      response: { status: 200 },
      upstream: { outcome: 'answered', status: 200, format: 'json', clientAuth: 'body', method: 'POST' },
      tokens: { codeFp: fingerprint(code), accessTokenFp: fingerprint(accessToken), codeVerifierPresent: false, scope: 'repo read:user' },
    });
    expect(rec.upstream.url).toBe(gh.tokenUrl);
    expect(verdictCodes(rec)).toEqual(expect.arrayContaining(['no_refresh_token', 'no_expires_in', `alexa_auth_${scheme}`]));
    expect(rec.verdicts.find((v) => v.code === 'no_refresh_token')?.message).toContain('Default Access Token Expiration Time');
    expect(rec.translated).toEqual(expect.arrayContaining(['token_type bearer → Bearer', 'scope comma → space']));
  });

  it('a bad code (HTTP 200 error from GitHub) → 400 invalid_grant, verdict code_rejected', async () => {
    const res = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams('expired-code') });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
    expect(res.json.error_description).toBe('The code passed is incorrect or expired.');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(adapter.records).toHaveLength(1);
    expect(adapter.records[0]).toMatchObject({ outcome: 'provider_error', response: { status: 400, error: 'invalid_grant' } });
    expect(verdictCodes(adapter.records[0])).toEqual(expect.arrayContaining(['error_in_success_status', 'code_rejected']));
  });

  it('a used code cannot be exchanged twice', async () => {
    const { code } = newCode();
    const first = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams(code) });
    const second = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams(code) });
    expect([first.status, second.status]).toEqual([200, 400]);
    expect(second.json.error).toBe('invalid_grant');
    expect(adapter.records.map((r) => r.outcome)).toEqual(['success', 'provider_error']);
  });
});

describe('GitHub client errors', () => {
  it('wrong secret via Basic → 401 invalid_client with WWW-Authenticate', async () => {
    const { code } = newCode();
    const res = await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: CLIENT_ID, clientSecret: 'wrong', params: codeParams(code) });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(verdictCodes(adapter.records[0])).toEqual(expect.arrayContaining(['error_in_success_status', 'client_rejected']));
    expect(adapter.records[0]!.translated).toContain('error incorrect_client_credentials → invalid_client');
  });

  it('wrong secret in the body → 400 invalid_client without WWW-Authenticate (RFC 6749 §5.2, RFC 9110 §15.5.2)', async () => {
    const { code } = newCode();
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: CLIENT_ID, clientSecret: 'wrong', params: codeParams(code) });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(adapter.records).toHaveLength(1);
  });

  it('redirect_uri mismatch → 400 invalid_grant', async () => {
    const { code } = newCode();
    const res = await alexaTokenRequest(adapter.url, {
      scheme: 'body',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      params: { ...codeParams(code), redirect_uri: 'https://pitangui.amazon.com/api/skill/link/OTHER' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
    expect(adapter.records[0]!.translated).toContain('error redirect_uri_mismatch → invalid_grant');
  });
});

describe('GitHub answer formats', () => {
  it('a form-encoded answer (Accept ignored) is translated to JSON', async () => {
    gh.ignoreAccept = true;
    const { code, accessToken } = newCode('repo,gist');
    const res = await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams(code) });
    expect(res.status).toBe(200);
    expect(tokenHeadersOf(res.headers).contentType).toBe('application/json');
    expect(res.json).toEqual({ access_token: accessToken, token_type: 'Bearer', scope: 'repo gist' });
    expect(adapter.records[0]!.upstream.format).toBe('form');
    expect(verdictCodes(adapter.records[0])).toContain('upstream_form_encoded');
    expect(adapter.records[0]!.translated).toContain('form → JSON');
  });

  it('a form-encoded error (HTTP 200) is still an error', async () => {
    gh.ignoreAccept = true;
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams('nope') });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
  });

  it.each([false, true])('a lying Content-Type (form answer: %s) does not fool the adapter', async (form) => {
    gh.lieAboutContentType = true;
    gh.ignoreAccept = form;
    const { code, accessToken } = newCode();
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: codeParams(code) });
    expect(res.status).toBe(200);
    expect(res.json.access_token).toBe(accessToken);
    expect(res.json.scope).toBe('repo gist');
    expect(adapter.records[0]!.upstream.format).toBe(form ? 'form' : 'json');
    expect(verdictCodes(adapter.records[0])).toContain('content_type_mismatch');
  });
});
