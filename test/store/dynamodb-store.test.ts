/**
 * The StateStore contract on Amazon's DynamoDB Local: conditional writes, expiry semantics, the
 * exactly-once use of an item (one conditional overwrite among concurrent callers), and the
 * single-flight protocol built on them.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStateTable } from '../../local/table-definition';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { singleFlight, type WorkResult } from '../../lambda/store/single-flight';
import { ConditionFailedError, StoreTimeoutError, StoreUnavailableError, type StateItem } from '../../lambda/store/state-store';
import { boundedStore, type StoreMeter } from '../../lambda/store/bounded-store';
import { dynamoDbClient, useDynamoDbLocal } from '../support/dynamodb-local';
import { startDynamoDbProxy } from '../support/dynamodb-proxy';

const ddb = useDynamoDbLocal();
const TABLE = 'state';
let clock = 1_800_000_000; // epoch seconds, moved by tests
const store = () => new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => clock });

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
});

const key = () => `test#${randomUUID()}`;
const item = (pk: string, extra: Partial<StateItem> = {}): StateItem => ({ pk, sk: 'x', expiresAt: clock + 60, ...extra });

describe('DynamoDbStateStore', () => {
  it('round-trips strings, numbers, booleans and bytes', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { text: 'héllo', n: 42.5, flag: true, bytes: new Uint8Array([0, 1, 255]) }));
    const got = await s.get(pk, 'x');
    expect(got).toEqual({ pk, sk: 'x', expiresAt: clock + 60, text: 'héllo', n: 42.5, flag: true, bytes: new Uint8Array([0, 1, 255]) });
  });

  it('an item is gone from the instant its expiresAt is reached, to the millisecond (never a second late)', async () => {
    const pk = key();
    let nowS = clock + 0.999;
    const s = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => nowS });
    await s.put(item(pk, { expiresAt: clock + 1 }));
    expect(await s.get(pk, 'x')).toBeDefined();
    await expect(s.put(item(pk, { v: 'second' }), { ifAbsent: true })).rejects.toBeInstanceOf(ConditionFailedError);
    nowS = clock + 1;
    expect(await s.get(pk, 'x')).toBeUndefined();
    expect(await s.get(pk, 'x', { includeExpired: true })).toMatchObject({ expiresAt: clock + 1 });
    await s.put(item(pk, { v: 'second' }), { ifAbsent: true });
    expect((await s.get(pk, 'x'))?.v).toBe('second');
  });

  it('reads an item past its expiresAt as absent (TTL deletion is lazy)', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { expiresAt: clock - 1 }));
    expect(await s.get(pk, 'x')).toBeUndefined();
  });

  it('ifAbsent: the second writer loses and learns the winner', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { owner: 'a' }), { ifAbsent: true });
    const err = await s.put(item(pk, { owner: 'b' }), { ifAbsent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).existing?.owner).toBe('a');
    expect((await s.get(pk, 'x'))?.owner).toBe('a');
  });

  it('ifAbsent admits overwriting an expired item', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { owner: 'old', expiresAt: clock - 5 }));
    await s.put(item(pk, { owner: 'new' }), { ifAbsent: true });
    expect((await s.get(pk, 'x'))?.owner).toBe('new');
  });

  it('orStale admits overwriting a live item whose marker attribute is past', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { owner: 'crashed', inProgressUntil: 1000 }));
    await expect(s.put(item(pk, { owner: 'x' }), { ifAbsent: true, orStale: { attribute: 'inProgressUntil', lessThan: 999 } })).rejects.toBeInstanceOf(ConditionFailedError);
    await s.put(item(pk, { owner: 'taker' }), { ifAbsent: true, orStale: { attribute: 'inProgressUntil', lessThan: 1001 } });
    expect((await s.get(pk, 'x'))?.owner).toBe('taker');
  });

  it('ifMatches: only the owner may overwrite', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { owner: 'a', v: 1 }));
    await expect(s.put(item(pk, { owner: 'b', v: 2 }), { ifMatches: { owner: 'b' } })).rejects.toBeInstanceOf(ConditionFailedError);
    await s.put(item(pk, { owner: 'a', v: 3 }), { ifMatches: { owner: 'a' } });
    expect((await s.get(pk, 'x'))?.v).toBe(3);
  });

  it('ifMatches lets exactly one of many concurrent callers use a live item (the one-time grants and code links)', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { grant: 'g1', createdAt: 1234 }));
    const use = (i: number) =>
      s.put(item(pk, { status: 'used', by: i }), { ifMatches: { createdAt: 1234 } }).then(
        () => 'won',
        (err: unknown) => (err instanceof ConditionFailedError ? 'lost' : 'error'),
      );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => use(i)));
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'lost')).toHaveLength(19);
    expect((await s.get(pk, 'x'))?.status).toBe('used');
  });

  it('includeExpired tells an expired item from an absent one', async () => {
    const s = store();
    const pk = key();
    await s.put(item(pk, { expiresAt: clock - 1 }));
    expect(await s.get(pk, 'x', { includeExpired: true })).toMatchObject({ expiresAt: clock - 1 });
    expect(await s.get(key(), 'x', { includeExpired: true })).toBeUndefined();
  });

  it('maps an unreachable server to StoreUnavailableError', async () => {
    const dead = new DynamoDbStateStore({ tableName: TABLE, client: dynamoDbClient('http://127.0.0.1:9'), nowSeconds: () => clock });
    await expect(dead.get('a', 'b')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(dead.put(item('a'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('maps a missing table to StoreUnavailableError', async () => {
    const wrong = new DynamoDbStateStore({ tableName: 'no-such-table', client: ddb().client(), nowSeconds: () => clock });
    const err = await wrong.get('a', 'b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).reason).toBe('ResourceNotFoundException');
  });
});

describe('singleFlight', () => {
  const realNowStore = () => new DynamoDbStateStore({ tableName: TABLE, client: ddb().client() });
  const bytes = (s: string) => new TextEncoder().encode(s);
  const text = (b: Uint8Array) => new TextDecoder().decode(b);

  it('30 concurrent callers: one does the work, the others get its payload', async () => {
    const s = realNowStore();
    const pk = key();
    let calls = 0;
    const work = async (): Promise<WorkResult<string>> => {
      calls++;
      await new Promise((r) => setTimeout(r, 150));
      return { value: 'fresh', payload: bytes('fresh'), keepSeconds: 60 };
    };
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => singleFlight({ store: s, pk, inProgressUntil: Date.now() + 2000, waitUntil: Date.now() + 3000, pollMs: 20 }, work)),
    );
    expect(calls).toBe(1);
    expect(outcomes.filter((o) => o.role === 'leader')).toHaveLength(1);
    const followers = outcomes.filter((o) => o.role === 'follower');
    expect(followers).toHaveLength(29);
    for (const f of followers) expect(text((f as { payload: Uint8Array }).payload)).toBe('fresh');
  });

  it('a later caller within the keep window gets the stored payload without work', async () => {
    const s = realNowStore();
    const pk = key();
    await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 1, payload: bytes('kept'), keepSeconds: 60 }));
    let called = false;
    const again = await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => {
      called = true;
      return { value: 2 };
    });
    expect(called).toBe(false);
    expect(again.role).toBe('follower');
    expect(text((again as { payload: Uint8Array }).payload)).toBe('kept');
  });

  it('a result without payload releases the key for the next caller', async () => {
    const s = realNowStore();
    const pk = key();
    await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 'transient failure' }));
    const next = await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 'second' }));
    expect(next).toMatchObject({ role: 'leader', value: 'second' });
  });

  it('a leader that died mid-work is taken over after its in-progress expiry', async () => {
    const s = realNowStore();
    const pk = key();
    // A marker left behind by a crashed leader: in progress until 300 ms from now.
    await s.put({ pk, sk: 'flight', status: 'in_progress', owner: 'dead', inProgressUntil: Date.now() + 300, expiresAt: Math.ceil(Date.now() / 1000) + 5 });
    const outcome = await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 3000, pollMs: 25 }, async () => ({ value: 'mine', payload: bytes('mine'), keepSeconds: 10 }));
    expect(outcome).toMatchObject({ role: 'leader', value: 'mine', tookOver: true });
  });

  it('waiters give up at their deadline while the leader is still working', async () => {
    const s = realNowStore();
    const pk = key();
    await s.put({ pk, sk: 'flight', status: 'in_progress', owner: 'slow', inProgressUntil: Date.now() + 10_000, expiresAt: Math.ceil(Date.now() / 1000) + 20 });
    const outcome = await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 200, pollMs: 25 }, async () => ({ value: 'never' }));
    expect(outcome.role).toBe('timeout');
  });

  it('runs the work uncoordinated when the store is unreachable (degraded)', async () => {
    const dead = new DynamoDbStateStore({ tableName: TABLE, client: dynamoDbClient('http://127.0.0.1:9') });
    const outcome = await singleFlight({ store: dead, pk: key(), inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 'direct' }));
    expect(outcome).toMatchObject({ role: 'degraded', value: 'direct' });
  });

  it('a failing leader releases the key and the error propagates', async () => {
    const s = realNowStore();
    const pk = key();
    await expect(singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const next = await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 'ok' }));
    expect(next.role).toBe('leader');
  });

  it('stores nothing but the marker fields and the caller-provided payload', async () => {
    const s = realNowStore();
    const pk = key();
    await singleFlight({ store: s, pk, inProgressUntil: Date.now() + 1000, waitUntil: Date.now() + 1000 }, async () => ({ value: 0, payload: bytes('opaque'), keepSeconds: 10 }));
    const scan = await ddb().client().send(new ScanCommand({ TableName: TABLE }));
    const mine = scan.Items!.filter((i) => i.pk?.S === pk);
    expect(mine).toHaveLength(1);
    expect(Object.keys(mine[0]!).sort()).toEqual(['completedAt', 'expiresAt', 'owner', 'payload', 'pk', 'sk', 'status']);
  });
});

describe('boundedStore (bounded-store.ts) in front of a slow DynamoDB (fault proxy)', () => {
  it('a call slower than its bound is abandoned (started: true) and may land later; with no time left a call is not sent (started: false); time is metered as wall clock', async () => {
    const proxy = await startDynamoDbProxy(ddb().endpoint);
    const client = dynamoDbClient(proxy.endpoint);
    try {
      const raw = new DynamoDbStateStore({ tableName: TABLE, client });
      const pk = key();
      const meter: StoreMeter = { calls: 0, ms: 0 };
      proxy.setRule((c) => (c.op === 'PutItem' ? { answerDelayMs: 600 } : { delayMs: 250 }));
      const bounded = boundedStore(raw, { callMaxMs: 300, meter });
      const err = await bounded.put({ pk, sk: 'x', expiresAt: Math.floor(Date.now() / 1000) + 60, v: 'late' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreTimeoutError);
      expect((err as StoreTimeoutError).started).toBe(true);
      // It landed anyway: an abandoned write is "undone", not "not done".
      await new Promise((r) => setTimeout(r, 500));
      expect((await raw.get(pk, 'x'))?.v).toBe('late');

      // Two reads side by side (250 ms each) count 2 calls but the wall-clock time they took together,
      // not the sum of both (a bound generous enough for a loaded machine: the bound is not under test here).
      const roomy = boundedStore(raw, { callMaxMs: 5000, meter });
      const before = { ...meter };
      const t0 = Date.now();
      await Promise.all([roomy.get(pk, 'x'), roomy.get(pk, 'x')]);
      const wall = Date.now() - t0;
      expect(meter.calls - before.calls).toBe(2);
      expect(meter.ms - before.ms).toBeGreaterThanOrEqual(240);
      expect(meter.ms - before.ms).toBeLessThanOrEqual(wall + 5);

      const sent = proxy.calls.length;
      const late = boundedStore(raw, { callMaxMs: 1000, deadline: Date.now() + 5 });
      const skipped = await late.get(pk, 'x').catch((e: unknown) => e);
      expect(skipped).toBeInstanceOf(StoreTimeoutError);
      expect((skipped as StoreTimeoutError).started).toBe(false);
      expect(proxy.calls.length).toBe(sent);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
