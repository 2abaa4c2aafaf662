/**
 * Single-flight (lambda/store/single-flight.ts) step by step, on DynamoDB Local, with one injected
 * clock for the flight and the store (so keep times and in-progress expiry move with it) and faults
 * injected in front of the real store: the promises a refresh relies on — one caller does the work,
 * the others get its stored result, a strict flight never runs the work without its marker, and a
 * waiter ends at its deadline — each pinned on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_CALL_MS } from '../../lambda/core/deadline';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { singleFlight, writeOutcomeOf, type SingleFlightOptions, type WorkResult } from '../../lambda/store/single-flight';
import { ConditionFailedError, StoreTimeoutError, StoreUnavailableError, type PutCondition, type StateItem, type StateStore } from '../../lambda/store/state-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';

const ddb = useDynamoDbLocal();
const TABLE = 'state';
/** The flight's and the store's clock (epoch ms); starts half-way through a second so floors and ceilings differ. */
const clock = { t: 1_900_000_000_500 };
let real: DynamoDbStateStore;
beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  real = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => clock.t / 1000 });
});

let n = 0;
const newKey = () => `refresh#flight-${process.pid}-${++n}`;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

type Call = { op: 'get' | 'put' | 'delete'; item?: StateItem; condition?: PutCondition; n: number };
/** The real store with faults injected per call (`fault` returns the error to throw instead of calling it), and a log of calls. */
function withFaults(fault: (call: Call) => Error | undefined = () => undefined, before?: (call: Call) => void | Promise<void>) {
  const calls: Call[] = [];
  const gate = async (call: Call) => {
    calls.push(call);
    await before?.(call);
    const err = fault(call);
    if (err) throw err;
  };
  const store: StateStore = {
    get: async (pk, sk, options) => (await gate({ op: 'get', n: calls.length }), real.get(pk, sk, options)),
    put: async (item, condition) => (await gate({ op: 'put', item, condition, n: calls.length }), real.put(item, condition)),
    delete: async (pk, sk) => (await gate({ op: 'delete', n: calls.length }), real.delete(pk, sk)),
  };
  return { store, calls };
}

/** Options with the shared clock; sleeping moves the clock (and optionally lets a test act between polls). */
function options(pk: string, over: Partial<SingleFlightOptions> = {}, onSleep?: (ms: number) => void | Promise<void>): SingleFlightOptions {
  return {
    store: real,
    pk,
    inProgressUntil: clock.t + 5000,
    waitUntil: clock.t + 4000,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
      await onSleep?.(ms);
    },
    ...over,
  };
}

/** An in-progress marker of another caller, as its put would have left it. */
const othersMarker = (pk: string, inProgressUntil: number, sk = 'flight'): StateItem => ({ pk, sk, status: 'in_progress', owner: 'other-owner', inProgressUntil, expiresAt: Math.ceil(inProgressUntil / 1000) + 1 });
const completed = (pk: string, payload: string, keepSeconds = 60, sk = 'flight'): StateItem => ({ pk, sk, status: 'completed', owner: 'other-owner', payload: bytes(payload), completedAt: clock.t, expiresAt: Math.floor(clock.t / 1000) + keepSeconds });

describe('the leader', () => {
  it('holds an in-progress marker while it works, then keeps its payload for keepSeconds (whole seconds, rounded up)', async () => {
    const pk = newKey();
    const until = clock.t + 3210;
    let marker: StateItem | undefined;
    const outcome = await singleFlight(options(pk, { inProgressUntil: until }), async () => {
      marker = await real.get(pk, 'flight');
      clock.t += 700;
      return { value: 'v1', payload: bytes('kept'), keepSeconds: 59.2 };
    });
    expect(outcome).toEqual({ role: 'leader', value: 'v1', tookOver: false, recorded: 'written' });
    expect(marker).toEqual({ pk, sk: 'flight', status: 'in_progress', owner: expect.stringMatching(/^[0-9a-f-]{36}$/), inProgressUntil: until, expiresAt: Math.ceil(until / 1000) + 1 });
    const kept = await real.get(pk, 'flight');
    expect(kept).toEqual({ pk, sk: 'flight', status: 'completed', owner: marker!.owner, payload: bytes('kept'), completedAt: clock.t, expiresAt: Math.floor(clock.t / 1000) + 60 });
  });

  it('keeps a payload at least 1 s, and 1 s when no keep time is given', async () => {
    for (const keepSeconds of [0, -5, 0.2, undefined]) {
      const pk = newKey();
      await singleFlight(options(pk), async () => ({ value: 1, payload: bytes('p'), ...(keepSeconds === undefined ? {} : { keepSeconds }) }));
      expect((await real.get(pk, 'flight'))?.expiresAt).toBe(Math.floor(clock.t / 1000) + 1);
    }
  });

  it('uses the given sort key', async () => {
    const pk = newKey();
    await singleFlight(options(pk, { sk: 'lwa' }), async () => ({ value: 1, payload: bytes('p'), keepSeconds: 10 }));
    expect(await real.get(pk, 'flight')).toBeUndefined();
    expect((await real.get(pk, 'lwa'))?.status).toBe('completed');
  });

  it('a result without payload releases the key at once (expired a second ago, never 0), and the next caller leads', async () => {
    const pk = newKey();
    await singleFlight(options(pk), async () => ({ value: 'failed' }));
    expect(await real.get(pk, 'flight')).toBeUndefined();
    expect(await real.get(pk, 'flight', { includeExpired: true })).toMatchObject({ status: 'released', expiresAt: Math.floor(clock.t / 1000) - 1 });
    const next = await singleFlight(options(pk), async () => ({ value: 'second' }));
    expect(next).toMatchObject({ role: 'leader', value: 'second', tookOver: false });
  });

  it('work that throws deletes the marker and the error propagates; the next caller leads at once', async () => {
    const pk = newKey();
    await expect(singleFlight(options(pk), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await real.get(pk, 'flight', { includeExpired: true })).toBeUndefined();
    let slept = 0;
    const next = await singleFlight(options(pk, {}, (ms) => void (slept += ms)), async () => ({ value: 'ok' }));
    expect(next.role).toBe('leader');
    expect(slept).toBe(0);
  });

  it('a failed delete after failed work still lets the work\'s error through', async () => {
    const { store } = withFaults((c) => (c.op === 'delete' ? new StoreUnavailableError('ThrottlingException') : undefined));
    await expect(singleFlight(options(newKey(), { store }), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it.each([
    ['undone', new StoreTimeoutError(true, 'abandoned')],
    ['skipped', new StoreTimeoutError(false, 'no time left')],
    ['failed', new StoreUnavailableError('ThrottlingException')],
    ['failed', new ConditionFailedError(undefined)],
  ])('the value is returned even when keeping it fails: recorded %s', async (recorded, err) => {
    for (const payload of [bytes('p'), undefined]) {
      const { store } = withFaults((c) => (c.op === 'put' && c.condition?.ifMatches ? err : undefined));
      const outcome = await singleFlight(options(newKey(), { store }), async () => ({ value: 'mine', payload, keepSeconds: 5 }));
      expect(outcome).toEqual({ role: 'leader', value: 'mine', tookOver: false, recorded });
    }
  });

  it('keeping the payload is conditional on still owning the key (a taker-over that finished first is not overwritten)', async () => {
    const pk = newKey();
    const outcome = await singleFlight(options(pk), async () => {
      await real.put(completed(pk, 'the taker-over\'s'));
      return { value: 'late', payload: bytes('late'), keepSeconds: 60 };
    });
    expect(outcome).toMatchObject({ role: 'leader', recorded: 'failed' });
    expect(text((await real.get(pk, 'flight'))!.payload as Uint8Array)).toBe("the taker-over's");
  });

  it('releasing the key is conditional on still owning it too (a taker-over\'s marker is not released)', async () => {
    const pk = newKey();
    const outcome = await singleFlight(options(pk), async () => {
      await real.put(othersMarker(pk, clock.t + 5000));
      return { value: 'failed' };
    });
    expect(outcome).toMatchObject({ role: 'leader', recorded: 'failed' });
    expect(await real.get(pk, 'flight')).toMatchObject({ status: 'in_progress', owner: 'other-owner' });
  });
});

describe('followers', () => {
  it('a payload kept from an earlier flight is served at once, without the work', async () => {
    const pk = newKey();
    await real.put(completed(pk, 'earlier'));
    const outcome = await singleFlight(options(pk), async () => {
      throw new Error('must not run');
    });
    expect(outcome).toEqual({ role: 'follower', payload: bytes('earlier'), waitedMs: 0, sleptMs: 0 });
  });

  it('waits for a leader in progress, polling every pollMs (50 ms by default), and gets its payload', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    let polls = 0;
    const outcome = await singleFlight(
      options(pk, {}, async () => {
        polls += 1;
        if (polls === 3) await real.put(completed(pk, 'fresh'));
      }),
      async () => ({ value: 'never' }),
    );
    expect(outcome).toEqual({ role: 'follower', payload: bytes('fresh'), waitedMs: 150, sleptMs: 150 });
  });

  it('counts waited and slept time separately (a slow read is waiting, not sleeping)', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    let reads = 0;
    const { store } = withFaults(undefined, async (c) => {
      if (c.op !== 'get') return;
      clock.t += 30; // each read takes 30 ms
      if (++reads === 2) await real.put(completed(pk, 'fresh'));
    });
    const outcome = await singleFlight(options(pk, { store, pollMs: 20 }), async () => ({ value: 'never' }));
    expect(outcome).toEqual({ role: 'follower', payload: bytes('fresh'), waitedMs: 100, sleptMs: 40 });
  });

  it('a result kept only briefly is still the answer of the flight it waited for, even if its keep time passed before the read', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    const outcome = await singleFlight(
      options(pk, {}, async () => {
        // The leader finished and its keep time ran out before this poll's read.
        await real.put({ ...completed(pk, 'brief'), expiresAt: Math.floor(clock.t / 1000) });
      }),
      async () => ({ value: 'second call' }),
    );
    expect(outcome.role).toBe('follower');
    expect(text((outcome as { payload: Uint8Array }).payload)).toBe('brief');
  });

  it('a leader that released the key (its work failed) lets a waiter lead', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    const outcome = await singleFlight(
      options(pk, {}, async () => {
        // As the leader writes it: expired a second ago (reads with includeExpired still see it).
        await real.put({ pk, sk: 'flight', status: 'released', owner: 'other-owner', expiresAt: Math.floor(clock.t / 1000) - 1 });
      }),
      async () => ({ value: 'mine' }),
    );
    expect(outcome).toMatchObject({ role: 'leader', value: 'mine', tookOver: false });
  });

  it('a leader whose item vanished (deleted after its work threw) lets a waiter lead', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    const outcome = await singleFlight(options(pk, {}, () => real.delete(pk, 'flight')), async () => ({ value: 'mine' }));
    expect(outcome).toMatchObject({ role: 'leader', value: 'mine', tookOver: false });
  });

  it('a leader that died is taken over once its in-progress time has passed, not before', async () => {
    const pk = newKey();
    const until = clock.t + 100;
    await real.put(othersMarker(pk, until));
    let startedAt = 0;
    const outcome = await singleFlight(options(pk), async () => {
      startedAt = clock.t;
      return { value: 'mine', payload: bytes('mine'), keepSeconds: 10 };
    });
    expect(outcome).toEqual({ role: 'leader', value: 'mine', tookOver: true, recorded: 'written' });
    // Polled at +50, +100 (still honoured: not past it), +150 (past): taken over then.
    expect(startedAt - until).toBe(50);
  });

  it('a marker already stale when a caller arrives is overwritten directly (no wait)', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t - 1));
    let slept = 0;
    const outcome = await singleFlight(options(pk, {}, (ms) => void (slept += ms)), async () => ({ value: 'mine' }));
    expect(outcome).toMatchObject({ role: 'leader', tookOver: false });
    expect(slept).toBe(0);
  });
});

describe('the deadline', () => {
  it('a waiter ends with `timeout` when another poll could not finish before waitUntil', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 10_000));
    const start = clock.t;
    let worked = false;
    // Polls at +50, +100, +150; one more (+200, plus MIN_CALL_MS for the read) would pass waitUntil.
    const outcome = await singleFlight(options(pk, { waitUntil: start + 200 + MIN_CALL_MS - 1 }), async () => {
      worked = true;
      return { value: 'x' };
    });
    expect(outcome).toEqual({ role: 'timeout', waitedMs: 150, sleptMs: 150 });
    expect(worked).toBe(false);
    // With exactly enough time for that poll, it is made.
    await real.put(othersMarker(pk, clock.t + 10_000));
    const edge = clock.t;
    expect(await singleFlight(options(pk, { waitUntil: edge + 200 + MIN_CALL_MS }), async () => ({ value: 'x' }))).toEqual({ role: 'timeout', waitedMs: 200, sleptMs: 200 });
  });
});

describe('when the store fails', () => {
  const throttled = () => new StoreUnavailableError('ThrottlingException');

  it('default: a failed marker write runs the work uncoordinated (degraded), naming the reason', async () => {
    const { store } = withFaults((c) => (c.op === 'put' ? throttled() : undefined));
    let calls = 0;
    const outcome = await singleFlight(options(newKey(), { store }), async () => ({ value: ++calls }));
    expect(outcome).toEqual({ role: 'degraded', value: 1, reason: 'ThrottlingException' });
  });

  it('strict: a failed marker write never runs the work (`unavailable`, with the time spent)', async () => {
    const { store } = withFaults((c) => {
      if (c.op !== 'put') return undefined;
      clock.t += 300;
      return new StoreTimeoutError(true, 'abandoned after 300 ms');
    });
    let calls = 0;
    const outcome = await singleFlight(options(newKey(), { store, strict: true }), async () => ({ value: ++calls }));
    expect(outcome).toEqual({ role: 'unavailable', reason: 'abandoned after 300 ms', waitedMs: 300 });
    expect(calls).toBe(0);
  });

  it('default: a waiter whose poll fails goes on uncoordinated', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    const { store } = withFaults((c) => (c.op === 'get' ? throttled() : undefined));
    const outcome = await singleFlight(options(pk, { store }), async () => ({ value: 'direct' }));
    expect(outcome).toEqual({ role: 'degraded', value: 'direct', reason: 'ThrottlingException' });
  });

  it('strict: a waiter whose polls fail keeps polling, and is served when a poll gets through', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    let gets = 0;
    const { store } = withFaults((c) => (c.op === 'get' && ++gets <= 2 ? throttled() : undefined));
    let calls = 0;
    const outcome = await singleFlight(
      options(pk, { store, strict: true }, async () => {
        if (gets === 2) await real.put(completed(pk, 'leader\'s'));
      }),
      async () => ({ value: ++calls }),
    );
    expect(outcome.role).toBe('follower');
    expect(text((outcome as { payload: Uint8Array }).payload)).toBe("leader's");
    expect(calls).toBe(0);
  });

  it('strict: polls failing until the deadline end in `timeout` naming the last store error; the work never runs', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 10_000));
    const start = clock.t;
    const { store } = withFaults((c) => (c.op === 'get' ? throttled() : undefined));
    let calls = 0;
    const outcome = await singleFlight(options(pk, { store, strict: true, waitUntil: start + 1000 }), async () => ({ value: ++calls }));
    expect(outcome).toMatchObject({ role: 'timeout', storeError: 'ThrottlingException' });
    expect(calls).toBe(0);
  });

  it('a poll that fails at the deadline ends the wait even when not strict: no uncoordinated call that late', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 10_000));
    const start = clock.t;
    const waitUntil = start + 500;
    const { store } = withFaults((c) => {
      if (c.op !== 'get') return undefined;
      clock.t = waitUntil - MIN_CALL_MS + 1; // the read was cut short by the deadline
      return new StoreTimeoutError(true, 'cut short');
    });
    let calls = 0;
    const outcome = await singleFlight(options(pk, { store, waitUntil }), async () => ({ value: ++calls }));
    expect(outcome).toEqual({ role: 'timeout', waitedMs: 500 - MIN_CALL_MS + 1, sleptMs: 50, storeError: 'cut short' });
    expect(calls).toBe(0);
  });

  it('a poll that fails with just enough time left goes on uncoordinated (not strict)', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 10_000));
    const waitUntil = clock.t + 500;
    const { store } = withFaults((c) => {
      if (c.op !== 'get') return undefined;
      clock.t = waitUntil - MIN_CALL_MS;
      return throttled();
    });
    const outcome = await singleFlight(options(pk, { store, waitUntil }), async () => ({ value: 'direct' }));
    expect(outcome).toEqual({ role: 'degraded', value: 'direct', reason: 'ThrottlingException' });
  });

  it('errors that are not the store being unavailable propagate (a bug is not an outage)', async () => {
    const bug = new TypeError('bug');
    const onPut = withFaults((c) => (c.op === 'put' ? bug : undefined));
    await expect(singleFlight(options(newKey(), { store: onPut.store }), async () => ({ value: 1 }))).rejects.toBe(bug);
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 3000));
    const onGet = withFaults((c) => (c.op === 'get' ? bug : undefined));
    await expect(singleFlight(options(pk, { store: onGet.store }), async () => ({ value: 1 }))).rejects.toBe(bug);
  });
});

describe('writeOutcomeOf', () => {
  it('names what became of a write from its error', () => {
    expect(writeOutcomeOf(new StoreTimeoutError(true, 'x'))).toBe('undone');
    expect(writeOutcomeOf(new StoreTimeoutError(false, 'x'))).toBe('skipped');
    expect(writeOutcomeOf(new StoreUnavailableError('x'))).toBe('failed');
    expect(writeOutcomeOf(new ConditionFailedError(undefined))).toBe('failed');
    expect(writeOutcomeOf(new Error('x'))).toBe('failed');
  });
});

// A flight the tests above do not cover: the store answers a lost condition without the winner (it expired meanwhile).
describe('the default sleep', () => {
  it('a waiter without an injected sleep really waits pollMs between polls (no busy polling of the table)', async () => {
    const pk = newKey();
    await real.put(othersMarker(pk, clock.t + 60_000));
    const start = Date.now();
    // The store's clock stays on the shared clock (the marker stays alive); the flight's runs on real time.
    const outcome = await singleFlight({ store: real, pk, inProgressUntil: clock.t + 5000, waitUntil: start + 300, pollMs: 60 }, async () => ({ value: 'never' }));
    expect(outcome.role).toBe('timeout');
    if (outcome.role !== 'timeout') return;
    expect(outcome.sleptMs).toBeGreaterThanOrEqual(55);
  });
});

describe('a lost marker write whose winner is not returned', () => {
  it('reads it at once, without sleeping first', async () => {
    const pk = newKey();
    await real.put(completed(pk, 'kept'));
    const { store } = withFaults((c) => (c.op === 'put' && c.condition?.ifAbsent ? new ConditionFailedError(undefined) : undefined));
    let slept = 0;
    const outcome = await singleFlight(options(pk, { store }, (ms) => void (slept += ms)), async (): Promise<WorkResult<string>> => ({ value: 'never' }));
    expect(outcome).toEqual({ role: 'follower', payload: bytes('kept'), waitedMs: 0, sleptMs: 0 });
    expect(slept).toBe(0);
  });
});
