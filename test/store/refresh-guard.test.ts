/**
 * guardRefresh on DynamoDB Local with one injected clock shared by the guard and the store (so the
 * items' expiry moves with it): what a cached answer looks like when it is served later (expires_in
 * counts from when the provider issued it), how long each kind of answer is kept, non-rotating
 * providers, the stateless mode, and a failing provider call releasing the token.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpAnswer } from '../../lambda/core/oauth-error';
import { IN_FLIGHT_KEEP_SECONDS, LEADER_VERDICT, PURPOSE_SEAL, clientBinding, guardRefresh, keepSecondsOf, refreshItemKey, type RefreshAnswer, type RefreshGuardOptions } from '../../lambda/core/refresh-guard';
import { IN_PROGRESS_MARGIN_MS } from '../../lambda/core/deadline';
import { seal } from '../../lambda/core/sealed';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { StoreUnavailableError, type StateItem, type StateStore } from '../../lambda/store/state-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';

const ddb = useDynamoDbLocal();
const TABLE = 'state';
/** The clock of the guard AND of the store (epoch ms); starts on a whole second, so keep times are exact. */
const clock = { t: 1_900_000_000_000 };
let store: StateStore;
beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => clock.t / 1000 });
});

const ok = (body: Record<string, unknown>): HttpAnswer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const describeAnswer = (answer: HttpAnswer): RefreshAnswer => ({ answer, outcome: 'success', verdicts: [{ code: 'ok', severity: 'info', message: 'refresh succeeded' }], tokens: {} });

function options(token: string, over: Partial<RefreshGuardOptions> = {}): RefreshGuardOptions {
  return { store: () => Promise.resolve(store), refreshToken: token, clientId: 'c', clientSecret: 's', graceSeconds: 600, rotation: 'single_use', deadline: clock.t + 4000, now: () => clock.t, ...over };
}
const newToken = () => `rt-${randomBytes(8).toString('hex')}`;
const bad = (): HttpAnswer => ({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'invalid_grant' }) });
/** A provider call that answers `answer()` only once released; `calls` counts the calls made. */
function heldProvider(answer: () => HttpAnswer) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const p = {
    calls: 0,
    release: () => release(),
    work: async () => {
      p.calls++;
      await held;
      return answer();
    },
  };
  return p;
}
const describeAny = (answer: HttpAnswer): RefreshAnswer => ({ answer, outcome: answer.status === 200 ? 'success' : 'provider_error', verdicts: [], tokens: {} });

describe('guardRefresh', () => {
  it('DynamoDB calls on DynamoDB Local: 2 for a leader, 1 for a grace hit', async () => {
    const client = ddb().client();
    const calls: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push((context as { commandName?: string }).commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const counted = new DynamoDbStateStore({ tableName: TABLE, client, nowSeconds: () => clock.t / 1000 });
    const token = newToken();
    const opts = options(token, { store: () => Promise.resolve(counted) });
    const work = async () => ok({ access_token: 'at-c', token_type: 'Bearer', refresh_token: 'rt-c2' });
    await guardRefresh(opts, work, describeAnswer);
    expect(calls).toEqual(['PutItemCommand', 'PutItemCommand']); // in-progress marker, completed answer
    calls.length = 0;
    clock.t += 1;
    const replay = await guardRefresh(opts, work, describeAnswer);
    expect(replay.refresh.role).toBe('grace');
    expect(calls).toEqual(['PutItemCommand']); // the failed conditional write returns the cached item (ALL_OLD)
  });

  it('a grace hit minutes later: same tokens, expires_in reduced by the answer\'s age', async () => {
    const token = newToken();
    let calls = 0;
    const work = async () => {
      calls++;
      return ok({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-next' });
    };
    const first = await guardRefresh(options(token), work, describeAnswer);
    expect(first).toMatchObject({ kind: 'called', refresh: { role: 'leader', graceHit: false } });

    clock.t += 120_000; // two minutes later, for the store too: still inside the 600 s window
    const replay = await guardRefresh(options(token), work, describeAnswer);
    expect(calls).toBe(1);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    expect(JSON.parse(replay.served.answer.body)).toEqual({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3480, refresh_token: 'rt-next' });
    expect(replay.refresh).toMatchObject({ role: 'grace', graceHit: true, cachedAgeS: 120 });
    expect(replay.translated).toContain('expires_in 3600 → 3480 (cached answer is 120 s old)');
    expect(replay.verdicts.map((v) => [v.code, v.severity])).toEqual([['refresh_grace_served', 'info']]);
    expect(replay.verdicts[0]!.message).toContain('refresh token rotated; old one replayed within the grace window, cached answer served');
    // The leader's verdicts travel with the answer.
    expect(replay.served.verdicts.map((v) => v.code)).toEqual(['ok']);
  });

  it('a provider that does not rotate: the grace verdict says the same token came again', async () => {
    const token = newToken();
    const work = async () => ok({ access_token: 'at-2', token_type: 'Bearer', refresh_token: token });
    await guardRefresh(options(token), work, describeAnswer);
    clock.t += 1000;
    const replay = await guardRefresh(options(token), work, describeAnswer);
    expect(replay.kind).toBe('served');
    expect(replay.verdicts[0]).toMatchObject({ code: 'refresh_grace_served', severity: 'info' });
    expect(replay.verdicts[0]!.message).toContain('the same refresh token was presented again within the grace window');
  });

  it('no store: stateless, the provider is called once', async () => {
    let calls = 0;
    const out = await guardRefresh(options('rt', { store: undefined }), async () => {
      calls++;
      return ok({ access_token: 'x' });
    }, describeAnswer);
    expect(out).toMatchObject({ kind: 'called', refresh: { role: 'stateless', degraded: false, waitedMs: 0 }, verdicts: [] });
    expect(calls).toBe(1);
  });

  it('a provider call that throws releases the token: the next request leads', async () => {
    const token = newToken();
    await expect(guardRefresh(options(token), async () => Promise.reject(new Error('bug')), describeAnswer)).rejects.toThrow('bug');
    const next = await guardRefresh(options(token), async () => ok({ access_token: 'y' }), describeAnswer);
    expect(next).toMatchObject({ kind: 'called', refresh: { role: 'leader' } });
  });
});

/** DynamoDB's item size (Amazon DynamoDB developer guide, "Item sizes and formats"): names + values; a number ~ 1 byte per 2 digits + 1. */
function itemBytes(item: StateItem): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined) continue;
    n += Buffer.byteLength(k);
    n += typeof v === 'string' ? Buffer.byteLength(v) : typeof v === 'number' ? Math.ceil(String(v).replace(/[-.]/g, '').length / 2) + 1 : typeof v === 'boolean' ? 1 : v.byteLength;
  }
  return n;
}

describe('what is stored for followers and replays', () => {
  /** A GitHub App-like refresh answer with an id_token and the extras providers add, and prose verdicts. */
  const big = () =>
    ok({ access_token: `ghu_${'a'.repeat(36)}`, token_type: 'Bearer', expires_in: 28800, refresh_token: `ghr_${'r'.repeat(76)}`, refresh_token_expires_in: 15897600, scope: '', id_token: `eyJ${'i'.repeat(1400)}` });
  const prose = (answer: HttpAnswer): RefreshAnswer => ({
    answer,
    outcome: 'success',
    verdicts: [
      { code: 'refresh_token_rotated', severity: 'info', message: 'the provider rotated the refresh token (single use: the old one no longer works)'.repeat(3) },
      { code: 'ok', severity: 'info', message: 'refresh succeeded; Alexa received a spec-compliant token answer'.repeat(3) },
    ],
    tokens: { accessTokenFp: 'fp:0123456789ab', refreshTokenOutFp: 'fp:ba9876543210', tokenType: 'Bearer', expiresIn: 28800, scope: '', idTokenPresent: true },
  });

  it('one write unit: the item is ≤ 1 KB (no verdict prose, only RFC 6749 §5.1 members), and a follower still answers and records the leader\'s verdicts by code', async () => {
    const token = newToken();
    const lead = await guardRefresh(options(token), async () => big(), prose);
    expect(lead.refresh.role).toBe('leader');
    const item = (await store.get(refreshItemKey(token), 'flight'))!;
    expect(item.status).toBe('completed');
    expect(itemBytes(item)).toBeLessThanOrEqual(1024);

    clock.t += 1000;
    const replay = await guardRefresh(options(token), async () => big(), prose);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    const body = JSON.parse(replay.served.answer.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ access_token: `ghu_${'a'.repeat(36)}`, refresh_token: `ghr_${'r'.repeat(76)}`, expires_in: 28799 });
    expect(replay.served.answer.headers).toEqual({ 'content-type': 'application/json' });
    expect(replay.served.verdicts).toEqual([
      { code: 'refresh_token_rotated', severity: 'info', message: LEADER_VERDICT },
      { code: 'ok', severity: 'info', message: LEADER_VERDICT },
    ]);
    expect(replay.served.tokens).toEqual(prose(big()).tokens);
    expect(replay.translated).toEqual(['answer served from the refresh cache', 'members other than RFC 6749 §5.1\'s were not kept in the cache', 'expires_in 28800 → 28799 (cached answer is 1 s old)']);
  });

  it('a success with fewer members than RFC 6749 §5.1 lists, and one extra: only the extra is left out', async () => {
    const token = newToken();
    await guardRefresh(options(token), async () => ok({ access_token: 'at-s', token_type: 'Bearer', id_token: 'eyJx' }), describeAnswer);
    const replay = await guardRefresh(options(token), async () => ok({ access_token: 'never' }), describeAnswer);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    expect(JSON.parse(replay.served.answer.body)).toEqual({ access_token: 'at-s', token_type: 'Bearer' });
    expect(replay.translated).toContain('members other than RFC 6749 §5.1\'s were not kept in the cache');
  });

  it('a success body that is not JSON is kept and served as it is, and is no rotation', async () => {
    const token = newToken();
    const odd: HttpAnswer = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'access_token=x' };
    await guardRefresh(options(token), async () => odd, describeAnswer);
    clock.t += 3000;
    const replay = await guardRefresh(options(token), async () => ok({ access_token: 'never' }), describeAnswer);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    expect(replay.served.answer).toEqual(odd);
    expect(replay.verdicts[0]!.message).toContain('the same refresh token was presented again');
  });

  it('an error answer is kept whole (headers, body): it is what the requests in flight get', async () => {
    const token = newToken();
    const challenge: HttpAnswer = { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="x"' }, body: JSON.stringify({ error: 'invalid_client', error_description: 'no', extra: 'kept' }) };
    await guardRefresh(options(token), async () => challenge, describeAny);
    clock.t += 500;
    const follower = await guardRefresh(options(token), async () => ok({}), describeAny);
    if (follower.kind !== 'served') throw new Error('expected a served answer');
    expect(follower.served.answer).toEqual(challenge);
    expect(follower.translated).toEqual(['answer served from the refresh cache']);
  });

  it('an item written before (v 1: whole answer, verdicts with prose) is served as it was', async () => {
    const token = newToken();
    const v1 = { v: 1, completedAt: clock.t, client: clientBinding('c', 's'), answer: ok({ access_token: 'at-v1', token_type: 'Bearer', refresh_token: 'rt-v1', id_token: 'x' }), outcome: 'success', verdicts: [{ code: 'ok', severity: 'info', message: 'refresh succeeded' }], tokens: { accessTokenFp: 'fp:0123456789ab' } };
    const at = Math.floor(clock.t / 1000);
    await store.put({ pk: refreshItemKey(token), sk: 'flight', status: 'completed', owner: 'old', payload: seal(JSON.stringify(v1), token, PURPOSE_SEAL), completedAt: clock.t, expiresAt: at + 600 });
    clock.t += 2000;
    const replay = await guardRefresh(options(token), async () => ok({ access_token: 'never' }), describeAnswer);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    expect(JSON.parse(replay.served.answer.body)).toEqual({ access_token: 'at-v1', token_type: 'Bearer', refresh_token: 'rt-v1', id_token: 'x' });
    expect(replay.served.verdicts).toEqual([{ code: 'ok', severity: 'info', message: 'refresh succeeded' }]);
    expect(replay.refresh).toMatchObject({ role: 'grace', cachedAgeS: 2 });
  });
});

describe('refresh tokens that never change (rotation none)', () => {
  it('no store call, the provider is called every time; a rotating answer is flagged', async () => {
    let opened = 0;
    const counting = { ...options('rt-none'), rotation: 'none' as const, store: () => (opened++, Promise.resolve(store)) };
    let calls = 0;
    const same = await guardRefresh(counting, async () => (calls++, ok({ access_token: 'a', refresh_token: 'rt-none' })), describeAnswer);
    const again = await guardRefresh(counting, async () => (calls++, ok({ access_token: 'b' })), describeAnswer);
    expect([same, again]).toMatchObject([
      { kind: 'called', refresh: { role: 'direct', waitedMs: 0, graceHit: false, degraded: false }, verdicts: [], sleptMs: 0 },
      { kind: 'called', refresh: { role: 'direct' }, verdicts: [] },
    ]);
    const rotated = await guardRefresh(counting, async () => (calls++, ok({ access_token: 'c', refresh_token: 'rt-new' })), describeAnswer);
    expect(rotated.verdicts.map((x) => [x.code, x.severity])).toEqual([['refresh_rotation_unexpected', 'warn']]);
    expect(rotated.verdicts[0]!.message).toContain('Set refresh.rotation to single_use');
    const failed = await guardRefresh(counting, async () => (calls++, bad()), describeAny);
    expect(failed.verdicts).toEqual([]);
    // Only a success can rotate: an error body naming a refresh token, or a success that is not JSON, is no rotation.
    const errorNaming = { ...bad(), body: JSON.stringify({ error: 'invalid_grant', refresh_token: 'rt-other' }) };
    expect((await guardRefresh(counting, async () => (calls++, errorNaming), describeAny)).verdicts).toEqual([]);
    const notJson: HttpAnswer = { status: 200, headers: {}, body: 'not json' };
    expect((await guardRefresh(counting, async () => (calls++, notJson), describeAny)).verdicts).toEqual([]);
    expect(calls).toBe(6);
    expect(opened).toBe(0);
  });
});

/**
 * How long each answer is kept (refresh-guard.ts keepSecondsOf), with the store's expiry on the same
 * clock: a success for the grace window, anything else (or any answer with grace 0) for the 2 s
 * shared with requests in flight, and not a moment longer (an item is gone from the instant its
 * expiresAt is reached; before, one written at x.4 s lived until x+3 s, 2.6 s).
 */
describe('keep times on a shared clock', () => {
  /** Leader at a whole second plus `atMs`, then a replay `afterMs` later: was the provider asked again? */
  async function replayAfter(first: () => HttpAnswer, afterMs: number, graceSeconds: number, atMs = 0): Promise<'served' | 'called'> {
    clock.t = Math.ceil(clock.t / 1000) * 1000 + atMs;
    const token = newToken();
    let calls = 0;
    const work = async () => {
      calls++;
      return calls === 1 ? first() : ok({ access_token: 'second' });
    };
    const lead = await guardRefresh(options(token, { graceSeconds }), work, describeAny);
    expect(lead.refresh.role).toBe('leader');
    clock.t += afterMs;
    await guardRefresh(options(token, { graceSeconds, deadline: clock.t + 4000 }), work, describeAny);
    return calls === 1 ? 'served' : 'called';
  }
  const success = () => ok({ access_token: 'first', refresh_token: 'rt-rotated' });

  it.each([
    { name: 'a success is kept for the grace window', first: success, grace: 600, servedAt: 599_900, calledAt: 600_000 },
    { name: 'an invalid_grant is kept 2 s, never the grace window', first: bad, grace: 600, servedAt: 1900, calledAt: 2000 },
    { name: 'refreshGraceSeconds 0: a success is shared for 2 s only', first: success, grace: 0, servedAt: 1900, calledAt: 2000 },
  ])('$name (grace $grace s): served $servedAt ms later, the provider asked again $calledAt ms later', async ({ first, grace, servedAt, calledAt }) => {
    expect(await replayAfter(first, servedAt, grace)).toBe('served');
    expect(await replayAfter(first, calledAt, grace)).toBe('called');
  });

  it('refreshGraceSeconds 0: a replay 2.6 s after an answer written at x.3 s goes to the provider (issue 10 item 8)', async () => {
    expect(await replayAfter(success, 2600, 0, 300)).toBe('called');
  });

  it('the request that holds the marker is not taken over before its deadline plus the margin (IN_PROGRESS_MARGIN_MS)', async () => {
    const token = newToken();
    const provider = heldProvider(success);
    const leaderDeadline = clock.t + 4000;
    const leader = guardRefresh(options(token, { deadline: leaderDeadline }), provider.work, describeAny);
    await new Promise((r) => setTimeout(r, 50));
    clock.t = leaderDeadline + IN_PROGRESS_MARGIN_MS - 10; // past the leader's deadline, inside its margin
    const late = await guardRefresh(options(token, { deadline: clock.t + 1 }), provider.work, describeAny);
    provider.release();
    await leader;
    expect(provider.calls).toBe(1);
    expect(late.refresh.role).toBe('timeout');
  });

  it('keepSecondsOf: success → grace window; anything else, or grace 0 → 2 s', () => {
    expect(keepSecondsOf(200, 600)).toBe(600);
    expect(keepSecondsOf(200, 0)).toBe(IN_FLIGHT_KEEP_SECONDS);
    expect(keepSecondsOf(400, 600)).toBe(IN_FLIGHT_KEEP_SECONDS);
    expect(keepSecondsOf(503, 0)).toBe(IN_FLIGHT_KEEP_SECONDS);
    expect(IN_FLIGHT_KEEP_SECONDS).toBe(2);
  });
});

/**
 * The paths a refresh takes when it is not the first or a grace hit (docs/refresh-safety.md), on the
 * real table with faults injected in front of it: the table failing (single use: 503, the token left
 * alone; rotating: straight to the provider, said so), a waiter served, timed out or refused, an
 * answer bound to other client credentials, and an unreadable cached answer.
 */
describe('store faults, followers and other clients', () => {
  /** The real store, with `get`/`put` failing (StoreUnavailableError) while `failing` says so. */
  function faulty(failing: { get?: boolean; put?: boolean }, reason = 'throttled'): StateStore {
    return {
      get: async (pk, sk, o) => {
        if (failing.get) throw new StoreUnavailableError(reason);
        return store.get(pk, sk, o);
      },
      put: async (item, condition) => {
        if (failing.put) throw new StoreUnavailableError(reason);
        return store.put(item, condition);
      },
      delete: (pk, sk) => store.delete(pk, sk),
    };
  }
  const counted = () => {
    const c = { calls: 0, work: async () => (c.calls++, ok({ access_token: 'at-x', token_type: 'Bearer', refresh_token: 'rt-next' })) };
    return c;
  };
  /** What Alexa gets when a single-use token is left alone: 503 temporarily_unavailable, Retry-After 1. */
  const expectUnavailable = (out: Awaited<ReturnType<typeof guardRefresh>>) => {
    if (out.kind !== 'served') throw new Error('expected a served answer');
    expect(out.served.answer.status).toBe(503);
    expect(out.served.answer.headers['retry-after']).toBe('1');
    expect(JSON.parse(out.served.answer.body)).toMatchObject({ error: 'temporarily_unavailable' });
    expect(out.served.outcome).toBe('upstream_error');
    expect(out.served.verdicts).toEqual([]);
    expect(out.served.tokens).toEqual({});
    expect(out.translated).toEqual([]);
  };

  it.each([
    { thrown: new StoreUnavailableError('throttled'), reason: 'throttled' },
    { thrown: new TypeError('no table'), reason: 'TypeError' },
    { thrown: 'a string', reason: 'unknown' },
  ])('the table cannot be opened ($reason): single use answers 503 without the provider; rotating calls it once and says so', async ({ thrown, reason }) => {
    const open = () => Promise.reject(thrown);
    const single = counted();
    const refusedOut = await guardRefresh(options(newToken(), { store: open }), single.work, describeAnswer);
    expect(single.calls).toBe(0);
    expectUnavailable(refusedOut);
    expect(refusedOut.refresh).toEqual({ role: 'refused', waitedMs: 0, graceHit: false, degraded: true, storeError: reason });
    expect(refusedOut.verdicts.map((v) => [v.code, v.severity])).toEqual([['refresh_not_coordinated', 'error']]);
    expect(refusedOut.verdicts[0]!.message).toContain(`the state table could not be used (${reason})`);
    expect(JSON.parse((refusedOut as { served: RefreshAnswer }).served.answer.body).error_description).toContain('state table is unavailable');

    const rotating = counted();
    const degraded = await guardRefresh(options(newToken(), { store: open, rotation: 'rotating' }), rotating.work, describeAnswer);
    expect(rotating.calls).toBe(1);
    expect(degraded).toMatchObject({ kind: 'called', refresh: { role: 'degraded', degraded: true, storeError: reason, graceHit: false, waitedMs: 0 }, sleptMs: 0 });
    expect(degraded.verdicts.map((v) => [v.code, v.severity])).toEqual([['refresh_store_degraded', 'warn']]);
    expect(degraded.verdicts[0]!.message).toContain(`the state table was unavailable (${reason})`);
  });

  it('the marker write fails: single use answers 503 without the provider; rotating calls it once, degraded', async () => {
    const single = counted();
    const refusedOut = await guardRefresh(options(newToken(), { store: async () => faulty({ put: true }, 'ProvisionedThroughputExceeded') }), single.work, describeAnswer);
    expect(single.calls).toBe(0);
    expectUnavailable(refusedOut);
    expect(refusedOut.refresh).toEqual({ role: 'refused', waitedMs: 0, graceHit: false, degraded: true, storeError: 'ProvisionedThroughputExceeded' });
    expect(refusedOut.verdicts[0]!.message).toContain('the state table could not be used (ProvisionedThroughputExceeded)');

    const rotating = counted();
    const degraded = await guardRefresh(options(newToken(), { rotation: 'rotating', store: async () => faulty({ put: true }, 'ProvisionedThroughputExceeded') }), rotating.work, describeAnswer);
    expect(rotating.calls).toBe(1);
    expect(degraded).toMatchObject({ kind: 'called', value: { status: 200 }, refresh: { role: 'degraded', degraded: true, storeError: 'ProvisionedThroughputExceeded', waitedMs: 0 }, sleptMs: 0 });
    expect(degraded.verdicts.map((v) => v.code)).toEqual(['refresh_store_degraded']);
  });

  it('a waiter gets the answer of the request in flight (follower, not grace): no second provider call, the leader\'s verdicts', async () => {
    const token = newToken();
    const provider = heldProvider(() => ok({ access_token: 'at-f', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-f2' }));
    const leader = guardRefresh(options(token), provider.work, describeAnswer);
    await new Promise((r) => setTimeout(r, 50)); // the leader's marker is written
    const follower = guardRefresh(options(token, { pollMs: 10 }), provider.work, describeAnswer);
    await new Promise((r) => setTimeout(r, 60));
    provider.release();
    const [lead, follow] = await Promise.all([leader, follower]);
    expect(provider.calls).toBe(1);
    expect(lead).toMatchObject({ kind: 'called', refresh: { role: 'leader', waitedMs: 0 }, recorded: 'written', verdicts: [] });
    if (follow.kind !== 'served') throw new Error('expected a served answer');
    expect(follow.refresh).toMatchObject({ role: 'follower', graceHit: false, degraded: false, cachedAgeS: 0 });
    expect(follow.verdicts.map((v) => [v.code, v.severity])).toEqual([['refresh_single_flight_follower', 'info']]);
    expect(follow.verdicts[0]!.message).toContain('was already calling the provider');
    expect(JSON.parse(follow.served.answer.body)).toEqual({ access_token: 'at-f', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-f2' });
    expect(follow.served.verdicts).toEqual([{ code: 'ok', severity: 'info', message: LEADER_VERDICT }]);
    expect(LEADER_VERDICT).toContain('its record has the details');
    expect(follow.translated).toEqual(['answer served from the refresh cache']);
  });

  it('a waiter whose deadline comes first: 503, the provider not called, the time waited named; failed polls named too', async () => {
    for (const failingPolls of [false, true]) {
      const token = newToken();
      const until = clock.t + 60_000;
      await store.put({ pk: refreshItemKey(token), sk: 'flight', status: 'in_progress', owner: 'other', inProgressUntil: until, expiresAt: Math.ceil(until / 1000) + 1 });
      const c = counted();
      const fails = { get: failingPolls };
      const out = await guardRefresh(options(token, { deadline: Date.now() + 400, now: Date.now, pollMs: 20, store: async () => faulty(fails, 'slow read') }), c.work, describeAnswer);
      expect(c.calls).toBe(0);
      expectUnavailable(out);
      expect(out.refresh.role).toBe('timeout');
      expect(out.refresh.waitedMs).toBeGreaterThan(0);
      expect(out.verdicts.map((v) => [v.code, v.severity])).toEqual([['refresh_single_flight_timeout', 'error']]);
      expect(JSON.parse((out as { served: RefreshAnswer }).served.answer.body).error_description).toContain('is in progress');
      if (failingPolls) {
        expect(out.refresh.storeError).toBe('slow read');
        expect(out.verdicts[0]!.message).toContain(`no answer after ${out.refresh.waitedMs} ms (reading the table failed too: slow read); this request answered 503`);
      } else {
        expect(out.refresh).not.toHaveProperty('storeError');
        expect(out.verdicts[0]!.message).toContain(`no answer after ${out.refresh.waitedMs} ms; this request answered 503`);
      }
      expect(out.sleptMs).toBeGreaterThan(0);
    }
  });

  it('an answer obtained with other client credentials is never served: rotating asks the provider, single use answers 503', async () => {
    for (const rotation of ['rotating', 'single_use'] as const) {
      const token = newToken();
      const c = counted();
      await guardRefresh(options(token, { rotation }), c.work, describeAnswer);
      clock.t += 1000;
      const other = await guardRefresh(options(token, { rotation, clientSecret: 'other-secret' }), c.work, describeAnswer);
      if (rotation === 'rotating') {
        expect(c.calls).toBe(2);
        expect(other).toMatchObject({ kind: 'called', refresh: { role: 'bypass', degraded: false }, verdicts: [] });
      } else {
        expect(c.calls).toBe(1);
        expectUnavailable(other);
        expect(other.refresh).toEqual({ role: 'refused', waitedMs: 0, graceHit: false, degraded: false });
        expect(other.verdicts.map((v) => v.code)).toEqual(['refresh_not_coordinated']);
        expect(other.verdicts[0]!.message).toContain('by a request with other client credentials');
        expect(JSON.parse((other as { served: RefreshAnswer }).served.answer.body).error_description).toContain('by another client');
      }
      // Another client id with the same secret is other credentials too.
      const otherId = await guardRefresh(options(token, { rotation, clientId: 'other-id' }), c.work, describeAnswer);
      expect(otherId.refresh.role).toBe(rotation === 'rotating' ? 'bypass' : 'refused');
      // The same credentials are still served from the cache.
      const same = await guardRefresh(options(token, { rotation }), c.work, describeAnswer);
      expect(same.refresh.role).toBe('grace');
    }
  });

  it('no client credentials, or empty ones, are the same credentials (a public client)', () => {
    expect(clientBinding(undefined, undefined)).toBe(clientBinding('', ''));
    expect(clientBinding('c', undefined)).toBe(clientBinding('c', ''));
    expect(clientBinding(undefined, 's')).toBe(clientBinding('', 's'));
    expect(clientBinding('c', 's')).not.toBe(clientBinding('cs', ''));
  });

  it('a cached answer that cannot be opened is not served: rotating asks the provider, single use answers 503', async () => {
    for (const rotation of ['rotating', 'single_use'] as const) {
      const token = newToken();
      await store.put({ pk: refreshItemKey(token), sk: 'flight', status: 'completed', owner: 'old', payload: seal('not json', token, PURPOSE_SEAL), completedAt: clock.t, expiresAt: Math.floor(clock.t / 1000) + 600 });
      const c = counted();
      const out = await guardRefresh(options(token, { rotation }), c.work, describeAnswer);
      expect(c.calls).toBe(rotation === 'rotating' ? 1 : 0);
      expect(out.refresh.role).toBe(rotation === 'rotating' ? 'bypass' : 'refused');
    }
  });

  it('a waiter that outlives an abandoned marker takes over and says so (a marker already stale is simply overwritten)', async () => {
    const token = newToken();
    await store.put({ pk: refreshItemKey(token), sk: 'flight', status: 'in_progress', owner: 'dead', inProgressUntil: clock.t + 500, expiresAt: Math.ceil(clock.t / 1000) + 60 });
    const c = counted();
    // Each reading of the clock moves it 50 ms (the guard's and the store's clock): the marker goes stale while this request waits.
    const out = await guardRefresh(options(token, { now: () => (clock.t += 50), pollMs: 5 }), c.work, describeAnswer);
    expect(c.calls).toBe(1);
    expect(out).toMatchObject({ kind: 'called', refresh: { role: 'leader', tookOver: true }, recorded: 'written' });
    expect(out.refresh.waitedMs).toBeGreaterThanOrEqual(500);
    const stale = newToken();
    await store.put({ pk: refreshItemKey(stale), sk: 'flight', status: 'in_progress', owner: 'dead', inProgressUntil: clock.t - 1, expiresAt: Math.ceil(clock.t / 1000) + 60 });
    const direct = await guardRefresh(options(stale), c.work, describeAnswer);
    expect(direct.refresh.role).toBe('leader');
    expect(direct.refresh).not.toHaveProperty('tookOver');
  });
});
