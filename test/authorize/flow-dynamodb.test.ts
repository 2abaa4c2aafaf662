/**
 * The authorization leg end to end on the real DynamoDB Local: Alexa's /authorize → the demo
 * provider's login form → our /callback → Alexa's redirect → /token, with the grant and the
 * code link taken exactly once, expiry, replays and PKCE on Alexa's side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { AuthorizeRecord } from '../../lambda/core/authorize/record';
import { fingerprint } from '../../lambda/core/fingerprint';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startDemoProvider, type DemoProvider } from '../../local/demo-provider';
import { createStateTable } from '../../local/table-definition';
import { ALEXA_REDIRECT, authorizeUrl, demoLogin, hop } from '../support/alexa-browser';
import { alexaTokenRequest } from '../support/fake-alexa';
import { useDynamoDbLocal } from '../support/dynamodb-local';

const ddb = useDynamoDbLocal();
const TABLE = 'authorize-flow';
let demo: DemoProvider;
let adapter: RunningServer;
let records: (AuthorizeRecord & Record<string, unknown>)[] = [];
let skewMs = 0;
const now = () => Date.now() + skewMs;

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  demo = await startDemoProvider({ answerFormat: 'accept' });
  const store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => Math.floor(now() / 1000) });
  const config = parseRuntimeConfig({ provider: 'github', tokenUrl: demo.tokenUrl, authorizeUrl: demo.authorizeUrl, mode: 'interception', vendorId: 'M2TESTVENDOR', grantTtlSeconds: 600 }, 'test');
  adapter = await startLocalAdapter({ config, log: (r) => records.push(r as AuthorizeRecord & Record<string, unknown>), store: () => Promise.resolve(store), now });
});
afterAll(async () => {
  await adapter?.close();
  await demo?.close();
});
beforeEach(() => {
  records = [];
  skewMs = 0;
});

const verifier = () => randomBytes(32).toString('base64url');
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');
const codes = (r: { verdicts: { code: string }[] } | undefined) => (r?.verdicts ?? []).map((v) => v.code);

/** A code through the whole authorization leg, for a request with this PKCE verifier (S256). */
async function codeViaCallback(v: string): Promise<string> {
  const { callback } = await toCallback({ code_challenge: s256(v), code_challenge_method: 'S256' });
  return new URL((await hop(callback)).location!).searchParams.get('code')!;
}

/** /authorize → provider login → /callback URL (not yet followed). */
async function toCallback(params: Record<string, string | undefined> = {}, action: 'approve' | 'deny' = 'approve') {
  const first = await hop(authorizeUrl(adapter.url, params));
  expect(first.status, first.body).toBe(302);
  const providerUrl = new URL(first.location!);
  return { providerUrl, callback: await demoLogin(providerUrl.toString(), action) };
}

describe('code grant through interception', () => {
  it('runs the whole flow; three records share one link id; the code is exchanged with our callback and PKCE', async () => {
    const v = verifier();
    const { providerUrl, callback } = await toCallback({ code_challenge: s256(v), code_challenge_method: 'S256' });
    // What the provider saw: our callback, our state, our own PKCE, Alexa's client id.
    expect(`${providerUrl.origin}${providerUrl.pathname}`).toBe(demo.authorizeUrl);
    expect(providerUrl.searchParams.get('redirect_uri')).toBe(`${adapter.url}/callback`);
    expect(providerUrl.searchParams.get('client_id')).toBe(DEMO_CLIENT_ID);
    const ourState = providerUrl.searchParams.get('state')!;
    expect(ourState).not.toBe('alexa-state-Zm9vYmFy');
    expect(Buffer.from(ourState, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(providerUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(providerUrl.searchParams.get('code_challenge')).not.toBe(s256(v));

    const back = await hop(callback);
    expect(back.status).toBe(302);
    const alexa = new URL(back.location!);
    expect(`${alexa.origin}${alexa.pathname}`).toBe(ALEXA_REDIRECT);
    expect(alexa.searchParams.get('state')).toBe('alexa-state-Zm9vYmFy');
    const code = alexa.searchParams.get('code')!;
    expect(code).toMatch(/^[0-9a-f]{20}$/);

    const tokenRes = await alexaTokenRequest(adapter.url, {
      scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET,
      params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, code_verifier: v },
    });
    expect(tokenRes.status, tokenRes.text).toBe(200);
    expect(tokenRes.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });

    expect(records.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token']);
    const linkId = records[0]!.linkId!;
    expect(linkId).toMatch(/^lk_/);
    expect(records.map((r) => r.linkId)).toEqual([linkId, linkId, linkId]);
    expect(records[0]).toMatchObject({ outcome: 'success', redirect: { host: 'layla.amazon.com', vendorId: 'M2TESTVENDOR' }, pkce: { alexa: 'S256', provider: 'S256' }, stateFp: fingerprint(ourState), alexaStateFp: fingerprint('alexa-state-Zm9vYmFy'), response: { status: 302, to: 'provider' } });
    expect(codes(records[0])).toEqual(['authorize_redirected']);
    expect(records[1]).toMatchObject({ outcome: 'success', codeFp: fingerprint(code), response: { status: 302, to: 'alexa' } });
    expect(codes(records[1])).toEqual(['callback_redirected']);
    expect(records[2]).toMatchObject({ outcome: 'success', tokens: { codeFp: fingerprint(code) } });
    expect(codes(records[2])).toContain('code_via_callback');

    // Nothing secret in clear in the table: no state, no code, no verifier.
    const scan = JSON.stringify((await ddb().client().send(new ScanCommand({ TableName: TABLE }))).Items);
    for (const secret of [ourState, code, v, 'alexa-state-Zm9vYmFy', ALEXA_REDIRECT]) expect(scan).not.toContain(secret);

    // Replayed code: invalid_grant without reaching the provider.
    records = [];
    const before = demo.stats.tokenRequests;
    const replay = await alexaTokenRequest(adapter.url, {
      scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET,
      params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, code_verifier: v },
    });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
    expect(demo.stats.tokenRequests).toBe(before);
    expect(records[0]).toMatchObject({ outcome: 'rejected', linkId });
    expect(codes(records[0])).toEqual(['code_replayed', 'alexa_auth_basic']);

    // Replayed state (back button / replay of the provider's redirect): an error page, not a second code.
    records = [];
    const again = await hop(callback);
    expect(again.status).toBe(400);
    expect(again.location).toBeUndefined();
    expect(again.body).toContain('already used');
    expect(codes(records[0])).toEqual(['state_replayed']);
    expect(records[0]!.linkId).toBe(linkId);
  });

  it('a wrong code_verifier is invalid_grant (pkce_verifier_mismatch); a wrong redirect_uri is redirect_uri_mismatch', async () => {
    for (const [params, verdict] of [
      [(c: string, v: string) => ({ code: c, redirect_uri: ALEXA_REDIRECT, code_verifier: `${v}x` }), 'pkce_verifier_mismatch'],
      [(c: string) => ({ code: c, redirect_uri: ALEXA_REDIRECT }), 'pkce_verifier_mismatch'],
      [(c: string, v: string) => ({ code: c, redirect_uri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR', code_verifier: v }), 'redirect_uri_mismatch'],
    ] as const) {
      const v = verifier();
      const code = await codeViaCallback(v);
      records = [];
      const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', ...params(code, v) } });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'invalid_grant' });
      expect(codes(records[0])[0]).toBe(verdict);
    }
  });

  it('a wrong verifier or redirect_uri cannot burn the code: Alexa\'s correct request still succeeds after the attacker\'s attempts (RFC 7636 §4.6, RFC 6749 §4.1.3)', async () => {
    const v = verifier();
    const code = await codeViaCallback(v);
    records = [];
    const before = demo.stats.tokenRequests;
    const attempt = (params: Record<string, string>) =>
      alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', code, ...params } });
    // Someone holding the code, without Alexa's verifier: a wrong one, none, a wrong redirect_uri.
    for (const params of [{ redirect_uri: ALEXA_REDIRECT, code_verifier: verifier() }, { redirect_uri: ALEXA_REDIRECT } as Record<string, string>, { redirect_uri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR', code_verifier: v }]) {
      const res = await attempt(params);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'invalid_grant' });
    }
    expect(records.map((r) => codes(r)[0])).toEqual(['pkce_verifier_mismatch', 'pkce_verifier_mismatch', 'redirect_uri_mismatch']);
    expect(records[0]!.verdicts[0]!.message).toContain('left unused');
    expect(demo.stats.tokenRequests).toBe(before);
    // Alexa's own request: exchanged, once.
    records = [];
    const alexa = await attempt({ redirect_uri: ALEXA_REDIRECT, code_verifier: v });
    expect(alexa.status, alexa.text).toBe(200);
    expect(codes(records[0])).toContain('code_via_callback');
    expect(demo.stats.tokenRequests).toBe(before + 1);
  });

  it('two correct requests racing for one code: exactly one success, the other code_replayed, one provider call', async () => {
    const v = verifier();
    const code = await codeViaCallback(v);
    records = [];
    const before = demo.stats.tokenRequests;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, code_verifier: v } }),
      ),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400 && r.json.error === 'invalid_grant')).toHaveLength(5);
    expect(records.filter((r) => codes(r)[0] === 'code_replayed')).toHaveLength(5);
    expect(demo.stats.tokenRequests).toBe(before + 1);
  });

  it('plain PKCE from Alexa is verified too (RFC 7636 §4.6)', async () => {
    const v = verifier();
    const { callback } = await toCallback({ code_challenge: v, code_challenge_method: 'plain' });
    const code = new URL((await hop(callback)).location!).searchParams.get('code')!;
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, code_verifier: v } });
    expect(res.status, res.text).toBe(200);
  });

  it('the provider refusing (access_denied) goes back to Alexa with the error and Alexa\'s state', async () => {
    const { callback } = await toCallback({}, 'deny');
    const back = await hop(callback);
    const alexa = new URL(back.location!);
    expect(`${alexa.origin}${alexa.pathname}`).toBe(ALEXA_REDIRECT);
    expect(Object.fromEntries(alexa.searchParams)).toEqual({ error: 'access_denied', error_description: 'The user denied access.', state: 'alexa-state-Zm9vYmFy' });
    const rec = records.at(-1)!;
    expect(rec).toMatchObject({ route: 'GET /callback', outcome: 'provider_error', providerError: 'access_denied', response: { error: 'access_denied', to: 'alexa' } });
    expect(codes(rec)).toEqual(['provider_denied']);
  });

  it('errors after redirect_uri is validated go back to Alexa (RFC 6749 §4.1.2.1)', async () => {
    for (const [params, error, verdict] of [
      [{ response_type: 'id_token' }, 'unsupported_response_type', 'unsupported_response_type'],
      [{ state: undefined }, 'invalid_request', 'authorize_invalid_request'],
      [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request', 'pkce_challenge_invalid'],
      [{ code_challenge: s256(verifier()), code_challenge_method: 'S512' }, 'invalid_request', 'pkce_challenge_invalid'],
    ] as const) {
      records = [];
      const res = await hop(authorizeUrl(adapter.url, params));
      expect(res.status).toBe(302);
      const alexa = new URL(res.location!);
      expect(`${alexa.origin}${alexa.pathname}`).toBe(ALEXA_REDIRECT);
      expect(alexa.searchParams.get('error')).toBe(error);
      expect(codes(records[0])).toEqual([verdict]);
    }
  });
});

describe('grant state on DynamoDB Local', () => {
  it('the grant is consumed exactly once under concurrency: one redirect, the rest replay pages', async () => {
    const { callback } = await toCallback();
    records = [];
    const results = await Promise.all(Array.from({ length: 12 }, () => hop(callback)));
    expect(results.filter((r) => r.status === 302)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(11);
    expect(results.every((r) => r.status === 302 || r.body.includes('already used'))).toBe(true);
    const verdicts = records.map((r) => codes(r)[0]);
    expect(verdicts.filter((c) => c === 'callback_redirected')).toHaveLength(1);
    expect(verdicts.filter((c) => c === 'state_replayed')).toHaveLength(11);
  });

  it('an expired grant is a page telling the user to start linking again', async () => {
    const { callback } = await toCallback();
    skewMs = 601_000;
    records = [];
    const res = await hop(callback);
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
    expect(res.body).toContain('start linking again');
    expect(res.body).toContain('timed out');
    expect(records[0]).toMatchObject({ route: 'GET /callback', outcome: 'rejected', grantAgeS: 601 });
    expect(codes(records[0])).toEqual(['grant_expired']);
  });

  it('an unknown or missing state is state_mismatch', async () => {
    for (const url of [`${adapter.url}/callback?code=abc&state=${randomBytes(32).toString('base64url')}`, `${adapter.url}/callback?code=abc`]) {
      records = [];
      const res = await hop(url);
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
      expect(codes(records[0])).toEqual(['state_mismatch']);
    }
  });

  it('a code that never went through /callback is forwarded as in passthrough mode', async () => {
    const code = demo.mintCode({ redirectUri: ALEXA_REDIRECT });
    const res = await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT } });
    expect(res.status).toBe(200);
    expect(codes(records[0])).not.toContain('code_via_callback');
  });
});
