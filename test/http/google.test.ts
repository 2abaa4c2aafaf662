/** The token handler over HTTP in front of a fake Google token endpoint: refresh-token retention. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, tokenHeadersOf, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';

const CLIENT_ID = '1234-abc.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-s3cr3t+/=';

let google: FakeGoogle;
let adapter: TestAdapter;

beforeAll(async () => {
  google = await startFakeGoogle({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: ALEXA_REDIRECT_URI });
  adapter = await startTestAdapter({ provider: 'google', tokenUrl: google.tokenUrl });
});
afterAll(async () => {
  await adapter?.close();
  await google?.close();
});
beforeEach(() => {
  adapter.records.length = 0;
  google.received.length = 0;
  google.issueRefreshTokens = true;
});

describe.each(['basic', 'body'] as const)('Google, Alexa scheme %s', (scheme) => {
  const creds = { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

  it('code exchange then refresh: the refresh answer lacks refresh_token, Alexa still gets one', async () => {
    google.addCode(`code-${scheme}`, { accessToken: `ya29.a-${scheme}`, refreshToken: `1//rt-${scheme}`, idToken: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    const exchange = await alexaTokenRequest(adapter.url, {
      ...creds,
      params: { grant_type: 'authorization_code', code: `code-${scheme}`, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: 'v'.repeat(64) },
    });
    expect(exchange.status).toBe(200);
    expect(exchange.json).toMatchObject({ access_token: `ya29.a-${scheme}`, refresh_token: `1//rt-${scheme}`, token_type: 'Bearer', expires_in: 3599, id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    // as_received: Basic from Alexa stays Basic toward Google, body stays body.
    const up = google.last();
    if (scheme === 'basic') {
      expect(up.basic).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(up.body).not.toHaveProperty('client_secret');
    } else {
      expect(up.headers['authorization']).toBeUndefined();
      expect(up.body).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    }
    expect(up.body).toMatchObject({ code_verifier: 'v'.repeat(64), redirect_uri: ALEXA_REDIRECT_URI });
    expect(adapter.records[0]).toMatchObject({ outcome: 'success', tokens: { idTokenPresent: true, codeVerifierPresent: true, refreshTokenOutFp: fingerprint(`1//rt-${scheme}`) } });

    const refresh = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'refresh_token', refresh_token: `1//rt-${scheme}` } });
    expect(refresh.status).toBe(200);
    expect(tokenHeadersOf(refresh.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
    expect(refresh.json).toMatchObject({ access_token: `ya29.a-${scheme}-r`, refresh_token: `1//rt-${scheme}`, token_type: 'Bearer', expires_in: 3599 });
    expect(google.last().body).toMatchObject({ grant_type: 'refresh_token', refresh_token: `1//rt-${scheme}` });

    expect(adapter.records).toHaveLength(2);
    const rec = adapter.records[1]!;
    expect(rec).toMatchObject({
      grantType: 'refresh_token',
      outcome: 'success',
      tokens: { refreshTokenInFp: fingerprint(`1//rt-${scheme}`), refreshTokenOutFp: fingerprint(`1//rt-${scheme}`) },
    });
    expect(verdictCodes(rec)).toContain('refresh_token_retained');
    expect(rec.translated).toContain('refresh_token retained');
  });

  it('a code exchange without refresh token warns with Google\'s fix', async () => {
    google.issueRefreshTokens = false;
    google.addCode(`norefresh-${scheme}`, { accessToken: 'ya29.x', refreshToken: 'unused' });
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'authorization_code', code: `norefresh-${scheme}`, redirect_uri: ALEXA_REDIRECT_URI } });
    expect(res.status).toBe(200);
    expect(res.json).not.toHaveProperty('refresh_token');
    const v = adapter.records[0]!.verdicts.find((x) => x.code === 'no_refresh_token');
    expect(v?.severity).toBe('warn');
    expect(v?.message).toContain('access_type=offline&prompt=consent');
  });

  it('a revoked refresh token → 400 invalid_grant with the Testing-mode hint', async () => {
    google.addRefreshToken(`1//revoked-${scheme}`, 'ya29.y');
    google.revoke(`1//revoked-${scheme}`);
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'refresh_token', refresh_token: `1//revoked-${scheme}` } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(adapter.records[0]).toMatchObject({ outcome: 'provider_error', response: { status: 400, error: 'invalid_grant' } });
    expect(adapter.records[0]!.verdicts.find((x) => x.code === 'refresh_rejected')?.message).toContain('"Testing"');
  });

  it('wrong client secret → invalid_client: 401 + WWW-Authenticate for Basic, 400 for body credentials', async () => {
    const res = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: 'bad', params: { grant_type: 'refresh_token', refresh_token: 'x' } });
    expect(res.status).toBe(scheme === 'basic' ? 401 : 400);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate') !== null).toBe(scheme === 'basic');
  });
});
