/**
 * Single-flight on dynalite, the embedded store of local mode (`npm start`): dynalite does not return
 * the winning item when a conditional write fails (no ReturnValuesOnConditionCheckFailure), so losers
 * must read it instead of retrying the write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionFailedError } from '../../lambda/store/state-store';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { singleFlight } from '../../lambda/store/single-flight';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../local/embedded-dynamodb';

let ddb: EmbeddedDynamoDb;
beforeAll(async () => {
  ddb = await startEmbeddedDynamoDb();
});
afterAll(async () => {
  await ddb?.close();
});

describe('singleFlight on dynalite', () => {
  it('concurrent callers: one does the work, the others get its payload; a later one gets it from the store', async () => {
    const store = new DynamoDbStateStore({ tableName: ddb.tableName, client: ddb.client() });
    let calls = 0;
    const run = () =>
      singleFlight({ store, pk: 'refresh#dynalite', inProgressUntil: Date.now() + 2000, waitUntil: Date.now() + 3000, pollMs: 20 }, async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 100));
        return { value: 'v', payload: new TextEncoder().encode('kept'), keepSeconds: 60 };
      });
    const outcomes = await Promise.all(Array.from({ length: 10 }, run));
    expect(calls).toBe(1);
    expect(outcomes.filter((o) => o.role === 'leader')).toHaveLength(1);
    expect(outcomes.filter((o) => o.role === 'follower')).toHaveLength(9);
    const later = await run();
    expect(later.role).toBe('follower');
    expect(new TextDecoder().decode((later as { payload: Uint8Array }).payload)).toBe('kept');
    expect(calls).toBe(1);
  });
});

describe('DynamoDbStateStore on dynalite (no ReturnValuesOnConditionCheckFailure)', () => {
  it('a lost conditional write on an expired item reads as absent, as on DynamoDB', async () => {
    let now = 1_800_000_000;
    const store = new DynamoDbStateStore({ tableName: ddb.tableName, client: ddb.client(), nowSeconds: () => now });
    await store.put({ pk: 'grant#dynalite-expired', sk: 'grant', expiresAt: now + 600, createdAt: 1, v: 'x' });
    now += 601;
    const err = await store.put({ pk: 'grant#dynalite-expired', sk: 'grant', expiresAt: now + 60, status: 'used' }, { ifMatches: { createdAt: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).existing).toBeUndefined();
    expect(await store.get('grant#dynalite-expired', 'grant', { includeExpired: true })).toMatchObject({ v: 'x' });
  });

  it('a lost conditional write carries the live winner', async () => {
    const store = new DynamoDbStateStore({ tableName: ddb.tableName, client: ddb.client() });
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    await store.put({ pk: 'flight#dynalite-winner', sk: 'x', owner: 'a', expiresAt }, { ifAbsent: true });
    const err = await store.put({ pk: 'flight#dynalite-winner', sk: 'x', owner: 'b', expiresAt }, { ifAbsent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).existing?.owner).toBe('a');
  });
});
