/**
 * Single-flight across Lambda instances, on the StateStore: for one key, exactly one caller (the
 * leader) does the work; concurrent callers wait for its result; a result can be kept for a grace
 * window and served to later callers with the same key.
 *
 * Record states (one item per key), after Powertools' idempotency layer:
 *
 *   absent ──put(ifAbsent)──► in_progress(owner, inProgressUntil) ──leader done──► completed(payload) ──expiresAt──► absent
 *                                 │                      │
 *                                 │ leader crashed:      └─ leader failed (not cacheable): released ──► absent
 *                                 └─ inProgressUntil passed → next caller takes over (put orStale)
 *
 * The payload is opaque bytes: callers encrypt it (see sealed.ts) before it is stored.
 *
 * When the store fails, it depends on the work (README "Refresh safety"):
 * - default: the work runs anyway, uncoordinated (`degraded`): availability beats dedup;
 * - `strict` (work that must never run twice, e.g. spending a single-use refresh token, which
 *   RFC 6749 §6 lets the server revoke once used): only the caller whose in-progress marker was
 *   written may run it. A caller whose own marker write fails gets `unavailable` (the work did not
 *   run); a waiter whose polls fail keeps polling until its deadline and then gets `timeout`.
 */
import { randomUUID } from 'node:crypto';
import { MIN_CALL_MS } from '../core/deadline';
import { ConditionFailedError, StoreTimeoutError, StoreUnavailableError, type StateItem, type StateStore } from './state-store';

export interface SingleFlightOptions {
  store: StateStore;
  pk: string;
  sk?: string;
  /** Epoch ms until which this caller's in-progress marker is honoured (its own deadline plus a margin); others take over after it. */
  inProgressUntil: number;
  /** Absolute deadline (epoch ms) for waiting on a leader; past it the caller gets `timeout`. */
  waitUntil: number;
  /** Never run the work without holding the in-progress marker (see above). */
  strict?: boolean;
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

/**
 * What became of a write: done; `skipped` (no time was left to send it); `undone` (sent, still
 * unanswered at the deadline: it may land later); `failed` (refused, or a condition lost).
 */
export type WriteOutcome = 'written' | 'skipped' | 'undone' | 'failed';

export type SingleFlightOutcome<T> =
  /** This caller did the work; `recorded`: what became of the write that keeps its result for others. */
  | { role: 'leader'; value: T; tookOver: boolean; recorded: WriteOutcome }
  /** Another caller's stored result (in flight a moment ago, or within the grace window). */
  | { role: 'follower'; payload: Uint8Array; waitedMs: number; sleptMs: number }
  /** Waited until the deadline without a result; `storeError`: the last failed poll, if any. */
  | { role: 'timeout'; waitedMs: number; sleptMs: number; storeError?: string }
  /** The store failed; the work ran without coordination (not `strict`). */
  | { role: 'degraded'; value: T; reason: string }
  /** `strict`: the store failed before this caller could hold the marker; the work did not run. */
  | { role: 'unavailable'; reason: string; waitedMs: number };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function writeOutcomeOf(err: unknown): WriteOutcome {
  if (err instanceof StoreTimeoutError) return err.started ? 'undone' : 'skipped';
  return 'failed';
}

export async function singleFlight<T>(options: SingleFlightOptions, work: () => Promise<WorkResult<T>>): Promise<SingleFlightOutcome<T>> {
  const { store, pk } = options;
  const sk = options.sk ?? 'flight';
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 50;
  const owner = randomUUID();
  const started = now();
  let tookOver = false;
  let sleptMs = 0;
  let storeError: string | undefined;

  const nap = async () => {
    const t = now();
    await sleep(pollMs);
    sleptMs += now() - t;
  };
  const timeout = () => ({ role: 'timeout' as const, waitedMs: now() - started, sleptMs, ...(storeError ? { storeError } : {}) });
  const runDegraded = async (err: StoreUnavailableError) => ({ role: 'degraded' as const, value: (await work()).value, reason: err.reason });
  /** A read while waiting; `failed` when the store did not answer (strict callers keep waiting). */
  const read = async (): Promise<{ item: StateItem | undefined } | 'failed'> => {
    try {
      // Expired items too: a completed answer past its keep time is still the answer of the flight this caller waited for.
      return { item: await store.get(pk, sk, { includeExpired: true }) };
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      storeError = err.reason;
      return 'failed';
    }
  };

  for (;;) {
    const marker: StateItem = {
      pk,
      sk,
      status: 'in_progress',
      owner,
      inProgressUntil: options.inProgressUntil,
      expiresAt: Math.ceil(options.inProgressUntil / 1000) + 1,
    };
    let existing: StateItem | undefined;
    try {
      await store.put(marker, { ifAbsent: true, orStale: { attribute: 'inProgressUntil', lessThan: now() } });
      existing = undefined;
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        // Strict: whether the marker landed is unknown (an abandoned write may land later, then it
        // expires unused); without it this caller must not do the work.
        if (options.strict) return { role: 'unavailable', reason: err.reason, waitedMs: now() - started };
        return runDegraded(err);
      }
      if (!(err instanceof ConditionFailedError)) throw err;
      // Undefined: the store did not return the winner (dynalite, local mode's store, ignores
      // ReturnValuesOnConditionCheckFailure), or it expired meanwhile; the wait loop reads it.
      existing = err.existing ?? { pk, sk, expiresAt: 0, status: 'unknown' };
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
      let recorded: WriteOutcome = 'written';
      try {
        if (result.payload) {
          const keep = Math.max(1, Math.ceil(result.keepSeconds ?? 1));
          await store.put(
            // Kept at most `keep` seconds (floor: the store treats the item as gone from the instant expiresAt is reached).
            { pk, sk, status: 'completed', owner, payload: result.payload, completedAt: now(), expiresAt: Math.floor(now() / 1000) + keep },
            { ifMatches: { owner } },
          );
        } else {
          // Expired a second ago: reads treat it as absent at once. Not 0: DynamoDB TTL ignores
          // expiry times more than five years in the past (DynamoDB docs, "Using TTL"), so the item would stay forever.
          await store.put({ pk, sk, status: 'released', owner, expiresAt: Math.floor(now() / 1000) - 1 }, { ifMatches: { owner } });
        }
      } catch (err) {
        // Lost ownership (a taker-over finished first), the store failed, or no time was left: the value is still ours to return.
        recorded = writeOutcomeOf(err);
      }
      return { role: 'leader', value: result.value, tookOver, recorded };
    }

    // Someone else leads or has led: wait for a payload.
    let lead = false;
    while (!lead) {
      if (existing && existing.status === 'completed' && existing.payload instanceof Uint8Array) {
        return { role: 'follower', payload: existing.payload, waitedMs: now() - started, sleptMs };
      }
      if (existing && existing.status === 'in_progress' && typeof existing.inProgressUntil === 'number' && existing.inProgressUntil < now()) {
        tookOver = true;
        break; // a leader that died: try to take over
      }
      if (now() + pollMs + MIN_CALL_MS > options.waitUntil) return timeout();
      if (existing?.status !== 'unknown') await nap();
      const next = await read();
      if (next === 'failed') {
        // A read cut short by the deadline is the end of the wait, not a reason to go it alone.
        if (now() + MIN_CALL_MS > options.waitUntil) return timeout();
        if (!options.strict) return runDegraded(new StoreUnavailableError(storeError ?? 'unknown'));
        existing = undefined; // strict: nothing learnt; keep polling until the deadline
        continue;
      }
      // Absent, or released by a leader that failed: nobody holds the key, try to lead.
      if (next.item === undefined || next.item.status === 'released') lead = true;
      else existing = next.item;
    }
  }
}
