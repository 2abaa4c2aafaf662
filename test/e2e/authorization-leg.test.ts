/**
 * The whole linking flow with software written by others on both sides of the adapter:
 *
 *   oauth4webapi (playing Alexa) → adapter /authorize → oidc-provider 9 (login + consent through its
 *   interaction endpoints) → adapter /callback → Alexa's redirect URL → adapter /token → oidc-provider
 *
 * PKCE on both legs: Alexa's from the client library (checked by the adapter, RFC 7636 §4.6), the
 * provider's from the adapter (checked by oidc-provider, which requires PKCE). Grant state lives in
 * DynamoDB Local. The implicit variant: Alexa asks for response_type=token; the adapter asks the
 * provider for a code (public client + PKCE), exchanges it at /callback and puts the access token in
 * the fragment of Alexa's redirect URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizeRecord } from '../../lambda/core/authorize/record';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { fingerprint } from '../../lambda/core/fingerprint';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { listen, startLocalAdapter, type RunningServer } from '../../local/adapter';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { browseUntil } from '../support/browser';
import { oidcTestConfiguration } from '../support/oidc-provider-config';
import { readBack } from '../support/read-back';

const ALEXA_REDIRECT_URI = 'https://pitangui.amazon.com/api/skill/link/M2E2EVENDOR';
const CONFIDENTIAL = { client_id: 'alexa-skill', client_secret: 'skill s3cret+/:%&=~', token_endpoint_auth_method: 'client_secret_basic' } as const;
const PUBLIC = { client_id: 'alexa-implicit-skill', token_endpoint_auth_method: 'none' } as const;

const ddb = useDynamoDbLocal();
let op: RunningServer;
let issuer: string;
let adapter: RunningServer;
const records: (AuthorizeRecord & Record<string, unknown>)[] = [];

beforeAll(async () => {
  const server = createServer();
  op = await listen(server, 0, '127.0.0.1');
  issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  await createStateTable(ddb().client(), 'e2e-authz');
  const store = new DynamoDbStateStore({ tableName: 'e2e-authz', client: ddb().client() });
  const config = parseRuntimeConfig(
    { provider: 'generic', tokenUrl: `${issuer}/token`, authorizeUrl: `${issuer}/auth`, mode: 'interception', vendorId: 'M2E2EVENDOR' },
    'e2e',
  );
  adapter = await startLocalAdapter({ config, log: (r) => records.push(readBack<AuthorizeRecord & Record<string, unknown>>(r)), store: () => Promise.resolve(store) });
  const callback = `${adapter.url}/callback`;
  const provider = new Provider(
    issuer,
    oidcTestConfiguration([
      { ...CONFIDENTIAL, redirect_uris: [callback], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], application_type: 'native' },
      { ...PUBLIC, redirect_uris: [callback], grant_types: ['authorization_code'], response_types: ['code'], application_type: 'native' },
    ]),
  );
  server.on('request', provider.callback());
});

afterAll(async () => {
  await adapter?.close();
  await op?.close();
});

/** A browser: starts at our /authorize, logs in at oidc-provider, follows everything until Alexa's redirect URL. */
async function browse(start: string): Promise<{ alexa: URL; hops: string[] }> {
  const { url, hops } = await browseUntil(start, { stopAt: ALEXA_REDIRECT_URI, issuer });
  return { alexa: url, hops };
}

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('oauth4webapi → adapter /authorize → oidc-provider → adapter /callback → adapter /token', () => {
  it('links with PKCE on both legs; the client library accepts every answer; all records share one link id', async () => {
    const as: oauth.AuthorizationServer = { issuer, authorization_endpoint: `${adapter.url}/authorize`, token_endpoint: `${adapter.url}/token` };
    const client: oauth.Client = { client_id: CONFIDENTIAL.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const start = new URL(as.authorization_endpoint!);
    start.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: ALEXA_REDIRECT_URI,
      scope: 'openid',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    records.length = 0;
    const { alexa, hops } = await browse(start.href);
    expect(hops[0]).toBe('/authorize');
    expect(hops).toContain('/callback');
    const params = oauth.validateAuthResponse(as, client, alexa, state);
    const code = params.get('code')!;

    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(CONFIDENTIAL.client_secret), params, ALEXA_REDIRECT_URI, verifier, insecure);
    expect(res.status).toBe(200);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('alexa-user-1');

    const ours = records.filter((r) => ['GET /authorize', 'GET /callback', 'POST /token'].includes(r.route));
    expect(ours.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token']);
    const linkId = ours[0]!.linkId;
    expect(ours.every((r) => r.linkId === linkId)).toBe(true);
    expect(ours[0]).toMatchObject({ pkce: { alexa: 'S256', provider: 'S256' }, alexaStateFp: fingerprint(state) });
    expect(ours[2]).toMatchObject({ outcome: 'success', tokens: { codeFp: fingerprint(code), codeVerifierPresent: true, idTokenPresent: true } });
    expect(ours[2]!.verdicts.map((v) => v.code)).toContain('code_via_callback');

    // Alexa retries with the same code: invalid_grant from the adapter itself.
    const replay = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(CONFIDENTIAL.client_secret), params, ALEXA_REDIRECT_URI, verifier, insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, client, replay)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(records.at(-1)!.verdicts.map((v) => v.code)).toContain('code_replayed');
  });

  it('a wrong Alexa-side code_verifier is refused by the adapter with invalid_grant', async () => {
    const as: oauth.AuthorizationServer = { issuer, authorization_endpoint: `${adapter.url}/authorize`, token_endpoint: `${adapter.url}/token` };
    const client: oauth.Client = { client_id: CONFIDENTIAL.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const start = new URL(as.authorization_endpoint!);
    start.search = new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: ALEXA_REDIRECT_URI, scope: 'openid', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    const { alexa } = await browse(start.href);
    const params = oauth.validateAuthResponse(as, client, alexa, state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(CONFIDENTIAL.client_secret), params, ALEXA_REDIRECT_URI, oauth.generateRandomCodeVerifier(), insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, client, res)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(records.at(-1)!.verdicts.map((v) => v.code)).toContain('pkce_verifier_mismatch');
  });

  it('implicit grant: the access token reaches Alexa in the fragment, never in the query, with Alexa\'s state', async () => {
    const state = oauth.generateRandomState();
    const start = new URL(`${adapter.url}/authorize`);
    start.search = new URLSearchParams({ client_id: PUBLIC.client_id, response_type: 'token', redirect_uri: ALEXA_REDIRECT_URI, scope: 'openid', state }).toString();
    records.length = 0;
    const { alexa } = await browse(start.href);
    expect(alexa.search).toBe('');
    const fragment = new URLSearchParams(alexa.hash.slice(1));
    expect(fragment.get('state')).toBe(state);
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(Number(fragment.get('expires_in'))).toBeGreaterThan(0);
    expect(fragment.get('refresh_token')).toBeNull(); // RFC 6749 §4.2.2
    const accessToken = fragment.get('access_token')!;
    // The token is real: oidc-provider's userinfo endpoint accepts it.
    const me = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: 'alexa-user-1' });
    const cb = records.find((r) => r.route === 'GET /callback')!;
    expect(cb).toMatchObject({ outcome: 'success', responseType: 'token', upstream: { outcome: 'answered', status: 200, clientAuth: 'none' }, tokens: { accessTokenFp: fingerprint(accessToken) } });
    expect(JSON.stringify(records)).not.toContain(accessToken);
  });
});
