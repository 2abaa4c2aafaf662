/**
 * A StateStore whose calls are bounded in time and metered (docs/deadline.md):
 *
 * - each call gives up after `callMaxMs`, so a table that hangs (throttling with SDK retries and
 *   back-off, a network black hole) fails in time for the caller to still act;
 * - no call runs past `deadline` (the request's one deadline): with less than MIN_CALL_MS left a
 *   call is not sent at all (StoreTimeoutError, `started: false`), and one still running at the
 *   deadline is abandoned (`started: true`; a write may land later, every protocol on the store
 *   tolerates that: markers expire, conditional writes of a lost owner fail);
 * - the calls and the wall-clock time spent in them (calls side by side count once) are added to
 *   `meter`, for the record's `timing`.
 */
import { MIN_CALL_MS } from '../core/deadline';
import { StoreTimeoutError, type PutCondition, type StateItem, type StateStore } from './state-store';

export interface StoreMeter {
  calls: number;
  /** Wall-clock ms during which at least one call was in flight. */
  ms: number;
  /** Calls in flight now, and since when (internal). */
  active?: number;
  since?: number;
}

export interface StoreBounds {
  /** Longest one call may take (ms). */
  callMaxMs: number;
  /** Epoch ms no call may run past; default: none. */
  deadline?: number;
  now?: () => number;
  meter?: StoreMeter;
}

/** Runs `op` within `bounds`; the time it takes is metered. */
export async function withinBounds<T>(op: () => Promise<T>, bounds: StoreBounds): Promise<T> {
  const now = bounds.now ?? Date.now;
  const started = now();
  const limit = Math.min(bounds.callMaxMs, bounds.deadline === undefined ? Infinity : bounds.deadline - started);
  if (limit < MIN_CALL_MS) throw new StoreTimeoutError(false, 'request deadline reached');
  const meter = bounds.meter;
  if (meter && (meter.active = (meter.active ?? 0) + 1) === 1) meter.since = started;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(true, `no answer within ${Math.round(limit)} ms`)), limit);
  });
  try {
    return await Promise.race([op(), expired]);
  } finally {
    clearTimeout(timer);
    if (meter) {
      meter.calls++;
      if (--meter.active! === 0) meter.ms += now() - meter.since!;
    }
  }
}

export function boundedStore(store: StateStore, bounds: StoreBounds): StateStore {
  return {
    get: (pk: string, sk: string, options?: { includeExpired?: boolean }): Promise<StateItem | undefined> => withinBounds(() => store.get(pk, sk, options), bounds),
    put: (item: StateItem, condition?: PutCondition): Promise<void> => withinBounds(() => store.put(item, condition), bounds),
    delete: (pk: string, sk: string): Promise<void> => withinBounds(() => store.delete(pk, sk), bounds),
  };
}

/** Opens the store (first use: loads the SDK) within the bounds, and bounds every call of it. */
export function boundedOpener(open: () => Promise<StateStore>, bounds: StoreBounds): () => Promise<StateStore> {
  let opened: Promise<StateStore> | undefined;
  return () => (opened ??= withinBounds(open, { ...bounds, meter: undefined }).then((s) => boundedStore(s, bounds)));
}
