/**
 * Refresh safety through the real token handler over HTTP, on Amazon's DynamoDB Local, in front of a
 * provider with single-use rotating refresh tokens (GitHub Apps, Fitbit): single-flight, rotation
 * grace, the window's end, a crashed leader, the wait deadline, degrade when DynamoDB goes away, and
 * a scan of the table for secrets and TTLs. The adapter's profile says the tokens are single use (a
 * custom profile on `generic`), as the provider's are; the degrade tests use plain `generic`
 * (`rotating`: reusable tokens), the only kind that may call the provider without coordination.
 * Tokens that never change (`none`) touch no table at all.
 */
import { randomBytes } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../cli/records';
import { diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { fingerprint } from '../../lambda/core/fingerprint';
import { LEADER_VERDICT, refreshItemKey } from '../../lambda/core/refresh-guard';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { StateStore } from '../../lambda/store/state-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { createStateTable } from '../../local/table-definition';
import { dynamoDbClient, startDynamoDbLocal, useDynamoDbLocal } from '../support/dynamodb-local';
import { alexaTokenRequest, tokenHeadersOf, verdictCodes, type TokenAnswer } from '../support/fake-alexa';
import { startDynamoDbProxy, type DynamoDbProxy } from '../support/dynamodb-proxy';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import { startFakeRotating, type FakeRotating } from '../support/fake-rotating';
import { readBack } from '../support/read-back';

const CLIENT_ID = 'Iv1.rotating-client';
const CLIENT_SECRET = `canary-secret-${randomBytes(8).toString('hex')}`;
const TABLE = 'state';
const GRACE = 600;
/** The profile of a provider with single-use refresh tokens (README "Refresh safety"). */
const SINGLE_USE = { provider: 'rotating-test', profile: { extends: 'generic', refresh: { rotation: 'single_use' } } };
/** A profile that says the provider's refresh tokens never change. */
const NEVER_ROTATES = { provider: 'constant-test', profile: { extends: 'generic', refresh: { rotation: 'none' } } };

const ddb = useDynamoDbLocal();
let provider: FakeRotating;
const running: RunningServer[] = [];
/** Every record of every adapter in this file, for the secret check at the end. */
const allRecords: ExchangeRecord[] = [];

interface Adapter {
  url: string;
  records: ExchangeRecord[];
}

/** The adapter over HTTP with its own records; `clockOffsetS` moves the store's clock (the window's end). */
async function adapterOn(store: () => Promise<StateStore>, config: Record<string, unknown> = {}): Promise<Adapter> {
  const records: ExchangeRecord[] = [];
  const server = await startLocalAdapter({
    config: parseRuntimeConfig({ provider: 'generic', tokenUrl: provider.tokenUrl, ...config }, 'test'),
    log: (r) => {
      records.push(readBack<ExchangeRecord>(r));
      // As written, for the secret check at the end.
      allRecords.push(r as ExchangeRecord);
    },
    store,
  });
  running.push(server);
  return { url: server.url, records };
}

const tableStore = (clockOffsetS = 0) => {
  const store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => Math.floor(Date.now() / 1000) + clockOffsetS });
  return () => Promise.resolve<StateStore>(store);
};

const refresh = (url: string, refreshToken: string, creds: { clientId?: string; clientSecret?: string } = {}): Promise<TokenAnswer> =>
  alexaTokenRequest(url, {
    scheme: 'basic',
    clientId: creds.clientId ?? CLIENT_ID,
    clientSecret: creds.clientSecret ?? CLIENT_SECRET,
    params: { grant_type: 'refresh_token', refresh_token: refreshToken },
  });

const newToken = () => {
  const t = `canary-rt0-${randomBytes(12).toString('hex')}`;
  provider.issue(t);
  return t;
};

let adapter: Adapter;

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  provider = await startFakeRotating({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  adapter = await adapterOn(tableStore(), { ...SINGLE_USE, refreshGraceSeconds: GRACE });
  // Warm the JVM and the connection pool so the first test is not the one paying for it.
  await refresh(adapter.url, newToken());
});
afterAll(async () => {
  await Promise.allSettled(running.map((s) => s.close()));
  await provider?.close();
});
beforeEach(() => {
  adapter.records.length = 0;
  provider.delayMs = 150;
});

describe('single-flight and rotation grace (single-use refresh tokens)', () => {
  let token: string;
  let first: Record<string, unknown>;

  it('50 concurrent refreshes with one token: one provider call, 50 identical answers', async () => {
    token = newToken();
    const before = provider.refreshCalls();
    provider.delayMs = 300;
    const answers = await Promise.all(Array.from({ length: 50 }, () => refresh(adapter.url, token)));
    expect(provider.refreshCalls() - before).toBe(1);
    // A 503 is allowed only where the table itself outlived its 1 s bound (a starved machine): the
    // request then could not coordinate and left the token alone. Otherwise every answer is the leader's.
    const ok = answers.filter((a) => a.status === 200);
    const refused = adapter.records.filter((r) => r.response.status !== 200);
    expect(ok.length + refused.length).toBe(50);
    for (const r of refused) expect(r).toMatchObject({ response: { status: 503 }, refresh: { storeError: expect.any(String) } });
    for (const a of ok) expect(tokenHeadersOf(a.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
    first = ok[0]!.json;
    expect(first).toMatchObject({ token_type: 'Bearer', expires_in: 28800 });
    expect(first.refresh_token).toMatch(/^canary-rt-/);
    expect(first.refresh_token).not.toBe(token);
    // Identical: the same access and refresh token for all; expires_in only ever counts down. The
    // cache keeps only RFC 6749 §5.1's members (the members Alexa reads): here not the provider's
    // refresh_token_expires_in, which only the leader's answer carries.
    const strip = ({ expires_in: _e, refresh_token_expires_in: _r, ...rest }: Record<string, unknown>) => rest;
    for (const a of ok) expect(strip(a.json)).toEqual(strip(first));
    expect(ok.filter((a) => 'refresh_token_expires_in' in a.json)).toHaveLength(1);
    for (const a of ok) expect(a.json.expires_in as number).toBeLessThanOrEqual(28800);

    expect(adapter.records).toHaveLength(50);
    const roles = adapter.records.map((r) => r.refresh?.role);
    expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
    expect(roles.filter((r) => r === 'follower' || r === 'grace')).toHaveLength(ok.length - 1);
    const leader = adapter.records.find((r) => r.refresh?.role === 'leader')!;
    expect(leader).toMatchObject({ outcome: 'success', upstream: { outcome: 'answered', status: 200 }, refresh: { graceHit: false, degraded: false } });
    expect(verdictCodes(leader)).toContain('refresh_token_rotated');
    const follower = adapter.records.find((r) => r.refresh?.role === 'follower')!;
    expect(follower).toMatchObject({
      outcome: 'success',
      upstream: { outcome: 'not_called' },
      tokens: { refreshTokenInFp: fingerprint(token), refreshTokenOutFp: fingerprint(first.refresh_token as string), accessTokenFp: fingerprint(first.access_token as string) },
    });
    expect(verdictCodes(follower)[0]).toBe('refresh_single_flight_follower');
    expect(follower.translated).toContain('answer served from the refresh cache');
    expect(follower.translated).toContain('members other than RFC 6749 §5.1\'s were not kept in the cache');
    // The leader's verdicts by code; their prose stays in the leader's record.
    expect(verdictCodes(follower).slice(1)).toEqual(verdictCodes(leader));
    expect(follower.verdicts[1]!.message).toBe(LEADER_VERDICT);
  });

  it('a replay of the old token within the window gets the same answer (refresh_grace_served)', async () => {
    const before = provider.refreshCalls();
    const again = await refresh(adapter.url, token);
    expect(provider.refreshCalls()).toBe(before);
    expect(again.status).toBe(200);
    expect(again.json.access_token).toBe(first.access_token);
    expect(again.json.refresh_token).toBe(first.refresh_token);
    const rec = adapter.records[0]!;
    expect(rec.refresh).toMatchObject({ role: 'grace', graceHit: true, degraded: false });
    const v = rec.verdicts[0]!;
    expect(v).toMatchObject({ code: 'refresh_grace_served', severity: 'info' });
    expect(v.message).toContain('refresh token rotated; old one replayed within the grace window, cached answer served');
  });

  it('the same token with other client credentials is never served from the cache (single use: 503 and left alone; reusable: the provider judges)', async () => {
    const before = provider.refreshCalls();
    const res = await refresh(adapter.url, token, { clientSecret: 'someone-else' });
    expect(provider.refreshCalls()).toBe(before);
    expect(res.status).toBe(503);
    expect(res.json).not.toHaveProperty('access_token');
    expect(adapter.records[0]).toMatchObject({ refresh: { role: 'refused' }, upstream: { outcome: 'not_called' } });
    expect(adapter.records[0]!.refresh).not.toHaveProperty('storeError');
    expect(verdictCodes(adapter.records[0])[0]).toBe('refresh_not_coordinated');
    expect(adapter.records[0]!.verdicts[0]!.message).toContain('other client credentials');

    const reusable = await adapterOn(tableStore(), { refreshGraceSeconds: GRACE });
    const judged = await refresh(reusable.url, token, { clientSecret: 'someone-else' });
    expect(provider.refreshCalls()).toBe(before + 1);
    expect(judged.status).toBe(401);
    expect(judged.json.error).toBe('invalid_client');
    expect(judged.json).not.toHaveProperty('access_token');
    expect(reusable.records[0]!.refresh?.role).toBe('bypass');
  });

  it('the new token works as usual (leader again, the provider rotates once more)', async () => {
    const res = await refresh(adapter.url, first.refresh_token as string);
    expect(res.status).toBe(200);
    expect(res.json.refresh_token).not.toBe(first.refresh_token);
    expect(adapter.records[0]!.refresh?.role).toBe('leader');
  });

  it('after the window the provider\'s invalid_grant reaches Alexa as RFC 6749 §5.2', async () => {
    const later = await adapterOn(tableStore(GRACE + 60), { ...SINGLE_USE, refreshGraceSeconds: GRACE });
    const before = provider.refreshCalls();
    const res = await refresh(later.url, token);
    expect(provider.refreshCalls()).toBe(before + 1);
    expect(res.status).toBe(400);
    expect(tokenHeadersOf(res.headers).contentType).toBe('application/json');
    expect(res.json).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid or was already used' });
    const rec = later.records[0]!;
    expect(rec).toMatchObject({ outcome: 'provider_error', refresh: { role: 'leader', graceHit: false } });
    expect(rec.verdicts.find((x) => x.code === 'refresh_rejected')?.message).toContain('provider rejected the refresh with invalid_grant: the user must link again');
  });

  it('concurrent refreshes with a dead token share one provider call and one invalid_grant', async () => {
    const before = provider.refreshCalls();
    const dead = `canary-dead-${randomBytes(8).toString('hex')}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(adapter.url, dead)));
    expect(provider.refreshCalls() - before).toBe(1);
    for (const a of answers) expect(a.json).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid or was already used' });
    const followers = adapter.records.filter((r) => r.refresh?.role !== 'leader');
    expect(followers).toHaveLength(9);
    for (const f of followers) expect(verdictCodes(f)).toContain('refresh_rejected');
  });

  it('refreshGraceSeconds 0: no grace, still single-flight', async () => {
    const noGrace = await adapterOn(tableStore(), { ...SINGLE_USE, refreshGraceSeconds: 0 });
    const t = newToken();
    const before = provider.refreshCalls();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(noGrace.url, t)));
    expect(provider.refreshCalls() - before).toBe(1);
    expect(new Set(answers.map((a) => a.json.access_token)).size).toBe(1);
    // Seconds later (store clock moved on past the in-flight keep): the provider is asked again.
    const later = await adapterOn(tableStore(5), { ...SINGLE_USE, refreshGraceSeconds: 0 });
    const res = await refresh(later.url, t);
    expect(res.json.error).toBe('invalid_grant');
    expect(provider.refreshCalls() - before).toBe(2);
  });
});

describe('a leader that dies mid-refresh', () => {
  it('waiters take over after its in-progress expiry: one provider call, every waiter answered', async () => {
    const t = newToken();
    const store = await tableStore()();
    // What a crashed Lambda leaves behind: an in-progress marker honoured for another 700 ms.
    const now = Date.now();
    await store.put({ pk: refreshItemKey(t), sk: 'flight', status: 'in_progress', owner: 'crashed-instance', inProgressUntil: now + 700, expiresAt: Math.ceil((now + 700) / 1000) + 1 });
    const before = provider.refreshCalls();
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(adapter.url, t)));
    expect(provider.refreshCalls() - before).toBe(1);
    for (const a of answers) expect(a.status).toBe(200);
    expect(new Set(answers.map((a) => a.json.access_token)).size).toBe(1);
    const leader = adapter.records.filter((r) => r.refresh?.role === 'leader');
    expect(leader).toHaveLength(1);
    expect(leader[0]!.refresh).toMatchObject({ tookOver: true });
    expect(leader[0]!.refresh!.waitedMs).toBeGreaterThan(0);
  });

  it('a waiter whose deadline comes first answers 503 temporarily_unavailable and spends nothing', async () => {
    const short = await adapterOn(tableStore(), { ...SINGLE_USE, upstreamTimeoutMs: 300 });
    const t = newToken();
    const store = await tableStore()();
    const now = Date.now();
    await store.put({ pk: refreshItemKey(t), sk: 'flight', status: 'in_progress', owner: 'slow-instance', inProgressUntil: now + 20_000, expiresAt: Math.ceil(now / 1000) + 30 });
    const before = provider.refreshCalls();
    const res = await refresh(short.url, t);
    expect(provider.refreshCalls()).toBe(before);
    expect(res.status).toBe(503);
    expect(res.json.error).toBe('temporarily_unavailable');
    expect(short.records[0]).toMatchObject({ refresh: { role: 'timeout' }, upstream: { outcome: 'not_called' } });
    expect(verdictCodes(short.records[0])).toEqual(['refresh_single_flight_timeout', 'alexa_auth_basic']);
    // The token is unspent: once the marker is gone, it refreshes.
    await store.delete(refreshItemKey(t), 'flight');
    expect((await refresh(short.url, t)).status).toBe(200);
  });
});

describe('degrade: DynamoDB unavailable', () => {
  it('DynamoDB stopped mid-test: refreshes still get the provider\'s answers, records say degraded', async () => {
    const own = await startDynamoDbLocal();
    let stopped = false;
    try {
      const client = own.client();
      await createStateTable(client, TABLE);
      const store = new DynamoDbStateStore({ tableName: TABLE, client });
      // A fresh JVM's first conditional writes are slow (class loading, JIT): warm it, as the shared one is.
      for (let i = 0; i < 3; i++) await store.put({ pk: `warm#${i}`, sk: 'flight', expiresAt: Math.floor(Date.now() / 1000) + 60 }, { ifAbsent: true });
      const a = await adapterOn(() => Promise.resolve(store));
      const t1 = newToken();
      const ok = await refresh(a.url, t1);
      expect(ok.status).toBe(200);
      expect(a.records[0]!.refresh).toMatchObject({ role: 'leader', degraded: false });

      await own.stop();
      stopped = true;
      const t2 = ok.json.refresh_token as string;
      const res = await refresh(a.url, t2);
      expect(res.status).toBe(200);
      expect(res.json.refresh_token).toMatch(/^canary-rt-/);
      const rec = a.records[1]!;
      expect(rec).toMatchObject({ outcome: 'success', upstream: { outcome: 'answered', status: 200 }, refresh: { role: 'degraded', degraded: true, graceHit: false } });
      expect(rec.refresh!.storeError).toBeTruthy();
      const v = rec.verdicts.find((x) => x.code === 'refresh_store_degraded');
      expect(v?.severity).toBe('warn');
      // Provider errors still pass through while degraded.
      const dead = await refresh(a.url, t2);
      expect(dead.json.error).toBe('invalid_grant');
      expect(verdictCodes(a.records[2])).toEqual(expect.arrayContaining(['refresh_rejected', 'refresh_store_degraded']));
    } finally {
      if (!stopped) await own.stop();
    }
  });

  it('an unreachable store endpoint degrades the same way', async () => {
    const dead = new DynamoDbStateStore({ tableName: TABLE, client: dynamoDbClient('http://127.0.0.1:9') });
    const a = await adapterOn(() => Promise.resolve(dead));
    const res = await refresh(a.url, newToken());
    expect(res.status).toBe(200);
    expect(a.records[0]!.refresh).toMatchObject({ role: 'degraded', degraded: true });
  });

  it('single-use tokens never degrade: a store that cannot be opened answers 503 and spends nothing', async () => {
    const a = await adapterOn(() => Promise.reject(new Error('no table configured')), SINGLE_USE);
    const t = newToken();
    const before = provider.refreshCalls();
    const res = await refresh(a.url, t);
    expect(provider.refreshCalls()).toBe(before);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.json).toEqual({ error: 'temporarily_unavailable', error_description: 'the adapter\'s state table is unavailable; the refresh token was not used, retry shortly' });
    expect(a.records[0]).toMatchObject({ outcome: 'upstream_error', refresh: { role: 'refused', degraded: true, storeError: 'Error' }, upstream: { outcome: 'not_called' } });
    expect(verdictCodes(a.records[0])[0]).toBe('refresh_not_coordinated');
  });

  it('a store that cannot even be opened degrades the same way', async () => {
    const a = await adapterOn(() => Promise.reject(new Error('no table configured')));
    const res = await refresh(a.url, newToken());
    expect(res.status).toBe(200);
    expect(a.records[0]!.refresh).toMatchObject({ role: 'degraded', degraded: true, storeError: 'Error' });
  });
});

/**
 * Tokens that never change (profile `refresh.rotation: none`, Google): nothing to spend twice and
 * nothing a replay could lose, so no table call at all. Counted at the wire, by the proxy in front
 * of DynamoDB Local that the store talks to.
 */
describe('refresh tokens that never change (rotation none)', () => {
  let proxy: DynamoDbProxy;
  let google: FakeGoogle;
  beforeAll(async () => {
    proxy = await startDynamoDbProxy(ddb().endpoint);
    google = await startFakeGoogle({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR' });
  });
  afterAll(async () => {
    await google?.close();
    await proxy?.close();
  });
  const proxiedStore = () => {
    const store = new DynamoDbStateStore({ tableName: TABLE, client: dynamoDbClient(proxy.endpoint) });
    return () => Promise.resolve<StateStore>(store);
  };

  it('Google: a refresh, a replay and five at once make no DynamoDB call; each reaches the provider (refresh.role direct)', async () => {
    const a = await adapterOn(proxiedStore(), { provider: 'google', tokenUrl: google.tokenUrl, refreshGraceSeconds: GRACE });
    const rt = `1//canary-${randomBytes(8).toString('hex')}`;
    google.addRefreshToken(rt, 'ya29.canary-at');
    const before = google.received.length;
    const one = await refresh(a.url, rt);
    const again = await refresh(a.url, rt);
    const five = await Promise.all(Array.from({ length: 5 }, () => refresh(a.url, rt)));
    for (const res of [one, again, ...five]) expect(res.json).toMatchObject({ access_token: 'ya29.canary-at', refresh_token: rt, token_type: 'Bearer' });
    expect(google.received.length - before).toBe(7);
    expect(proxy.calls).toEqual([]);
    expect(a.records.map((r) => r.refresh)).toEqual(Array.from({ length: 7 }, () => ({ role: 'direct', waitedMs: 0, graceHit: false, degraded: false })));
    expect(a.records.every((r) => r.timing.storeCalls === undefined)).toBe(true);
    expect(verdictCodes(a.records[0])).toContain('refresh_token_retained');
  });

  it('a profile that says none for a provider that rotates: still no table call, and a warning that names the fix', async () => {
    const a = await adapterOn(proxiedStore(), NEVER_ROTATES);
    const res = await refresh(a.url, newToken());
    expect(res.status).toBe(200);
    expect(proxy.calls).toEqual([]);
    expect(a.records[0]!.refresh?.role).toBe('direct');
    const warning = a.records[0]!.verdicts.find((x) => x.code === 'refresh_rotation_unexpected');
    expect(warning).toMatchObject({ severity: 'warn', message: expect.stringContaining('Set refresh.rotation to single_use') });
    // diagnose names it, with the profile to change.
    const found = diagnose(groupTimelines(a.records.map((r) => JSON.parse(JSON.stringify(r)) as LogRecord))).findings;
    expect(found.map((f) => [f.rule, f.severity])).toEqual([['refresh_rotation_unexpected', 'warn']]);
    expect(found[0]!.cause).toContain('(constant-test)');
    expect(found[0]!.fix).toContain('"rotation": "single_use"');
  });
});

describe('what the table holds after the suite', () => {
  const text = (v: AttributeValue): string[] => {
    if (v.S !== undefined) return [v.S];
    if (v.N !== undefined) return [v.N];
    if (v.B !== undefined) {
      const b = Buffer.from(v.B);
      return [b.toString('latin1'), b.toString('base64'), b.toString('base64url'), b.toString('hex')];
    }
    return [JSON.stringify(v)];
  };

  it('none of the canary tokens or the client secret in clear, base64 or hex', async () => {
    const scan = await ddb().client().send(new ScanCommand({ TableName: TABLE }));
    const items = scan.Items ?? [];
    // Not vacuous: sealed answers of the grace window are there to search.
    expect(items.filter((i) => i.status?.S === 'completed' && i.payload?.B !== undefined).length).toBeGreaterThan(2);
    const dump = items.flatMap((item) => Object.values(item).flatMap(text)).join('\n');
    expect(dump.length).toBeGreaterThan(0);
    const secrets = [...provider.minted, CLIENT_SECRET];
    expect(secrets.length).toBeGreaterThan(20);
    for (const s of secrets) {
      const b = Buffer.from(s, 'utf8');
      for (const form of [s, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase()]) {
        expect(dump.includes(form), `a stored item holds ${s.slice(0, 14)}… (as ${form === s ? 'text' : 'an encoding'})`).toBe(false);
      }
    }
    // Keys are hashes, never a token.
    for (const item of items) expect(item.pk!.S).toMatch(/^refresh#[0-9a-f]{64}$/);
  });

  it('no exchange record holds a token or the client secret, only fingerprints', () => {
    expect(allRecords.length).toBeGreaterThan(50);
    const lines = allRecords.map((r) => JSON.stringify(r)).join('\n');
    for (const s of [...provider.minted, CLIENT_SECRET]) expect(lines.includes(s), `a record holds ${s.slice(0, 14)}…`).toBe(false);
    expect(lines).toContain(fingerprint(provider.minted[0]!));
  });

  it('every item carries a TTL within its window', async () => {
    const scan = await ddb().client().send(new ScanCommand({ TableName: TABLE }));
    const nowS = Math.floor(Date.now() / 1000);
    for (const item of scan.Items ?? []) {
      const expiresAt = Number(item.expiresAt?.N);
      expect(Number.isInteger(expiresAt)).toBe(true);
      // At most the grace window (the test's own markers are shorter) ...
      expect(expiresAt).toBeLessThanOrEqual(nowS + GRACE + 1);
      // ... and recent: DynamoDB TTL never deletes items whose expiry is more than five years past.
      expect(expiresAt).toBeGreaterThan(nowS - 3600);
    }
  });
});
