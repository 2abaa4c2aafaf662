/** The token handler over HTTP in front of a plain RFC 6749 server (generic profile: passthrough). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';

// A client id and secret with every character RFC 6749 §2.3.1's form-encoding matters for.
const CLIENT_ID = 'alexa skill:1';
const CLIENT_SECRET = 'p@ss w+rd:%41/é&=';

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
  rfc.rotateRefreshTokens = false;
});

describe.each(['basic', 'body'] as const)('generic passthrough, Alexa scheme %s', (scheme) => {
  const creds = { scheme, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

  it('forwards the code exchange unchanged in substance and answers the provider\'s tokens', async () => {
    rfc.addCode(`gc-${scheme}`, { accessToken: `at-${scheme}`, refreshToken: `rt-${scheme}`, expiresIn: 7200, scope: 'read write', idToken: 'h.p.s' }, 'verifier-'.padEnd(50, 'x'));
    const res = await alexaTokenRequest(adapter.url, {
      ...creds,
      params: { grant_type: 'authorization_code', code: `gc-${scheme}`, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: 'verifier-'.padEnd(50, 'x'), state: 'dropped' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ access_token: `at-${scheme}`, token_type: 'Bearer', expires_in: 7200, refresh_token: `rt-${scheme}`, scope: 'read write', id_token: 'h.p.s' });

    const up = rfc.last();
    expect(up.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(up.headers['accept']).toBe('application/json');
    expect(up.body).toMatchObject({ grant_type: 'authorization_code', code: `gc-${scheme}`, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: 'verifier-'.padEnd(50, 'x') });
    expect(up.body).not.toHaveProperty('state');
    if (scheme === 'basic') {
      // Decoded the RFC way by the fake: the adapter re-encoded id and secret correctly.
      expect(up.basic).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(up.body).not.toHaveProperty('client_id');
    } else {
      expect(up.headers['authorization']).toBeUndefined();
      expect(up.body).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    }

    expect(adapter.records).toHaveLength(1);
    expect(adapter.records[0]).toMatchObject({ outcome: 'success', clientAuth: scheme, upstream: { clientAuth: scheme, status: 200 }, tokens: { idTokenPresent: true, expiresIn: 7200 } });
    expect(verdictCodes(adapter.records[0])).toEqual(expect.arrayContaining(['ok', 'parameters_dropped']));
  });

  it('refresh with rotation: the new refresh token reaches Alexa, the record says rotated', async () => {
    rfc.rotateRefreshTokens = true;
    rfc.addRefreshToken(`old-rt-${scheme}`, { accessToken: `at2-${scheme}`, expiresIn: 3600 });
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'refresh_token', refresh_token: `old-rt-${scheme}` } });
    expect(res.status).toBe(200);
    const issued = rfc.lastIssued!;
    expect(res.json.refresh_token).toBe(issued.refreshToken);
    expect(res.json.refresh_token).not.toBe(`old-rt-${scheme}`);
    expect(res.json.access_token).toBe(issued.accessToken);
    expect(adapter.records[0]!.tokens).toMatchObject({ refreshTokenInFp: fingerprint(`old-rt-${scheme}`), refreshTokenOutFp: fingerprint(issued.refreshToken) });
    expect(verdictCodes(adapter.records[0])).toContain('refresh_token_rotated');

    // The old one is dead now.
    const again = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'refresh_token', refresh_token: `old-rt-${scheme}` } });
    expect(again.status).toBe(400);
    expect(again.json.error).toBe('invalid_grant');
    expect(verdictCodes(adapter.records[1])).toContain('refresh_rejected');
  });

  it('an upstream invalid_client (wrong secret) → 401 + challenge for Basic, 400 for body credentials (RFC 6749 §5.2)', async () => {
    const res = await alexaTokenRequest(adapter.url, { scheme, clientId: CLIENT_ID, clientSecret: 'nope', params: { grant_type: 'refresh_token', refresh_token: 'whatever' } });
    const status = scheme === 'basic' ? 401 : 400;
    expect(res.status).toBe(status);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate') !== null).toBe(scheme === 'basic');
    expect(adapter.records[0]).toMatchObject({ outcome: 'provider_error', response: { status, error: 'invalid_client' } });
  });
});

describe('generic passthrough details', () => {
  it('a public client (client_id only) reaches the provider with client_id and no secret', async () => {
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: CLIENT_ID, params: { grant_type: 'refresh_token', refresh_token: 'x' } });
    expect(res.status).toBe(400); // the provider's invalid_client, for a client that authenticated in the body
    expect(rfc.last().body).toMatchObject({ client_id: CLIENT_ID });
    expect(rfc.last().body).not.toHaveProperty('client_secret');
    expect(adapter.records[0]!.upstream.clientAuth).toBe('none');
  });

  it('Basic plus a matching client_id in the body is accepted and forwarded as Basic only', async () => {
    rfc.addRefreshToken('rt-match', { accessToken: 'at-match' });
    const res = await alexaTokenRequest(adapter.url, {
      scheme: 'basic',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      params: { grant_type: 'refresh_token', refresh_token: 'rt-match', client_id: CLIENT_ID },
    });
    expect(res.status).toBe(200);
    expect(rfc.last().basic).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(rfc.last().body).not.toHaveProperty('client_id');
  });
});
