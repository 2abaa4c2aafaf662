/**
 * End to end with software written by others on both sides of the adapter:
 *
 *   oauth4webapi (playing Alexa)  →  adapter /token (generic profile)  →  oidc-provider 9 token endpoint
 *
 * oidc-provider runs on plain http://localhost with two confidential clients (client_secret_basic
 * and client_secret_post), Alexa's redirect URI, PKCE, and refresh tokens. Its dev login and consent
 * pages are driven headless with fetch and a cookie jar. oauth4webapi is pointed at the ADAPTER as
 * the token endpoint, and must accept every answer: processAuthorizationCodeResponse and
 * processRefreshTokenResponse are strict RFC 6749 / OIDC validators (id_token claims included).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { listen, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI, startTestAdapter, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { browseUntil } from '../support/browser';
import { oidcTestConfiguration } from '../support/oidc-provider-config';

// Secrets with characters RFC 6749 §2.3.1's form-encoding matters for: oauth4webapi encodes them,
// the adapter must decode and re-encode them, oidc-provider decodes them. (Only VSCHAR, %x20-7E:
// RFC 6749 Appendix A.2, which oidc-provider enforces.)
const CLIENTS = {
  basic: { client_id: 'alexa-basic', client_secret: 'b@sic s3cret+/:%&=~', token_endpoint_auth_method: 'client_secret_basic' },
  post: { client_id: 'alexa-post', client_secret: 'p0st s3cret+/:%&=~', token_endpoint_auth_method: 'client_secret_post' },
} as const;

let op: RunningServer;
let issuer: string;
let adapter: TestAdapter;

beforeAll(async () => {
  // Listen first (random port), then build the provider for that issuer.
  const server = createServer();
  op = await listen(server, 0, '127.0.0.1');
  issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const clients = Object.values(CLIENTS).map((c) => ({ ...c, redirect_uris: [ALEXA_REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }));
  // Refresh tokens rotate on every use.
  const provider = new Provider(issuer, oidcTestConfiguration(clients, { rotateRefreshToken: true }));
  server.on('request', provider.callback());
  adapter = await startTestAdapter({ provider: 'generic', tokenUrl: `${issuer}/token` });
});

afterAll(async () => {
  await adapter?.close();
  await op?.close();
});

/** Follows oidc-provider's redirects by hand (keeping cookies) until it redirects to Alexa. */
async function authorize(clientId: string, state: string, codeChallenge: string): Promise<URL> {
  const authUrl = new URL(`${issuer}/auth`);
  authUrl.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: ALEXA_REDIRECT_URI,
    scope: 'openid',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();

  return (await browseUntil(authUrl.toString(), { stopAt: ALEXA_REDIRECT_URI, issuer, maxSteps: 10 })).url;
}

const asFor = (): oauth.AuthorizationServer => ({
  issuer,
  authorization_endpoint: `${issuer}/auth`,
  // The client library talks to the ADAPTER, not to oidc-provider.
  token_endpoint: `${adapter.url}/token`,
});
const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe.each([
  ['client_secret_basic', CLIENTS.basic, (s: string) => oauth.ClientSecretBasic(s), 'basic'],
  ['client_secret_post', CLIENTS.post, (s: string) => oauth.ClientSecretPost(s), 'body'],
] as const)('oauth4webapi (%s) → adapter → oidc-provider', (_name, registered, clientAuth, scheme) => {
  it('exchanges the code and refreshes; the client library accepts every answer; one success record each', async () => {
    const as = asFor();
    const client: oauth.Client = { client_id: registered.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();

    const callback = await authorize(registered.client_id, state, await oauth.calculatePKCECodeChallenge(verifier));
    expect(callback.searchParams.get('code')).toBeTruthy();
    const params = oauth.validateAuthResponse(as, client, callback, state);

    adapter.records.length = 0;
    const codeRes = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(registered.client_secret), params, ALEXA_REDIRECT_URI, verifier, insecure);
    expect(codeRes.status).toBe(200);
    expect(codeRes.headers.get('cache-control')).toBe('no-store');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, codeRes);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.token_type).toBe('bearer'); // oauth4webapi lower-cases it; the wire value was Bearer
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('alexa-user-1');

    expect(adapter.records).toHaveLength(1);
    const rec = adapter.records[0]!;
    expect(rec).toMatchObject({
      outcome: 'success',
      grantType: 'authorization_code',
      clientAuth: scheme,
      clientIdFp: fingerprint(registered.client_id),
      upstream: { outcome: 'answered', status: 200, clientAuth: scheme, format: 'json' },
      tokens: { codeFp: fingerprint(params.get('code')!), codeVerifierPresent: true, accessTokenFp: fingerprint(tokens.access_token), refreshTokenOutFp: fingerprint(tokens.refresh_token), idTokenPresent: true },
    });
    expect(verdictCodes(rec)).toEqual(expect.arrayContaining(['ok', `alexa_auth_${scheme}`]));

    // Refresh through the adapter (Alexa does this on its own when the access token expires).
    adapter.records.length = 0;
    const refreshRes = await oauth.refreshTokenGrantRequest(as, client, clientAuth(registered.client_secret), tokens.refresh_token!, insecure);
    expect(refreshRes.status).toBe(200);
    const refreshed = await oauth.processRefreshTokenResponse(as, client, refreshRes);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    expect(adapter.records).toHaveLength(1);
    expect(adapter.records[0]).toMatchObject({
      outcome: 'success',
      grantType: 'refresh_token',
      clientAuth: scheme,
      tokens: { refreshTokenInFp: fingerprint(tokens.refresh_token), refreshTokenOutFp: fingerprint(refreshed.refresh_token) },
    });
    expect(verdictCodes(adapter.records[0])).toContain('refresh_token_rotated');

    // The rotated-away refresh token is dead at oidc-provider; the adapter passes its invalid_grant on.
    adapter.records.length = 0;
    const replay = await oauth.refreshTokenGrantRequest(as, client, clientAuth(registered.client_secret), tokens.refresh_token!, insecure);
    expect(replay.status).toBe(400);
    await expect(oauth.processRefreshTokenResponse(as, client, replay)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(adapter.records).toHaveLength(1);
    expect(adapter.records[0]).toMatchObject({ outcome: 'provider_error', response: { status: 400, error: 'invalid_grant' } });
    expect(verdictCodes(adapter.records[0])).toContain('refresh_rejected');
  });

  it('a wrong client secret is refused by oidc-provider and reaches the client as invalid_client', async () => {
    const as = asFor();
    const client: oauth.Client = { client_id: registered.client_id };
    adapter.records.length = 0;
    const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth(`${registered.client_secret}x`), 'some-refresh-token', insecure);
    // RFC 6749 §5.2: 401 + WWW-Authenticate for a Basic client, 400 for body credentials (RFC 9110 §15.5.2).
    const status = scheme === 'basic' ? 401 : 400;
    expect(res.status, JSON.stringify(adapter.records)).toBe(status);
    expect(res.headers.get('www-authenticate') !== null).toBe(scheme === 'basic');
    const body = (await res.clone().json()) as { error: string };
    expect(body.error).toBe('invalid_client');
    expect(adapter.records).toHaveLength(1);
    expect(adapter.records[0]).toMatchObject({ outcome: 'provider_error', response: { status, error: 'invalid_client' } });
  });
});
