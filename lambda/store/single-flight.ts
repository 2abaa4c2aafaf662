/**
 * Single-flight across Lambda instances, on the StateStore: for one key, exactly one caller (the
 * leader) does the work; concurrent callers wait for its result; a result can be kept for a grace
 * window and served to later callers with the same key.
 *
 * Record states (one item per key), after Powertools' idempotency layer:
 *
 *   absent ──put(ifAbsent)──► in_progress(owner, inProgressUntil) ──leader done──► completed(payload) ──expiresAt──► absent
 *                                 │                      │
 *                                 │ leader crashed:      └─ leader failed (not cacheable): marker deleted ──► absent
 *                                 └─ inProgressUntil passed → next caller takes over (put orStale)
 *
 * The payload is opaque bytes: callers encrypt it (see payload-crypto.ts) before it is stored.
 * If the store is unavailable, the work runs anyway (`degraded`): availability beats dedup.
 */
import { randomUUID } from 'node:crypto';
import { ConditionFailedError, StoreUnavailableError, type StateItem, type StateStore } from './state-store';

export interface SingleFlightOptions {
  store: StateStore;
  pk: string;
  sk?: string;
  /** How long a leader's in-progress marker is honoured before others take over (ms). */
  inProgressMs: number;
  /** Absolute deadline (epoch ms) for waiting on a leader; past it the caller gets `timeout`. */
  waitUntil: number;
  /** Poll interval while waiting (ms). */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the leader's work returns. */
export interface WorkResult<T> {
  value: T;
  /** Bytes to keep for followers and for the grace window; undefined: keep nothing, release the key. */
  payload?: Uint8Array;
  /** How long to keep the payload (seconds, ≥ 1). */
  keepSeconds?: number;
}

export type SingleFlightOutcome<T> =
  /** This caller did the work. */
  | { role: 'leader'; value: T; tookOver: boolean }
  /** Another caller's stored result (in flight a moment ago, or within the grace window). */
  | { role: 'follower'; payload: Uint8Array; waitedMs: number }
  /** Waited until the deadline without a result. */
  | { role: 'timeout'; waitedMs: number }
  /** The store failed; the work ran without coordination. */
  | { role: 'degraded'; value: T; reason: string };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function singleFlight<T>(options: SingleFlightOptions, work: () => Promise<WorkResult<T>>): Promise<SingleFlightOutcome<T>> {
  const { store, pk } = options;
  const sk = options.sk ?? 'flight';
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 50;
  const owner = randomUUID();
  const started = now();
  let tookOver = false;

  const runDegraded = async (err: StoreUnavailableError) => ({ role: 'degraded' as const, value: (await work()).value, reason: err.reason });

  for (;;) {
    const t = now();
    const marker: StateItem = {
      pk,
      sk,
      status: 'in_progress',
      owner,
      inProgressUntil: t + options.inProgressMs,
      expiresAt: Math.ceil((t + options.inProgressMs) / 1000) + 1,
    };
    let existing: StateItem | undefined;
    try {
      await store.put(marker, { ifAbsent: true, orStale: { attribute: 'inProgressUntil', lessThan: t } });
      existing = undefined;
    } catch (err) {
      if (err instanceof StoreUnavailableError) return runDegraded(err);
      if (!(err instanceof ConditionFailedError)) throw err;
      existing = err.existing;
      if (existing === undefined) {
        // The store did not return the winner (dynalite, local mode's store, ignores
        // ReturnValuesOnConditionCheckFailure), or it expired meanwhile: read it, and retry
        // within the deadline, never in a tight loop.
        try {
          existing = await store.get(pk, sk);
        } catch (readErr) {
          if (readErr instanceof StoreUnavailableError) return runDegraded(readErr);
          throw readErr;
        }
        if (existing === undefined || existing.status === 'released') {
          if (now() + pollMs > options.waitUntil) return { role: 'timeout', waitedMs: now() - started };
          await sleep(pollMs);
          continue;
        }
      }
    }

    if (existing === undefined) {
      // We lead.
      let result: WorkResult<T>;
      try {
        result = await work();
      } catch (err) {
        await store.delete(pk, sk).catch(() => undefined);
        throw err;
      }
      try {
        if (result.payload) {
          const keep = Math.max(1, Math.ceil(result.keepSeconds ?? 1));
          await store.put(
            { pk, sk, status: 'completed', owner, payload: result.payload, completedAt: now(), expiresAt: Math.floor(now() / 1000) + keep },
            { ifMatches: { owner } },
          );
        } else {
          // Expired a second ago: reads treat it as absent at once. Not 0: DynamoDB TTL ignores
          // expiry times more than five years in the past (DynamoDB docs, "Using TTL"), so the item would stay forever.
          await store.put({ pk, sk, status: 'released', owner, expiresAt: Math.floor(now() / 1000) - 1 }, { ifMatches: { owner } });
        }
      } catch {
        // Lost ownership (a taker-over finished first) or the store failed: the value is still ours to return.
      }
      return { role: 'leader', value: result.value, tookOver };
    }

    // Someone else leads or has led: wait for a payload.
    for (;;) {
      if (existing.status === 'completed' && existing.payload instanceof Uint8Array) {
        return { role: 'follower', payload: existing.payload, waitedMs: now() - started };
      }
      const stale = typeof existing.inProgressUntil === 'number' && existing.inProgressUntil < now();
      if (stale) {
        tookOver = true;
        break; // try to take over
      }
      if (now() + pollMs > options.waitUntil) return { role: 'timeout', waitedMs: now() - started };
      await sleep(pollMs);
      try {
        const next = await store.get(pk, sk);
        if (next === undefined || next.status === 'released') break; // leader gave up (failed) or expired: try to lead
        existing = next;
      } catch (err) {
        if (err instanceof StoreUnavailableError) return runDegraded(err);
        throw err;
      }
    }
  }
}
