/**
 * guardRefresh on DynamoDB Local with an injected clock: what a cached answer looks like when it is
 * served later (expires_in counts from when the provider issued it), non-rotating providers, the
 * stateless mode, and a failing provider call releasing the token.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpAnswer } from '../../lambda/core/oauth-error';
import { guardRefresh, type RefreshAnswer, type RefreshGuardOptions } from '../../lambda/core/refresh-guard';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { StateStore } from '../../lambda/store/state-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';

const ddb = useDynamoDbLocal();
const TABLE = 'state';
let store: StateStore;
beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client() });
});

const ok = (body: Record<string, unknown>): HttpAnswer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const describeAnswer = (answer: HttpAnswer): RefreshAnswer => ({ answer, outcome: 'success', verdicts: [{ code: 'ok', severity: 'info', message: 'refresh succeeded' }], tokens: {} });

function options(token: string, clock: { t: number }, over: Partial<RefreshGuardOptions> = {}): RefreshGuardOptions {
  return { store: () => Promise.resolve(store), refreshToken: token, clientId: 'c', clientSecret: 's', graceSeconds: 600, inProgressMs: 5000, deadline: clock.t + 4000, now: () => clock.t, ...over };
}

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
    const counted = new DynamoDbStateStore({ tableName: TABLE, client });
    const token = `rt-${randomBytes(8).toString('hex')}`;
    const clock = { t: Date.now() };
    const opts = options(token, clock, { store: () => Promise.resolve(counted) });
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
    const token = `rt-${randomBytes(8).toString('hex')}`;
    const clock = { t: Date.now() };
    let calls = 0;
    const work = async () => {
      calls++;
      return ok({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-next' });
    };
    const first = await guardRefresh(options(token, clock), work, describeAnswer);
    expect(first).toMatchObject({ kind: 'called', refresh: { role: 'leader', graceHit: false } });

    clock.t += 120_000; // two minutes later (the item's TTL is in real seconds, still live)
    const replay = await guardRefresh(options(token, clock), work, describeAnswer);
    expect(calls).toBe(1);
    if (replay.kind !== 'served') throw new Error('expected a served answer');
    expect(JSON.parse(replay.served.answer.body)).toEqual({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3480, refresh_token: 'rt-next' });
    expect(replay.refresh).toMatchObject({ role: 'grace', graceHit: true, cachedAgeS: 120 });
    expect(replay.translated).toContain('expires_in 3600 → 3480 (cached answer is 120 s old)');
    expect(replay.verdicts[0]!.message).toContain('refresh token rotated; old one replayed within the grace window, cached answer served');
    // The leader's verdicts travel with the answer.
    expect(replay.served.verdicts.map((v) => v.code)).toEqual(['ok']);
  });

  it('a provider that does not rotate: the grace verdict says the same token came again', async () => {
    const token = `rt-${randomBytes(8).toString('hex')}`;
    const clock = { t: Date.now() };
    const work = async () => ok({ access_token: 'at-2', token_type: 'Bearer', refresh_token: token });
    await guardRefresh(options(token, clock), work, describeAnswer);
    clock.t += 1000;
    const replay = await guardRefresh(options(token, clock), work, describeAnswer);
    expect(replay.kind).toBe('served');
    expect(replay.verdicts[0]).toMatchObject({ code: 'refresh_grace_served' });
    expect(replay.verdicts[0]!.message).toContain('the same refresh token was presented again within the grace window');
  });

  it('no store: stateless, the provider is called with the whole budget', async () => {
    const clock = { t: 1_000_000 };
    let given = 0;
    const out = await guardRefresh(options('rt', clock, { store: undefined }), async (timeoutMs) => {
      given = timeoutMs;
      return ok({ access_token: 'x' });
    }, describeAnswer);
    expect(out).toMatchObject({ kind: 'called', refresh: { role: 'stateless', degraded: false }, verdicts: [] });
    expect(given).toBe(4000);
  });

  it('a provider call that throws releases the token: the next request leads', async () => {
    const token = `rt-${randomBytes(8).toString('hex')}`;
    const clock = { t: Date.now() };
    await expect(guardRefresh(options(token, clock), async () => Promise.reject(new Error('bug')), describeAnswer)).rejects.toThrow('bug');
    const next = await guardRefresh(options(token, clock), async () => ok({ access_token: 'y' }), describeAnswer);
    expect(next).toMatchObject({ kind: 'called', refresh: { role: 'leader' } });
  });
});
