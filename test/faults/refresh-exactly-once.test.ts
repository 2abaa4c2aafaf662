/**
 * The refresh-safety and 4.5 s promises under the faults a deployment meets, through real parts:
 * two instances of the real token handler as separate OS processes (handler-process.ts), their
 * DynamoDB calls going through a latency/throttle-injecting proxy (dynamodb-proxy.ts) in front of
 * Amazon's DynamoDB Local, and a provider whose refresh tokens are single use (fake-rotating.ts),
 * configured as the built-in `fitbit` profile (refresh.rotation single_use).
 *
 * For every fault: the provider sees at most one call per refresh token (exactly one wherever the
 * leader's own marker write is left alone), and every answer reaches the client within Alexa's
 * 4.5 s of the moment it sent the request (which is earlier than the invocation start, so stricter). A request that cannot coordinate answers 503
 * temporarily_unavailable and leaves the token unspent. Reusable-token providers (`generic`) still
 * degrade to an uncoordinated call.
 *
 * Timing assertions: the deadline the code keeps is 4.25 s from the invocation start; the client's
 * bound is Alexa's 4.5 s. The 250 ms between them absorbs the loopback hop and a loaded machine.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { ALEXA_TOKEN_DEADLINE_MS, ANSWER_MARGIN_MS } from '../../lambda/core/deadline';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { startDynamoDbProxy, type DynamoDbProxy, type FaultRule } from '../support/dynamodb-proxy';
import { alexaTokenRequest, verdictCodes } from '../support/fake-alexa';
import { startFakeRotating, type FakeRotating } from '../support/fake-rotating';
import { startHandlerProcess, type HandlerProcess } from '../support/handler-process';

const CLIENT_ID = 'fitbit-client';
const CLIENT_SECRET = `canary-secret-${randomBytes(8).toString('hex')}`;
const TABLE = 'state';
const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

const ddb = useDynamoDbLocal();
let proxy: DynamoDbProxy;
let provider: FakeRotating;
/** Two instances of the token function, single-use profile (fitbit), interception mode. */
let a: HandlerProcess;
let b: HandlerProcess;
const stopLater: HandlerProcess[] = [];

const singleUseConfig = () => ({
  provider: 'fitbit',
  tokenUrl: provider.tokenUrl,
  authorizeUrl: 'https://www.fitbit.com/oauth2/authorize',
  mode: 'interception',
  refreshGraceSeconds: 600,
});

interface Timed {
  status: number;
  json: Record<string, unknown>;
  /** From the moment the client sent the request until the whole answer arrived. */
  ms: number;
}

async function timed(call: Promise<{ status: number; json: Record<string, unknown> }>): Promise<Timed> {
  const t0 = performance.now();
  const res = await call;
  return { status: res.status, json: res.json, ms: performance.now() - t0 };
}

const refresh = (instance: HandlerProcess, refreshToken: string) =>
  timed(alexaTokenRequest(instance.url, { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: { grant_type: 'refresh_token', refresh_token: refreshToken } }));

const newToken = () => {
  const t = `canary-rt0-${randomBytes(12).toString('hex')}`;
  provider.issue(t);
  return t;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** The records an instance wrote from now on. */
const recordsFrom = (p: HandlerProcess) => {
  const from = p.records.length;
  return () => p.records.slice(from);
};
/** Faults only for the refresh items (the grace/single-flight key), counted from the moment the rule is set. */
function onRefreshItems(fault: (call: { op: string; nth: number; sinceMs: number }) => ReturnType<FaultRule>): FaultRule {
  const t0 = Date.now();
  let nth = 0;
  return (call) => (call.pk?.startsWith('refresh#') ? fault({ op: call.op, nth: ++nth, sinceMs: Date.now() - t0 }) : undefined);
}
const ALEXA_MS = ALEXA_TOKEN_DEADLINE_MS;

/** One refresh on instance A, and `lagMs` later one with the same token on instance B; B's record. */
async function race(t: string, lagMs: number) {
  const bRecords = recordsFrom(b);
  const first = refresh(a, t);
  await sleep(lagMs);
  const [r1, r2] = await Promise.all([first, refresh(b, t)]);
  return { r1, r2, bRecord: bRecords()[0] };
}

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  proxy = await startDynamoDbProxy(ddb().endpoint);
  provider = await startFakeRotating({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  [a, b] = await Promise.all([0, 1].map(() => startHandlerProcess({ config: singleUseConfig(), tableName: TABLE, dynamoDbEndpoint: proxy.endpoint })));
  // Warm each instance (module load, SDK client, connection pool), as a warm Lambda would be.
  for (const p of [a, b]) expect((await refresh(p, newToken())).status).toBe(200);
}, 90_000);
afterAll(async () => {
  await Promise.allSettled([a, b, ...stopLater].filter(Boolean).map((p) => p.stop()));
  await proxy?.close();
  await provider?.close();
});
beforeEach(() => {
  proxy.setRule(undefined);
  provider.delayMs = 150;
});

describe('single-use refresh tokens across two instances: never spent twice', () => {
  it('a slow poll (1.2 s, past the 1 s store bound) does not make the waiting instance call the provider', async () => {
    const t = newToken();
    provider.delayMs = 800;
    proxy.setRule(onRefreshItems(({ op }) => (op === 'GetItem' ? { delayMs: 1200 } : undefined)));
    const { r1, r2, bRecord: rec } = await race(t, 150);
    expect(provider.callsWith(t)).toBe(1);
    expect(r1.status).toBe(200);
    // Every poll of the second instance was cut at the store bound: it could not learn the answer.
    expect(r2.status).toBe(503);
    expect(r2.json).toEqual({ error: 'temporarily_unavailable', error_description: 'a refresh with this refresh token is in progress; the refresh token was not used by this request, retry shortly' });
    expect(rec).toMatchObject({ refresh: { role: 'timeout' }, upstream: { outcome: 'not_called' } });
    expect(rec!.refresh!.storeError).toMatch(/no answer within/);
    expect(verdictCodes(rec)[0]).toBe('refresh_single_flight_timeout');
    for (const r of [r1, r2]) expect(r.ms).toBeLessThan(ALEXA_MS);
    // The token is spent once: the new one works, on either instance.
    proxy.setRule(undefined);
    expect((await refresh(b, r1.json.refresh_token as string)).status).toBe(200);
  });

  it('polls slower than usual but inside the bound: the waiting instance serves the leader\'s answer', async () => {
    const t = newToken();
    provider.delayMs = 600;
    proxy.setRule(onRefreshItems(({ op }) => (op === 'GetItem' ? { delayMs: 400 } : undefined)));
    const { r1, r2, bRecord } = await race(t, 100);
    expect(provider.callsWith(t)).toBe(1);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r2.json.refresh_token).toBe(r1.json.refresh_token);
    expect(bRecord!.refresh!.role).toBe('follower');
    for (const r of [r1, r2]) expect(r.ms).toBeLessThan(ALEXA_MS);
  });

  it('the second instance\'s first store call is slow (its marker write answers after 1.5 s): 503, not an uncoordinated call', async () => {
    const t = newToken();
    provider.delayMs = 600;
    // 1st write: A's marker (fast); 2nd: B's marker, DynamoDB answers it late; the rest: A's answer.
    proxy.setRule(onRefreshItems(({ op, nth }) => (op === 'PutItem' && nth === 2 ? { answerDelayMs: 1500 } : undefined)));
    const { r1, r2, bRecord: rec } = await race(t, 100);
    expect(provider.callsWith(t)).toBe(1);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(503);
    expect(r2.json.error).toBe('temporarily_unavailable');
    expect(rec).toMatchObject({ outcome: 'upstream_error', refresh: { role: 'refused', degraded: true }, upstream: { outcome: 'not_called' }, response: { status: 503 } });
    expect(verdictCodes(rec)[0]).toBe('refresh_not_coordinated');
    expect(rec!.verdicts[0]!.message).toContain('single use');
    for (const r of [r1, r2]) expect(r.ms).toBeLessThan(ALEXA_MS);
  });

  it('the table resets the connection: 503 refresh_not_coordinated, the token stays live for the retry', async () => {
    const t = newToken();
    proxy.setRule(onRefreshItems(() => ({ reset: true })));
    const bRecords = recordsFrom(b);
    const r = await refresh(b, t);
    expect(provider.callsWith(t)).toBe(0);
    expect(r.status).toBe(503);
    expect(r.json.error_description).toBe('the adapter\'s state table is unavailable; the refresh token was not used, retry shortly');
    expect(bRecords()[0]).toMatchObject({ refresh: { role: 'refused', degraded: true } });
    proxy.setRule(undefined);
    expect((await refresh(b, t)).status).toBe(200);
    expect(provider.callsWith(t)).toBe(1);
  });

  for (const error of ['ProvisionedThroughputExceededException', 'ThrottlingException'] as const) {
    it(`a throttled hot key (${error} for 1.5 s): 12 concurrent refreshes on two instances, one provider call, every answer inside 4.5 s`, async () => {
      const t = newToken();
      provider.delayMs = 400;
      // The first write on the key (the leader's marker) goes through; everything else is throttled for 1.5 s.
      proxy.setRule(onRefreshItems(({ nth, sinceMs }) => (nth > 1 && sinceMs < 1500 ? { error } : undefined)));
      const records = [recordsFrom(a), recordsFrom(b)];
      const first = refresh(a, t);
      await sleep(30);
      const answers = await Promise.all([first, ...Array.from({ length: 11 }, (_, i) => refresh(i % 2 ? a : b, t))]);
      // At most one call. Zero only if the leader's own marker write (let through) took longer than the
      // 1 s store bound on a starved machine: then it, too, answered 503 without spending the token.
      const calls = provider.callsWith(t);
      expect(calls).toBeLessThanOrEqual(1);
      const ok = answers.filter((r) => r.status === 200);
      if (calls === 1) expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(new Set(ok.map((r) => r.json.refresh_token)).size).toBeLessThanOrEqual(1);
      for (const r of answers) {
        expect([200, 503]).toContain(r.status);
        expect(r.ms).toBeLessThan(ALEXA_MS);
      }
      const recs = records.flatMap((f) => f());
      expect(recs).toHaveLength(12);
      expect(recs.filter((r) => r.upstream.outcome !== 'not_called')).toHaveLength(calls);
      expect(recs.filter((r) => r.refresh?.role === 'degraded' || r.refresh?.role === 'bypass')).toEqual([]);
      expect(proxy.calls.some((c) => c.fault?.error === error)).toBe(true);
    });
  }
});

describe('one deadline: every answer inside 4.5 s when the table is slow', () => {
  it('350 ms per store call and a provider answering in 3.6 s: the refresh leader answers inside 4.5 s and says where the time went', async () => {
    const t = newToken();
    provider.delayMs = 3600;
    proxy.setRule(() => ({ delayMs: 350 }));
    const aRecords = recordsFrom(a);
    const r = await refresh(a, t);
    expect(r.ms).toBeLessThan(ALEXA_MS);
    expect(provider.callsWith(t)).toBeLessThanOrEqual(1);
    const [rec] = aRecords();
    expect(rec!.timing.deadlineMs).toBe(ALEXA_MS - ANSWER_MARGIN_MS);
    expect(rec!.timing.totalMs).toBeLessThanOrEqual(ALEXA_MS);
    expect(rec!.timing.storeCalls).toBeGreaterThanOrEqual(1);
    expect(rec!.timing.storeMs).toBeGreaterThanOrEqual(300);
    if (r.status === 200) {
      // The answer write could not finish inside the deadline: skipped or left undone, and said so.
      expect([...(rec!.timing.writesUndone ?? []), ...(rec!.timing.writesSkipped ?? [])]).toEqual(['refresh_answer']);
    } else if (rec!.refresh?.role === 'refused') {
      // A starved machine: the marker write itself took longer than the 1 s bound; nothing was spent.
      expect(provider.callsWith(t)).toBe(0);
    } else {
      // A machine too loaded for 3.6 s + store time: the provider call was cut at the deadline instead.
      expect(rec!.upstream.outcome).toBe('timeout');
    }
    const { totalMs, upstreamMs, ownMs, storeMs = 0, waitMs = 0 } = rec!.timing;
    expect(upstreamMs + storeMs + waitMs + ownMs).toBe(totalMs);
  });

  it('interception mode, a code that never went through /callback: one store read, no sleeps, then the provider (3.6 s) inside 4.5 s', async () => {
    const code = `canary-code-${randomBytes(8).toString('hex')}`;
    provider.issueCode(code);
    provider.delayMs = 3600;
    proxy.setRule(() => ({ delayMs: 350 }));
    const aRecords = recordsFrom(a);
    const r = await timed(
      alexaTokenRequest(a.url, { scheme: 'basic', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT } }),
    );
    expect(r.ms).toBeLessThan(ALEXA_MS);
    const [rec] = aRecords() as ExchangeRecord[];
    expect(rec!.timing).toMatchObject({ storeCalls: 1 });
    expect(rec!.timing.storeMs).toBeLessThan(1000);
    // 350 ms + 3.6 s fit the deadline: a success, unless a starved machine pushed the provider past it.
    if (r.status !== 200) expect(rec!.upstream.outcome).toBe('timeout');
    else expect(rec!.upstream.latencyMs).toBeGreaterThanOrEqual(3600);
    expect(verdictCodes(rec)).not.toContain('code_via_callback');
  });
});

describe('reusable refresh tokens (generic profile): degrading to an uncoordinated call stays allowed', () => {
  it('the table resets every connection: the refresh goes to the provider, the record says degraded', async () => {
    const c = await startHandlerProcess({ config: { provider: 'generic', tokenUrl: provider.tokenUrl }, tableName: TABLE, dynamoDbEndpoint: proxy.endpoint });
    stopLater.push(c);
    const t = newToken();
    proxy.setRule(onRefreshItems(() => ({ reset: true })));
    const cRecords = recordsFrom(c);
    const r = await refresh(c, t);
    expect(r.status).toBe(200);
    expect(provider.callsWith(t)).toBe(1);
    const [rec] = cRecords();
    expect(rec).toMatchObject({ refresh: { role: 'degraded', degraded: true }, upstream: { outcome: 'answered', status: 200 } });
    expect(verdictCodes(rec)).toContain('refresh_store_degraded');
  });
});
