/**
 * Client authentication through the adapter, with software written by others on both sides:
 *
 *   oauth4webapi (playing Alexa)  →  adapter /token  →  @node-oauth/oauth2-server token endpoint
 *
 * The secret `Sx~9+ab/cd=ef` has the characters that tell the two Basic dialects apart: RFC 6749
 * §2.3.1 form-encodes id and secret before base64 (oauth4webapi does), many servers do not decode
 * (@node-oauth/oauth2-server, Authlib). Whatever Alexa sends and whatever the server expects, the
 * adapter must answer what the server would have answered to Alexa directly: when both sides speak
 * Basic, Alexa's header goes up byte for byte (issue 10 item 6). And an invalid_client for a client
 * that authenticated in the body stays a 400, never a 401 without WWW-Authenticate (item 7).
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEXA_REDIRECT_URI, startTestAdapter, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { startNodeOAuthServer, type NodeOAuthServer } from '../support/node-oauth-server';

const CLIENT_ID = 'alexa-skill';
const SECRET = 'Sx~9+ab/cd=ef';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** What Alexa may send (Amazon does not document its Basic encoding): both dialects. */
const ALEXA_AUTH = {
  /** RFC 6749 §2.3.1: id and secret form-encoded, then base64 (oauth4webapi's own implementation). */
  'RFC 6749 §2.3.1 encoded Basic': (secret: string) => oauth.ClientSecretBasic(secret),
  /** id and secret as they are, then base64. */
  'unencoded Basic': (secret: string): oauth.ClientAuth => (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${client.client_id}:${secret}`, 'utf8').toString('base64')}`);
  },
  'credentials in the body': (secret: string) => oauth.ClientSecretPost(secret),
} as const;
type AlexaAuth = keyof typeof ALEXA_AUTH;

/** Code exchange with oauth4webapi against a token endpoint (the provider's, or the adapter's). */
async function exchange(tokenEndpoint: string, auth: oauth.ClientAuth, code: string): Promise<Response> {
  const as: oauth.AuthorizationServer = { issuer: 'https://provider.example', token_endpoint: tokenEndpoint };
  const client: oauth.Client = { client_id: CLIENT_ID };
  const params = oauth.validateAuthResponse(as, client, new URL(`${ALEXA_REDIRECT_URI}?code=${code}`), oauth.skipStateCheck);
  return oauth.authorizationCodeGrantRequest(as, client, auth, params, ALEXA_REDIRECT_URI, oauth.nopkce, insecure);
}

let plain: NodeOAuthServer;
let decoding: NodeOAuthServer;
const adapters: TestAdapter[] = [];

async function adapterFor(server: NodeOAuthServer, clientAuth?: Record<string, unknown>): Promise<TestAdapter> {
  const adapter = clientAuth
    ? await startTestAdapter({ provider: 'node-oauth', tokenUrl: server.tokenUrl, profile: { extends: 'generic', tokenRequest: { clientAuth } } })
    : await startTestAdapter({ provider: 'generic', tokenUrl: server.tokenUrl });
  adapters.push(adapter);
  return adapter;
}

beforeAll(async () => {
  plain = await startNodeOAuthServer({ clients: { [CLIENT_ID]: SECRET } });
  decoding = await startNodeOAuthServer({ clients: { [CLIENT_ID]: SECRET }, decodeBasic: true });
});
afterAll(async () => {
  await Promise.all([...adapters.map((a) => a.close()), plain?.close(), decoding?.close()]);
});

describe('Alexa on HTTP Basic, provider on Basic (as_received): the header goes up byte for byte', () => {
  // [server, Alexa's dialect, the status the server gives Alexa directly, the server]
  const matrix: [string, AlexaAuth, number, () => NodeOAuthServer][] = [
    ['does not form-decode Basic', 'unencoded Basic', 200, () => plain],
    ['does not form-decode Basic', 'RFC 6749 §2.3.1 encoded Basic', 401, () => plain],
    ['form-decodes Basic', 'RFC 6749 §2.3.1 encoded Basic', 200, () => decoding],
    ['form-decodes Basic', 'unencoded Basic', 401, () => decoding],
  ];
  it.each(matrix)('a server that %s, Alexa sending %s: the same answer through the adapter as directly (%i)', async (_what, dialect, directStatus, server) => {
    const s = server();
    const adapter = await adapterFor(s);
    const auth = ALEXA_AUTH[dialect](SECRET);

    const direct = await exchange(s.tokenUrl, auth, s.issueCode(CLIENT_ID));
    expect(direct.status).toBe(directStatus);
    const sentByAlexa = s.last().headers['authorization'];

    adapter.records.length = 0;
    const via = await exchange(`${adapter.url}/token`, auth, s.issueCode(CLIENT_ID));
    expect(via.status).toBe(directStatus);
    // Byte for byte: the provider saw exactly the header Alexa sent (no decode and re-encode).
    expect(s.last().headers['authorization']).toBe(sentByAlexa);
    expect(adapter.records[0]!.upstream).toMatchObject({ clientAuth: 'basic', basicEncoding: 'forwarded' });
    if (directStatus === 200) {
      const tokens = await oauth.processAuthorizationCodeResponse({ issuer: 'https://provider.example', token_endpoint: `${adapter.url}/token` }, { client_id: CLIENT_ID }, via);
      expect(tokens.access_token).toEqual(expect.any(String));
    } else {
      // RFC 6749 §5.2: invalid_client for a Basic client is a 401 with the challenge.
      expect(((await via.json()) as { error: string }).error).toBe('invalid_client');
      expect(via.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });
});

describe('Alexa in the body, provider on Basic (client_secret_basic): the encoding is the profile\'s, named in the record', () => {
  it('default `form` (RFC 6749 §2.3.1) works with a server that form-decodes', async () => {
    const adapter = await adapterFor(decoding, { method: 'client_secret_basic' });
    const res = await exchange(`${adapter.url}/token`, ALEXA_AUTH['credentials in the body'](SECRET), decoding.issueCode(CLIENT_ID));
    expect(res.status).toBe(200);
    expect(decoding.last().basic).toEqual({ clientId: CLIENT_ID, clientSecret: SECRET });
    expect(adapter.records[0]!.upstream).toMatchObject({ clientAuth: 'basic', basicEncoding: 'form' });
    expect(verdictCodes(adapter.records[0])).toContain('basic_credentials_form_encoded');
  });

  it('default `form` against a server that does not decode: invalid_client, answered 400 to a body client, and the record says why', async () => {
    const adapter = await adapterFor(plain, { method: 'client_secret_basic' });
    const res = await exchange(`${adapter.url}/token`, ALEXA_AUTH['credentials in the body'](SECRET), plain.issueCode(CLIENT_ID));
    // The server answered 401 + challenge to our Basic header; Alexa authenticated in the body: 400, no challenge.
    expect(plain.clientLookups.at(-1)).toEqual({ clientId: CLIENT_ID, ok: false });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
    const rec = adapter.records[0]!;
    expect(rec.upstream).toMatchObject({ clientAuth: 'basic', basicEncoding: 'form', status: 401 });
    expect(verdictCodes(rec)).toEqual(expect.arrayContaining(['client_rejected', 'basic_credentials_form_encoded']));
    expect(rec.verdicts.find((v) => v.code === 'basic_credentials_form_encoded')!.message).toContain('"encoding":"raw"');
  });

  it('`encoding: raw` works with a server that does not decode', async () => {
    const adapter = await adapterFor(plain, { method: 'client_secret_basic', encoding: 'raw' });
    const res = await exchange(`${adapter.url}/token`, ALEXA_AUTH['credentials in the body'](SECRET), plain.issueCode(CLIENT_ID));
    expect(res.status).toBe(200);
    expect(Buffer.from(plain.last().headers['authorization']!.slice(6), 'base64').toString('utf8')).toBe(`${CLIENT_ID}:${SECRET}`);
    expect(adapter.records[0]!.upstream).toMatchObject({ clientAuth: 'basic', basicEncoding: 'raw' });
    expect(verdictCodes(adapter.records[0])).not.toContain('basic_credentials_form_encoded');
  });
});

describe('invalid_client status and challenge (RFC 6749 §5.2, RFC 9110 §15.5.2)', () => {
  it.each([
    ['credentials in the body', 400, false],
    ['unencoded Basic', 401, true],
  ] as const)('a wrong secret sent as %s: the adapter answers what the server answers directly (%i, challenge %s)', async (dialect, status, challenge) => {
    const adapter = await adapterFor(plain);
    const auth = ALEXA_AUTH[dialect](`${SECRET}-wrong`);
    const direct = await exchange(plain.tokenUrl, auth, plain.issueCode(CLIENT_ID));
    const via = await exchange(`${adapter.url}/token`, auth, plain.issueCode(CLIENT_ID));
    for (const res of [direct, via]) {
      expect(res.status).toBe(status);
      expect(res.headers.get('www-authenticate') !== null).toBe(challenge);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
    }
  });
});
