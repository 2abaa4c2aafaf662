/**
 * Canary secrets through the authorization leg (interception mode: GET /authorize, GET /callback, the
 * POST /token code exchange with the code link and Alexa's PKCE) and through every refresh-safety
 * role (leader, follower, grace replay, bypass, crashed-leader takeover, timeout, degraded).
 *
 * Distinctive values travel every path: Alexa's state (not a secret by RFC 6749, but the README
 * promises records carry only `alexaStateFp`), our own state as it comes back from the provider, the
 * provider's codes, Alexa's code_verifier and code_challenge, our provider-side PKCE verifier, the
 * client secret, the access/refresh/id tokens the provider returns, and provider error texts that
 * echo the code, the state, the verifier, the secret and refresh tokens.
 *
 * The adapters use the DEFAULT record sink (one JSON line on stdout, as in Lambda); stdout and stderr
 * are captured, and no line may contain a canary raw, form-/percent-encoded, base64(url) or
 * JSON-escaped. Not vacuous: every request adds exactly one record, and the documented fingerprints
 * (`alexaStateFp`, `stateFp`, `codeFp`, `tokens.*Fp`) are present. Afterwards the DynamoDB Local
 * table is scanned for the same values in clear, base64 and hex.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { fingerprint } from '../../lambda/core/fingerprint';
import { refreshItemKey } from '../../lambda/core/refresh-guard';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { StateStore } from '../../lambda/store/state-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { createStateTable } from '../../local/table-definition';
import { ALEXA_REDIRECT, hop, type Hop } from '../support/alexa-browser';
import { captureOutput, recordLinesOf } from '../support/capture-output';
import { dynamoDbClient, useDynamoDbLocal } from '../support/dynamodb-local';
import { alexaTokenRequest, type TokenAnswer, type TokenCall } from '../support/fake-alexa';
import { clientCredentials, sendJson, startFakeServer, type FakeServer } from '../support/fake-server';
import { ENCODINGS, canaryIn, encodedForms } from '../support/encoded-forms';
import { tableDump } from '../support/table-dump';
import { readBack } from '../support/read-back';

const VENDOR = 'M2TESTVENDOR';
const TABLE = 'canary-authz';
const CONFIDENTIAL_ID = 'alexa-skill-client';
const PUBLIC_ID = 'alexa-implicit-client';
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

const C = {
  // Alexa's state may be any string; this one needs every kind of encoding on the way.
  alexaState: 'CANARYalexastate-Zm9v/+=x y&ü',
  // RFC 7636 §4.1: 43–128 unreserved characters.
  alexaVerifier: 'CANARYalexaverifier-abcdefghijklmnopqrstuvwxyz0123456789._~',
  clientSecret: 'CANARYclientsecret-Q7/+:ü x=&',
  accessOut: 'CANARYaccessout-2c9f/+=',
  refreshOut: 'CANARYrefreshout-7d1e/+=',
  idToken: 'CANARYidtoken.eyJzdWIiOiIxIn0.sig',
  refreshIn: 'CANARYrefreshin-5e1/+ z',
};
const ALEXA_CHALLENGE = s256(C.alexaVerifier);

/** Values only known at run time (our states, the provider's codes, our provider-side verifiers, minted tokens). */
const dynamic = new Set<string>([ALEXA_CHALLENGE]);
const secrets = () => [...Object.values(C), ...dynamic];

function leaksIn(text: string): string[] {
  const forbidden = new Set([
    ...secrets().flatMap(encodedForms),
    // The Basic credential as it travels (RFC 6749 §2.3.1 encoding, then base64).
    Buffer.from(`${CONFIDENTIAL_ID}:${new URLSearchParams({ v: C.clientSecret }).toString().slice(2)}`).toString('base64'),
  ]);
  const found = [...forbidden].filter((f) => text.includes(f));
  if (/canary/i.test(text)) found.push('CANARY marker');
  return found;
}

const captured: string[] = [];
const recordLines = () => recordLinesOf(captured);
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const codesOf = (r: Rec) => (r.verdicts as { code: string }[]).map((v) => v.code);

// ---------------------------------------------------------------------------------------------
// The provider: an RFC 6749 authorization server with PKCE (RFC 7636 S256), a public client for the
// implicit leg, single-use rotating refresh tokens (§6), and switches for the misbehaviour tested.
// ---------------------------------------------------------------------------------------------
type AuthorizeMode = 'code' | 'error_echo' | 'no_code' | 'implicit_query';
interface Provider extends FakeServer {
  authorizeMode: AuthorizeMode;
  /** How `error_echo` writes the code, the state and the request back (every encoding of the scrubber's list). */
  echoEncode: (s: string) => string;
  /** Token endpoint errors echo the code, verifier, secret and refresh token they were sent. */
  echoErrors: boolean;
  refreshDelayMs: number;
  refreshCalls: number;
  issueRefresh(token: string): void;
}

async function startProvider(): Promise<Provider> {
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge?: string }>();
  const live = new Set<string>();
  let n = 0;
  const mint = (kind: string) => {
    const t = `CANARY${kind}-${++n}-${randomBytes(6).toString('base64url')}/+=`;
    dynamic.add(t);
    return t;
  };
  let self!: Provider;
  const server = await startFakeServer(async (req, res) => {
    if (req.method === 'GET' && req.path === '/authorize') {
      const q = req.query;
      const state = q['state'] ?? '';
      dynamic.add(state);
      const back = new URL(q['redirect_uri']!);
      const set = (params: Record<string, string>) => {
        for (const [k, v] of Object.entries(params)) back.searchParams.set(k, v);
        res.writeHead(302, { location: back.toString() });
        res.end();
      };
      if (self.authorizeMode === 'implicit_query') return set({ access_token: C.accessOut, token_type: 'bearer', expires_in: '3600', state });
      if (self.authorizeMode === 'no_code') return set({ state });
      const code = mint('providercode');
      codes.set(code, { clientId: q['client_id']!, redirectUri: q['redirect_uri']!, ...(q['code_challenge'] ? { challenge: q['code_challenge'] } : {}) });
      if (self.authorizeMode === 'error_echo') {
        // A provider that refuses but still sends the code along, and echoes it (and our state) in its text.
        const e = self.echoEncode;
        return set({ error: 'invalid_scope', error_description: `code ${e(code)} cannot be issued for state ${e(state)} (request: ${e(new URLSearchParams(q).toString())})`, code, state });
      }
      return set({ code, state });
    }
    if (req.method !== 'POST' || req.path !== '/token') return sendJson(res, 404, { error: 'not_found' });
    const creds = clientCredentials(req);
    const echo = (text: string) =>
      self.echoErrors ? `${text} (code=${req.body['code'] ?? ''} code_verifier=${req.body['code_verifier'] ?? ''} refresh_token=${req.body['refresh_token'] ?? ''} secret=${creds.clientSecret ?? ''} body=${req.rawBody.toString('utf8')})` : text;
    if (creds.via === 'both') return sendJson(res, 400, { error: 'invalid_request', error_description: 'two client authentication methods' });
    const isPublic = creds.clientId === PUBLIC_ID && creds.clientSecret === undefined;
    if (!isPublic && (creds.clientId !== CONFIDENTIAL_ID || creds.clientSecret !== C.clientSecret)) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: echo('client authentication failed') });
    }
    if (req.body['grant_type'] === 'authorization_code') {
      const code = req.body['code'] ?? '';
      const verifier = req.body['code_verifier'];
      if (verifier) dynamic.add(verifier);
      const entry = codes.get(code);
      codes.delete(code);
      const ok =
        entry !== undefined &&
        entry.clientId === creds.clientId &&
        entry.redirectUri === req.body['redirect_uri'] &&
        (entry.challenge === undefined ? verifier === undefined : verifier !== undefined && s256(verifier) === entry.challenge);
      if (!ok || self.echoErrors) return sendJson(res, 400, { error: 'invalid_grant', error_description: echo('the authorization code is invalid') });
      return sendJson(res, 200, { access_token: C.accessOut, token_type: 'Bearer', expires_in: 3600, ...(isPublic ? {} : { refresh_token: C.refreshOut, id_token: C.idToken }) });
    }
    if (req.body['grant_type'] === 'refresh_token') {
      self.refreshCalls += 1;
      await new Promise((r) => setTimeout(r, self.refreshDelayMs));
      const presented = req.body['refresh_token'] ?? '';
      if (!live.delete(presented)) return sendJson(res, 400, { error: 'invalid_grant', error_description: `refresh token ${presented} is invalid or was already used` });
      const rt = mint('rt');
      live.add(rt);
      return sendJson(res, 200, { access_token: mint('at'), token_type: 'bearer', expires_in: 28800, refresh_token: rt, id_token: C.idToken });
    }
    return sendJson(res, 400, { error: 'unsupported_grant_type' });
  });
  self = Object.assign(server, {
    authorizeMode: 'code' as AuthorizeMode,
    echoEncode: (v: string) => v,
    echoErrors: false,
    refreshDelayMs: 0,
    refreshCalls: 0,
    issueRefresh: (t: string) => {
      live.add(t);
      dynamic.add(t);
    },
  });
  return self;
}

// ---------------------------------------------------------------------------------------------
const ddb = useDynamoDbLocal();
let provider: Provider;
let store: DynamoDbStateStore;
let skewMs = 0;
const now = () => Date.now() + skewMs;
const adapters: Record<'main' | 'short' | 'queryImplicit' | 'deadStore', RunningServer> = {} as never;
let requests = 0;

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => Math.floor(now() / 1000) });
  provider = await startProvider();
  const base = { provider: 'generic', tokenUrl: provider.tokenUrl, authorizeUrl: `${provider.url}/authorize`, mode: 'interception', vendorId: VENDOR, grantTtlSeconds: 600, refreshGraceSeconds: 600 };
  const start = (config: Record<string, unknown>, s: () => Promise<StateStore>) =>
    // No `log`: the default stdout sink, exactly what Lambda writes to CloudWatch.
    startLocalAdapter({ config: parseRuntimeConfig({ ...base, ...config }, 'test'), store: s, now });
  const tableStore = () => Promise.resolve<StateStore>(store);
  const dead = new DynamoDbStateStore({ tableName: TABLE, client: dynamoDbClient('http://127.0.0.1:9') });
  adapters.main = await start({ upstreamTimeoutMs: 2000 }, tableStore);
  adapters.short = await start({ upstreamTimeoutMs: 300 }, tableStore);
  adapters.queryImplicit = await start({ profile: { extends: 'generic', authorize: { responseMode: 'query' } }, provider: 'query-implicit' }, tableStore);
  adapters.deadStore = await start({}, () => Promise.resolve<StateStore>(dead));
  captureOutput(captured);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled(Object.values(adapters).map((a) => a.close()));
  await provider?.close();
});

/** One request to the adapter: exactly one new record, holding no canary. */
async function step<T>(run: () => Promise<T>, count = 1): Promise<{ res: T; records: Rec[] }> {
  const before = recordLines().length;
  const res = await run();
  requests += count;
  const fresh = recordLines().slice(before);
  expect(fresh).toHaveLength(count);
  expect(leaksIn(fresh.join('\n'))).toEqual([]);
  // The lines as written were checked for canaries; the test reads them as the CLI does.
  return { res, records: fresh.map((l) => readBack<Rec>(JSON.parse(l) as object)) };
}
const one = async (run: () => Promise<Hop>) => {
  const { res, records } = await step(run);
  return { res, record: records[0]! };
};
const token = (adapter: keyof typeof adapters, call: TokenCall) => step(() => alexaTokenRequest(adapters[adapter].url, call)).then(({ res, records }) => ({ res, record: records[0]! }));

function alexaAuthorize(adapter: keyof typeof adapters, params: Record<string, string | undefined> = {}): string {
  const all: Record<string, string | undefined> = {
    client_id: CONFIDENTIAL_ID,
    response_type: 'code',
    state: C.alexaState,
    scope: 'profile',
    redirect_uri: `https://layla.amazon.com/api/skill/link/${VENDOR}`,
    code_challenge: ALEXA_CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.append(k, v);
  return `${adapters[adapter].url}/authorize?${q}`;
}

/** /authorize (one record) → the provider (no record) → the /callback URL, not yet followed. */
async function toCallback(adapter: keyof typeof adapters = 'main', params: Record<string, string | undefined> = {}) {
  const { res, record } = await one(() => hop(alexaAuthorize(adapter, params)));
  expect(res.status, res.body).toBe(302);
  const ourState = new URL(res.location!).searchParams.get('state')!;
  expect(record).toMatchObject({ route: 'GET /authorize', outcome: 'success', alexaStateFp: fingerprint(C.alexaState), stateFp: fingerprint(ourState), response: { to: 'provider' } });
  const back = await hop(res.location!);
  expect(back.status).toBe(302);
  return { callback: back.location!, ourState, authorizeRecord: record };
}
const alexaParams = (h: Hop, where: 'search' | 'hash' = 'search') => {
  const u = new URL(h.location!);
  expect(`${u.origin}${u.pathname}`).toBe(ALEXA_REDIRECT);
  return new URLSearchParams(where === 'search' ? u.search : u.hash.slice(1));
};
const codeCall = (code: string, over: Partial<TokenCall> & { params?: Record<string, string> } = {}): TokenCall => ({
  scheme: 'basic',
  clientId: CONFIDENTIAL_ID,
  clientSecret: C.clientSecret,
  ...over,
  params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, code_verifier: C.alexaVerifier, ...over.params },
});

describe('authorization leg (interception mode): canaries never reach the log', () => {
  it('code grant end to end (Basic), then code replay and state replay', async () => {
    const { callback, ourState, authorizeRecord } = await toCallback();
    expect(authorizeRecord).toMatchObject({ pkce: { alexa: 'S256', provider: 'S256' } });
    const { res: back, record: cb } = await one(() => hop(callback));
    expect(back.status).toBe(302);
    const alexa = alexaParams(back);
    expect(alexa.get('state')).toBe(C.alexaState);
    const code = alexa.get('code')!;
    expect(code.startsWith('CANARYprovidercode-')).toBe(true);
    expect(cb).toMatchObject({ route: 'GET /callback', outcome: 'success', codeFp: fingerprint(code), alexaStateFp: fingerprint(C.alexaState), stateFp: fingerprint(ourState), linkId: authorizeRecord.linkId });
    expect(codesOf(cb)).toEqual(['callback_redirected']);

    const ok = await token('main', codeCall(code));
    expect(ok.res.status, ok.res.text).toBe(200);
    expect(ok.res.json).toMatchObject({ access_token: C.accessOut, refresh_token: C.refreshOut, id_token: C.idToken });
    expect(ok.record).toMatchObject({ outcome: 'success', linkId: authorizeRecord.linkId, tokens: { codeFp: fingerprint(code), codeVerifierPresent: true, accessTokenFp: fingerprint(C.accessOut), refreshTokenOutFp: fingerprint(C.refreshOut), idTokenPresent: true } });
    expect(codesOf(ok.record)).toContain('code_via_callback');

    const replay = await token('main', codeCall(code));
    expect(replay.res.json).toMatchObject({ error: 'invalid_grant' });
    expect(codesOf(replay.record)[0]).toBe('code_replayed');

    const again = await one(() => hop(callback));
    expect(again.res.status).toBe(400);
    expect(codesOf(again.record)).toEqual(['state_replayed']);
    expect(again.record.stateFp).toBe(fingerprint(ourState));
  });

  it('code grant with plain PKCE and body credentials', async () => {
    const { callback } = await toCallback('main', { code_challenge: C.alexaVerifier, code_challenge_method: 'plain' });
    const { res: back } = await one(() => hop(callback));
    const code = alexaParams(back).get('code')!;
    const ok = await token('main', codeCall(code, { scheme: 'body' }));
    expect(ok.res.status, ok.res.text).toBe(200);
    expect(ok.record.tokens).toMatchObject({ codeFp: fingerprint(code), accessTokenFp: fingerprint(C.accessOut) });
  });

  it('PKCE mismatch, missing verifier, redirect_uri mismatch: invalid_grant before the provider', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ code_verifier: `${C.alexaVerifier}x` }, 'pkce_verifier_mismatch'],
      [{ code_verifier: '' }, 'pkce_verifier_mismatch'],
      [{ redirect_uri: `https://pitangui.amazon.com/api/skill/link/${VENDOR}` }, 'redirect_uri_mismatch'],
    ];
    for (const [params, verdict] of cases) {
      const { callback } = await toCallback();
      const code = alexaParams((await one(() => hop(callback))).res).get('code')!;
      const call = codeCall(code, { params });
      if (params.code_verifier === '') delete call.params.code_verifier;
      const before = provider.received.length;
      const r = await token('main', call);
      expect(r.res.status).toBe(400);
      expect(r.res.json.error).toBe('invalid_grant');
      expect(provider.received.length).toBe(before);
      expect(codesOf(r.record)[0]).toBe(verdict);
      expect(r.record.tokens.codeFp).toBe(fingerprint(code));
    }
  });

  it('the provider refuses the exchange and echoes the code, our verifier, the secret and the body', async () => {
    const { callback } = await toCallback();
    const code = alexaParams((await one(() => hop(callback))).res).get('code')!;
    provider.echoErrors = true;
    try {
      const r = await token('main', codeCall(code));
      expect(r.res.status).toBe(400);
      expect(leaksIn(r.res.text)).toEqual([]);
      expect(r.record.outcome).toBe('provider_error');
      // Wrong client secret, echoed back by the provider.
      const { callback: cb2 } = await toCallback();
      const code2 = alexaParams((await one(() => hop(cb2))).res).get('code')!;
      const bad = await token('main', codeCall(code2, { scheme: 'body', clientSecret: `${C.clientSecret}-wrong` }));
      expect(bad.res.status).toBe(400); // invalid_client for body credentials (RFC 6749 §5.2)
    } finally {
      provider.echoErrors = false;
    }
  });

  it('an expired grant at /callback and an expired code link at /token', async () => {
    const { callback } = await toCallback();
    skewMs = 601_000;
    try {
      const late = await one(() => hop(callback));
      expect(late.res.status).toBe(400);
      expect(late.record).toMatchObject({ outcome: 'rejected', grantAgeS: 601 });
      expect(codesOf(late.record)).toEqual(['grant_expired']);
    } finally {
      skewMs = 0;
    }
    const { callback: cb2 } = await toCallback();
    const code = alexaParams((await one(() => hop(cb2))).res).get('code')!;
    skewMs = 601_000;
    try {
      const r = await token('main', codeCall(code));
      expect(r.res.json).toMatchObject({ error: 'invalid_grant' });
      expect(codesOf(r.record)[0]).toBe('grant_expired');
    } finally {
      skewMs = 0;
    }
  });

  it('state mismatch: unknown, tampered, missing, and a malformed query around the code', async () => {
    const { callback, ourState } = await toCallback();
    const u = new URL(callback);
    const code = u.searchParams.get('code')!;
    const unknown = randomBytes(32).toString('base64url');
    dynamic.add(unknown);
    const variants = [
      `${adapters.main.url}/callback?code=${encodeURIComponent(code)}&state=${unknown}`,
      `${adapters.main.url}/callback?code=${encodeURIComponent(code)}&state=${ourState}x`,
      `${adapters.main.url}/callback?code=${encodeURIComponent(code)}`,
      `${adapters.main.url}/callback?code=${encodeURIComponent(code)}%zz&state=${ourState}`,
    ];
    dynamic.add(`${ourState}x`);
    for (const url of variants) {
      const r = await one(() => hop(url));
      expect(r.res.status).toBe(400);
      expect(r.res.location).toBeUndefined();
      expect(codesOf(r.record)).toEqual(['state_mismatch']);
    }
    // The real answer still works afterwards (the mismatches consumed nothing).
    const ok = await one(() => hop(callback));
    expect(ok.res.status).toBe(302);
  });

  it('the provider answers an error whose description echoes the code and our state', async () => {
    provider.authorizeMode = 'error_echo';
    try {
      const { callback, ourState } = await toCallback();
      const r = await one(() => hop(callback));
      expect(r.res.status).toBe(302);
      const alexa = alexaParams(r.res);
      expect(alexa.get('error')).toBe('invalid_scope');
      expect(alexa.get('state')).toBe(C.alexaState);
      // Alexa's error_description is scrubbed too: it travels in a URL Alexa may log.
      const code = new URL(callback).searchParams.get('code')!;
      expect(leaksIn(alexa.get('error_description') ?? '')).toEqual([]);
      expect(alexa.get('error_description')).toContain(fingerprint(code));
      expect(r.record).toMatchObject({ outcome: 'provider_error', providerError: 'invalid_scope', alexaStateFp: fingerprint(C.alexaState), stateFp: fingerprint(ourState) });
      expect(codesOf(r.record)).toEqual(['provider_error']);
      expect(r.record.verdicts[0].message).toContain(fingerprint(ourState));
      expect(r.record.verdicts[0].message).toContain(fingerprint(code));
    } finally {
      provider.authorizeMode = 'code';
    }
  });

  it.each(Object.keys(ENCODINGS))('the provider\'s error echoes the code, our state and the whole request %s: Alexa\'s error_description and the record hold none of them', async (encoding) => {
    provider.authorizeMode = 'error_echo';
    provider.echoEncode = ENCODINGS[encoding]!;
    try {
      const { callback } = await toCallback();
      const r = await one(() => hop(callback));
      const description = alexaParams(r.res).get('error_description') ?? '';
      // Not vacuous: the provider's description arrived (scrubbed), naming what it echoed.
      expect(description).toMatch(/^code .*cannot be issued for state/);
      expect(leaksIn(description)).toEqual([]);
      expect(canaryIn(description)).toEqual([]);
      expect(canaryIn(JSON.stringify(r.record))).toEqual([]);
    } finally {
      provider.authorizeMode = 'code';
      provider.echoEncode = (v) => v;
    }
  });

  it('the provider sends neither code nor error', async () => {
    provider.authorizeMode = 'no_code';
    try {
      const { callback } = await toCallback();
      const r = await one(() => hop(callback));
      expect(alexaParams(r.res).get('error')).toBe('server_error');
      expect(codesOf(r.record)).toEqual(['callback_missing_code']);
    } finally {
      provider.authorizeMode = 'code';
    }
  });

  it('implicit grant: the adapter exchanges the code at /callback and puts the access token in the fragment', async () => {
    const { callback } = await toCallback('main', { client_id: PUBLIC_ID, response_type: 'token', code_challenge: undefined, code_challenge_method: undefined });
    const r = await one(() => hop(callback));
    expect(r.res.status).toBe(302);
    expect(new URL(r.res.location!).search).toBe('');
    const fragment = alexaParams(r.res, 'hash');
    expect(fragment.get('access_token')).toBe(C.accessOut);
    expect(fragment.get('state')).toBe(C.alexaState);
    expect(r.record).toMatchObject({ outcome: 'success', responseType: 'token', tokens: { accessTokenFp: fingerprint(C.accessOut) }, upstream: { outcome: 'answered', status: 200 } });

    // The provider refuses the implicit exchange and echoes the code and our verifier.
    provider.echoErrors = true;
    try {
      const { callback: cb2 } = await toCallback('main', { client_id: PUBLIC_ID, response_type: 'token', code_challenge: undefined, code_challenge_method: undefined });
      const bad = await one(() => hop(cb2));
      expect(alexaParams(bad.res, 'hash').get('error')).toBe('server_error');
      expect(bad.record.outcome).toBe('provider_error');
    } finally {
      provider.echoErrors = false;
    }
  });

  it('implicit grant answered in the query by the provider: moved to the fragment', async () => {
    provider.authorizeMode = 'implicit_query';
    try {
      const { callback } = await toCallback('queryImplicit', { response_type: 'token', code_challenge: undefined, code_challenge_method: undefined });
      expect(new URL(callback).searchParams.get('access_token')).toBe(C.accessOut);
      const r = await one(() => hop(callback));
      const fragment = alexaParams(r.res, 'hash');
      expect(fragment.get('access_token')).toBe(C.accessOut);
      expect(r.record).toMatchObject({ tokens: { accessTokenFp: fingerprint(C.accessOut) } });
      expect(codesOf(r.record)).toEqual(['implicit_params_moved_to_fragment']);
    } finally {
      provider.authorizeMode = 'code';
    }
  });

  it('/authorize refusals carrying Alexa\'s state and challenge: pages and redirects to Alexa', async () => {
    const cases: [Record<string, string | undefined>, number, string][] = [
      [{ redirect_uri: 'https://evil.example/api/skill/link/M2TESTVENDOR' }, 400, 'redirect_uri_not_alexa'],
      [{ redirect_uri: `https://layla.amazon.com/api/skill/link/OTHERVENDOR` }, 400, 'vendor_id_mismatch'],
      [{ client_id: undefined }, 400, 'authorize_invalid_request'],
      [{ response_type: 'id_token' }, 302, 'unsupported_response_type'],
      [{ code_challenge: 'short' }, 302, 'pkce_challenge_invalid'],
      [{ code_challenge_method: 'S512' }, 302, 'pkce_challenge_invalid'],
    ];
    for (const [params, status, verdict] of cases) {
      const r = await one(() => hop(alexaAuthorize('main', params)));
      expect(r.res.status).toBe(status);
      expect(codesOf(r.record)).toEqual([verdict]);
      if (status === 302) {
        expect(alexaParams(r.res).get('state')).toBe(C.alexaState);
        expect(r.record.alexaStateFp).toBe(fingerprint(C.alexaState));
      }
    }
    // A repeated state (both values canaries) and a malformed escape right after the state.
    const repeated = `${alexaAuthorize('main')}&state=${encodeURIComponent(`${C.alexaState}2`)}`;
    const rep = await one(() => hop(repeated));
    expect(rep.res.status).toBe(302);
    expect(codesOf(rep.record)).toEqual(['authorize_invalid_request']);
    const malformed = `${alexaAuthorize('main')}%zz`;
    const mal = await one(() => hop(malformed));
    expect(mal.res.status).toBe(400);
    expect(codesOf(mal.record)).toEqual(['authorize_invalid_request']);
  });

  it('state table unavailable on all three routes', async () => {
    const a = await one(() => hop(alexaAuthorize('deadStore')));
    expect(alexaParams(a.res).get('error')).toBe('temporarily_unavailable');
    expect(codesOf(a.record)).toEqual(['store_unavailable']);
    const state = randomBytes(32).toString('base64url');
    dynamic.add(state);
    const cb = await one(() => hop(`${adapters.deadStore.url}/callback?code=CANARYdeadcode-1&state=${state}`));
    expect(cb.res.status).toBe(400);
    expect(codesOf(cb.record)).toEqual(['store_unavailable']);
    const t = await token('deadStore', codeCall('CANARYdeadcode-2'));
    expect(t.res.status).toBe(503);
    expect(codesOf(t.record)[0]).toBe('store_unavailable');
  });
});

describe('refresh safety: canaries never reach the log', () => {
  const refresh = (rt: string, secret = C.clientSecret): TokenCall => ({
    scheme: 'basic',
    clientId: CONFIDENTIAL_ID,
    clientSecret: secret,
    params: { grant_type: 'refresh_token', refresh_token: rt },
  });
  const send = (adapter: keyof typeof adapters, rt: string, secret?: string) => alexaTokenRequest(adapters[adapter].url, refresh(rt, secret));
  let first: TokenAnswer;

  it('leader and followers (one provider call), then a grace replay, a bypass and the rotated token', async () => {
    provider.issueRefresh(C.refreshIn);
    provider.refreshDelayMs = 300;
    const calls = provider.refreshCalls;
    const { res, records } = await step(() => Promise.all(Array.from({ length: 6 }, () => send('main', C.refreshIn))), 6);
    expect(provider.refreshCalls - calls).toBe(1);
    first = res[0]!;
    for (const a of res) expect(a.json.access_token).toBe(first.json.access_token);
    const roles = records.map((r) => r.refresh.role);
    expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
    expect(roles.filter((r) => r === 'follower' || r === 'grace')).toHaveLength(5);
    for (const r of records) {
      expect(r.tokens).toMatchObject({ refreshTokenInFp: fingerprint(C.refreshIn), accessTokenFp: fingerprint(first.json.access_token as string), refreshTokenOutFp: fingerprint(first.json.refresh_token as string) });
    }
    provider.refreshDelayMs = 0;

    const grace = await token('main', refresh(C.refreshIn));
    expect(grace.res.json.refresh_token).toBe(first.json.refresh_token);
    expect(grace.record.refresh).toMatchObject({ role: 'grace', graceHit: true });
    expect(codesOf(grace.record)[0]).toBe('refresh_grace_served');

    const bypass = await token('main', refresh(C.refreshIn, `${C.clientSecret}-other`));
    expect(bypass.res.status).toBe(401);
    expect(bypass.record.refresh.role).toBe('bypass');

    const next = await token('main', refresh(first.json.refresh_token as string));
    expect(next.res.status).toBe(200);
    expect(next.record.refresh.role).toBe('leader');
  });

  it('a dead token: the provider\'s invalid_grant echoes it, shared by concurrent requests', async () => {
    const dead = 'CANARYdeadrefresh-9/+ z';
    dynamic.add(dead);
    provider.refreshDelayMs = 200;
    const { res, records } = await step(() => Promise.all(Array.from({ length: 3 }, () => send('main', dead))), 3);
    provider.refreshDelayMs = 0;
    for (const a of res) {
      expect(a.json.error).toBe('invalid_grant');
      expect(leaksIn(a.text).filter((l) => l !== 'CANARY marker')).toEqual([]);
    }
    for (const r of records) expect(codesOf(r)).toContain('refresh_rejected');
  });

  it('a crashed leader is taken over; a waiter past its deadline answers 503 (timeout)', async () => {
    const t1 = `${C.refreshIn}-takeover`;
    provider.issueRefresh(t1);
    await store.put({ pk: refreshItemKey(t1), sk: 'flight', status: 'in_progress', owner: 'crashed', inProgressUntil: Date.now() + 500, expiresAt: Math.ceil(Date.now() / 1000) + 2 });
    const took = await token('main', refresh(t1));
    expect(took.res.status).toBe(200);
    expect(took.record.refresh).toMatchObject({ role: 'leader', tookOver: true });

    const t2 = `${C.refreshIn}-timeout`;
    provider.issueRefresh(t2);
    await store.put({ pk: refreshItemKey(t2), sk: 'flight', status: 'in_progress', owner: 'slow', inProgressUntil: Date.now() + 20_000, expiresAt: Math.ceil(Date.now() / 1000) + 30 });
    const late = await token('short', refresh(t2));
    expect(late.res.status).toBe(503);
    expect(late.record.refresh.role).toBe('timeout');
    expect(late.record.tokens.refreshTokenInFp).toBe(fingerprint(t2));
    expect(codesOf(late.record)[0]).toBe('refresh_single_flight_timeout');
  });

  it('degraded (state table unreachable): success and an echoed invalid_grant', async () => {
    const t = `${C.refreshIn}-degraded`;
    provider.issueRefresh(t);
    const ok = await token('deadStore', refresh(t));
    expect(ok.res.status).toBe(200);
    expect(ok.record.refresh).toMatchObject({ role: 'degraded', degraded: true });
    expect(ok.record.tokens.accessTokenFp).toBe(fingerprint(ok.res.json.access_token as string));
    const again = await token('deadStore', refresh(t));
    expect(again.res.json.error).toBe('invalid_grant');
    expect(codesOf(again.record)).toEqual(expect.arrayContaining(['refresh_rejected', 'refresh_store_degraded']));
  });
});

describe('after the run', () => {
  it('nothing written to stdout or stderr holds a canary; every request left exactly one record', () => {
    const out = captured.join('');
    const lines = recordLines();
    expect(lines).toHaveLength(requests);
    expect(requests).toBeGreaterThan(50);
    const records = lines.map((l) => JSON.parse(l) as Rec);
    const routes = new Set(records.map((r) => r.route));
    expect([...routes].sort()).toEqual(['GET /authorize', 'GET /callback', 'POST /token']);
    // The documented fingerprints are there (so the leak check had something to look at).
    expect(records.filter((r) => r.alexaStateFp === fingerprint(C.alexaState)).length).toBeGreaterThan(20);
    expect(records.filter((r) => r.route === 'GET /callback' && typeof r.codeFp === 'string').length).toBeGreaterThan(10);
    expect(out).toContain(fingerprint(C.accessOut));
    expect(out).toContain(fingerprint(C.refreshIn));
    expect(dynamic.size).toBeGreaterThan(40);
    expect(leaksIn(out)).toEqual([]);
  });

  it('the table holds none of the values in clear, base64 or hex', async () => {
    const { items, text: dump } = await tableDump(ddb().client(), TABLE);
    // Not vacuous: grants, code links, used markers and sealed refresh answers are there.
    const kinds = new Set(items.map((i) => i.pk!.S!.split('#')[0]));
    expect([...kinds].sort()).toEqual(['code-link', 'grant', 'refresh']);
    expect(items.filter((i) => i.payload?.B !== undefined).length).toBeGreaterThan(3);
    for (const s of secrets()) {
      const b = Buffer.from(s, 'utf8');
      for (const form of [s, encodeURIComponent(s), b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase()]) {
        expect(dump.includes(form), `a stored item holds ${s.slice(0, 16)}…`).toBe(false);
      }
    }
    expect(dump).not.toMatch(/canary/i);
    expect(dump).not.toContain(ALEXA_REDIRECT);
  });
});
