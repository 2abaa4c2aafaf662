/**
 * lambda/core/token-exchange.ts on its own: `exchangeToken`, `rejectRoute` and `adapterFailure`
 * called directly (no handler, no API Gateway stand-in), against a provider on loopback and, where
 * the route needs one, a state table on DynamoDB Local. The clock is injected and moves only when
 * the provider answers (+40 ms), so the record's timing is exact.
 *
 * What the hub itself owns is asserted here: the record's envelope and fields, where the time went,
 * the order of the verdicts (the translation's or the guard's first, then the hub's own notes), the
 * secrets it hands the translation to scrub, a refusal before the provider (parse errors, the code
 * link), the refresh guard's outcome merged into the record, and the two last-resort answers.
 * How an answer is translated is translate*.test.ts; the routes over HTTP are test/http.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCodeLink } from '../../lambda/core/authorize/grant-store';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { deploymentKeyStatus } from '../../lambda/core/deployment-key';
import { fingerprint, publicFingerprint } from '../../lambda/core/fingerprint';
import type { HttpRequest } from '../../lambda/core/http-types';
import { selectProfile } from '../../lambda/core/profiles/resolve';
import { adapterFailure, exchangeToken, rejectRoute, type TokenExchangeDeps } from '../../lambda/core/token-exchange';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { StateStore } from '../../lambda/store/state-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { rfcBasic } from '../support/fake-alexa';
import { startFakeServer, type FakeServer, type ReceivedRequest } from '../support/fake-server';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const PROVIDER_MS = 40;
const CLIENT = { id: 'skill-client', secret: 'skill-secret-0123456789' };
const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

const ddb = useDynamoDbLocal();
let clock = T0;
const now = () => clock;
/** What the provider answers next; it moves the clock by PROVIDER_MS when it does. */
let next: (req: ReceivedRequest, res: ServerResponse) => void;
let provider: FakeServer;
let store: StateStore;

beforeAll(async () => {
  provider = await startFakeServer((req, res) => {
    clock += PROVIDER_MS;
    next(req, res);
  });
  const table = `token-exchange-${randomUUID()}`;
  await createStateTable(ddb().client(), table);
  store = new DynamoDbStateStore({ tableName: table, client: ddb().client(), nowSeconds: () => Math.floor(now() / 1000) });
});
afterAll(async () => {
  await provider.close();
});

const json = (status: number, body: unknown) => (_req: ReceivedRequest, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const tokens = (n: string) => json(200, { access_token: `at-${n}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-${n}` });

function deps(over: Record<string, unknown> = {}, withStore = false): TokenExchangeDeps {
  const config = parseRuntimeConfig({ provider: 'generic', tokenUrl: `${provider.tokenUrl}?tenant=x`, ...over }, 'test');
  return { config, profile: selectProfile(config).profile!, now, ...(withStore ? { store: () => Promise.resolve(store) } : {}) };
}

/** Alexa's token request: a form POST with HTTP Basic (or `headers`/`body` as given). */
function request(params: Record<string, string>, over: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    path: '/prod/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: rfcBasic(CLIENT.id, CLIENT.secret) },
    body: new TextEncoder().encode(new URLSearchParams(params).toString()),
    requestId: 'req-1',
    ...over,
  };
}

const codes = (r: { verdicts: { code: string }[] }) => r.verdicts.map((v) => v.code);

describe('exchangeToken', () => {
  it('a code exchange: the envelope, the provider call, the tokens as fingerprints, where the time went', async () => {
    clock = T0;
    next = tokens('1');
    const { answer, record } = await exchangeToken(request({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: ALEXA_REDIRECT, extra: 'x' }), deps());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 });
    expect(record).toMatchObject({
      type: 'alexa-link-adapter.exchange',
      v: 2,
      time: '2026-11-25T10:00:00.000Z',
      requestId: 'req-1',
      fpKey: deploymentKeyStatus().id,
      route: 'POST /token',
      method: 'POST',
      path: '/prod/token',
      provider: 'generic',
      grantType: 'authorization_code',
      clientAuth: 'basic',
      clientIdFp: publicFingerprint(CLIENT.id),
      // The configured URL without its query string.
      upstream: { url: provider.tokenUrl, method: 'POST', outcome: 'answered', status: 200, format: 'json', latencyMs: PROVIDER_MS },
      tokens: { codeFp: fingerprint('code-1'), codeVerifierPresent: false, accessTokenFp: fingerprint('at-1'), refreshTokenOutFp: fingerprint('rt-1'), expiresIn: 3600 },
      response: { status: 200 },
      outcome: 'success',
      // The clock moved only while the provider answered: all of the time was the provider's.
      timing: { totalMs: PROVIDER_MS, upstreamMs: PROVIDER_MS, ownMs: 0, deadlineMs: 4250 },
    });
    // The translation's verdicts first, then the hub's own notes, in the order the request met them.
    expect(codes(record)).toEqual(['ok', 'alexa_auth_basic', 'parameters_dropped']);
    expect(record.verdicts[2]!.message).toBe('parameters RFC 6749 does not define for authorization_code were not forwarded: other');
    // What was not forwarded did not reach the provider.
    expect(provider.last().body).toEqual({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: ALEXA_REDIRECT });
  });

  it('a request refused before the provider: what was learned is recorded, the provider is not called', async () => {
    clock = T0;
    const calls = provider.received.length;
    const { answer, record } = await exchangeToken(request({ grant_type: 'authorization_code', redirect_uri: ALEXA_REDIRECT }), deps());
    expect(provider.received.length).toBe(calls);
    expect(answer.status).toBe(400);
    expect(record).toMatchObject({
      outcome: 'rejected',
      grantType: 'authorization_code',
      clientAuth: 'basic',
      clientIdFp: publicFingerprint(CLIENT.id),
      upstream: { outcome: 'not_called' },
      response: { status: 400, error: 'invalid_request', errorDescription: 'code is required for grant_type authorization_code' },
      timing: { totalMs: 0, upstreamMs: 0, ownMs: 0 },
    });
    expect(record.verdicts).toEqual([{ code: 'missing_parameter', severity: 'error', message: 'the request was refused before reaching the provider: code is required for grant_type authorization_code' }]);
  });

  it('a shorter Lambda remaining time shortens the deadline the record reports', async () => {
    clock = T0;
    next = tokens('2');
    const { record } = await exchangeToken(request({ grant_type: 'authorization_code', code: 'code-2', redirect_uri: ALEXA_REDIRECT }), deps(), { remainingMs: 1000 });
    expect(record.timing.deadlineMs).toBe(750);
  });

  it('time spent before the core (the deployment key read on a cold instance) counts against Alexa\'s 4.5 s', async () => {
    clock = T0;
    next = tokens('3');
    // The invocation arrived 1,200 ms before the core started; Lambda's remaining time is read now.
    const { answer, record } = await exchangeToken(request({ grant_type: 'authorization_code', code: 'code-3', redirect_uri: ALEXA_REDIRECT }), deps(), { receivedAt: T0 - 1200, remainingMs: 3800 });
    expect(answer.status).toBe(200);
    expect(record.time).toBe(new Date(T0 - 1200).toISOString());
    // Alexa's bound (4,250 ms from the arrival) comes before the Lambda's (1,200 + 3,800 − 250 = 4,750 ms).
    expect(record.timing).toMatchObject({ deadlineMs: 4250, totalMs: 1200 + PROVIDER_MS, upstreamMs: PROVIDER_MS });
    // The Lambda's bound is measured from now, not from the arrival: it wins when it ends first.
    clock = T0;
    next = tokens('4');
    const short = await exchangeToken(request({ grant_type: 'authorization_code', code: 'code-4', redirect_uri: ALEXA_REDIRECT }), deps(), { receivedAt: T0 - 1200, remainingMs: 2000 });
    expect(short.record.timing.deadlineMs).toBe(1200 + 2000 - 250);
  });

  it('hands the translation every secret of the request: a provider echoing them gets none into the answer or the record', async () => {
    clock = T0;
    const verifier = 'verifier-0123456789abcdef0123456789abcdef01234';
    next = (req, res) => json(400, { error: 'invalid_grant', error_description: `bad ${req.body.code} with ${req.body.code_verifier} for ${req.basic?.clientSecret}` })(req, res);
    const { answer, record } = await exchangeToken(request({ grant_type: 'authorization_code', code: 'code-echoed-0123456789', redirect_uri: ALEXA_REDIRECT, code_verifier: verifier }), deps());
    const seen = `${answer.body}\n${JSON.stringify(record)}`;
    for (const secret of ['code-echoed-0123456789', verifier, CLIENT.secret]) expect(seen).not.toContain(secret);
    expect(record).toMatchObject({ outcome: 'provider_error', tokens: { codeVerifierPresent: true }, response: { status: 400, error: 'invalid_grant' } });
    expect(codes(record)).toEqual(['code_rejected', 'alexa_auth_basic']);
  });

  it('interception mode: a code link that refuses the request puts its link id and its verdict before the notes; the provider is not called', async () => {
    clock = T0;
    const code = `code-linked-${randomUUID()}`;
    await putCodeLink(store, code, 'lk_unit', { alexaRedirectUri: ALEXA_REDIRECT, clientId: CLIENT.id, providerRedirectUri: 'https://adapter.example/callback' }, 600, now());
    const calls = provider.received.length;
    const { answer, record } = await exchangeToken(
      request({ grant_type: 'authorization_code', code, redirect_uri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR' }),
      deps({ mode: 'interception', authorizeUrl: `${provider.url}/authorize` }, true),
    );
    expect(provider.received.length).toBe(calls);
    expect(answer.status).toBe(400);
    expect(record).toMatchObject({ linkId: 'lk_unit', outcome: 'rejected', upstream: { outcome: 'not_called' }, response: { error: 'invalid_grant' } });
    expect(codes(record)).toEqual(['redirect_uri_mismatch', 'alexa_auth_basic']);
    // The table calls are counted in the timing.
    expect(record.timing.storeCalls).toBeGreaterThanOrEqual(1);
  });

  it('a refresh with a state table: the guard\'s role and verdicts come first, a replay in the grace window is served without the provider', async () => {
    clock = T0;
    next = tokens('r1');
    const refresh = () => exchangeToken(request({ grant_type: 'refresh_token', refresh_token: `rt-presented-${T0}` }), deps({}, true));
    const first = await refresh();
    expect(first.record).toMatchObject({ outcome: 'success', refresh: { role: 'leader', graceHit: false }, upstream: { outcome: 'answered' }, tokens: { refreshTokenInFp: fingerprint(`rt-presented-${T0}`) } });
    expect(codes(first.record)).toEqual(['refresh_token_rotated', 'ok', 'alexa_auth_basic']);
    clock += 2000;
    const calls = provider.received.length;
    const replay = await refresh();
    expect(provider.received.length).toBe(calls);
    expect(JSON.parse(replay.answer.body)).toMatchObject({ access_token: 'at-r1', refresh_token: 'rt-r1', expires_in: 3598 });
    expect(replay.record).toMatchObject({
      outcome: 'success',
      refresh: { role: 'grace', graceHit: true, cachedAgeS: 2 },
      upstream: { outcome: 'not_called' },
      tokens: { refreshTokenInFp: fingerprint(`rt-presented-${T0}`), accessTokenFp: fingerprint('at-r1') },
      translated: ['answer served from the refresh cache', 'expires_in 3600 → 3598 (cached answer is 2 s old)'],
    });
    expect(codes(replay.record)).toEqual(['refresh_grace_served', 'refresh_token_rotated', 'ok', 'alexa_auth_basic']);
  });
});

describe('rejectRoute and adapterFailure', () => {
  it('a path the adapter does not serve: 404, route unmatched, unknown_route', () => {
    clock = T0;
    const { answer, record } = rejectRoute(request({}, { path: '/prod/oauth/token2' }), deps());
    expect(answer.status).toBe(404);
    expect(record).toMatchObject({ route: 'unmatched', path: '/prod/oauth/token2', outcome: 'rejected', response: { status: 404, error: 'invalid_request' } });
    expect(record.verdicts).toEqual([{ code: 'unknown_route', severity: 'error', message: "nothing is served at /prod/oauth/token2; the console's Access Token URI must end in /token" }]);
  });

  it('an unexpected exception: 500 server_error, and only the error\'s class name in the record', () => {
    clock = T0;
    const { answer, record } = adapterFailure(request({}), deps(), new RangeError(`boom with ${CLIENT.secret}`));
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 'server_error', error_description: 'the adapter failed unexpectedly' });
    expect(record).toMatchObject({ route: 'POST /token', outcome: 'adapter_error', response: { status: 500, error: 'server_error' } });
    expect(record.verdicts).toEqual([{ code: 'adapter_error', severity: 'error', message: 'the adapter failed unexpectedly (RangeError); this is a bug, please report it' }]);
    expect(JSON.stringify(record)).not.toContain(CLIENT.secret);
  });
});
