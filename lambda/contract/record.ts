/**
 * The record envelope: what every route's record (token, authorize, callback, AcceptGrant,
 * directive, LWA refresh, Event Gateway) shares, and how it is opened and closed. Defined once here;
 * each route adds its own fields between the head and the tail (lambda/core/exchange-record.ts,
 * authorize/record.ts, smart-home/records.ts).
 *
 * The field names are a public interface: the CLI, the saved Logs Insights queries and the metric
 * filters read them (docs/exchange-log.md). Add fields, never rename them.
 *
 * No imports but types: used by lambda/, local/ and cli/ alike.
 */
import { RECORD_TYPE } from './record-type';
import type { Verdict } from './verdicts';

/** The record type string every record carries (`type`, lambda/contract/record-type.ts), and the schema version (`v`). */
export { RECORD_TYPE };
export const RECORD_VERSION: 1 = 1;

/** The writes a token request may make after (or to protect) the provider's answer. */
export type StoreWrite = 'refresh_answer' | 'grantee';

/**
 * Where the time went (ms). `ownMs` is what is left of `totalMs` after the provider, the state table
 * and waiting. The token route also says how its one deadline was spent (docs/deadline.md).
 */
export interface Timing {
  totalMs: number;
  upstreamMs: number;
  ownMs: number;
  /** State-table calls: their number and the time spent in them. */
  storeCalls?: number;
  storeMs?: number;
  /** Time spent waiting between polls for another request's refresh. */
  waitMs?: number;
  /** The request's deadline, ms after its start: Alexa's 4.5 s minus a margin, or less if the Lambda had less time left. */
  deadlineMs?: number;
  /** Writes not done before the answer: `skipped` (no time left to send), `undone` (still running at the deadline; may land later), `failed`. */
  writesSkipped?: StoreWrite[];
  writesUndone?: StoreWrite[];
  writesFailed?: StoreWrite[];
}

/** The envelope: the diagnosis CLI groups and judges records by these fields alone. */
export interface RecordBase {
  /** Record type and schema version. */
  type: typeof RECORD_TYPE;
  v: typeof RECORD_VERSION;
  time: string;
  requestId: string;
  /**
   * Id of the key the record's fingerprints were made with (`k:` + 8 hex, or `ephemeral` when the
   * deployment key was unreachable): fingerprints compare only between records with the same fpKey.
   */
  fpKey?: string;
  /** Correlates authorize, callback, token, refresh, AcceptGrant and gateway records of one link. */
  linkId?: string;
  /** `POST /token`, `GET /authorize`, `GET /callback`, `AcceptGrant`, … or `unmatched`. */
  route: string;
  outcome: string;
  timing: Timing;
  verdicts: Verdict[];
}

/** API Gateway and Lambda request ids are short ids; anything else is logged as `other`. */
export function requestIdText(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,99}$/.test(id) ? id : 'other';
}

/**
 * Opens a record when a request arrives: the envelope's head, the route's own `fields` (in their
 * order), then the tail the request fills in (outcome, timing, verdicts).
 */
export function openRecord<R extends string, F extends object>(route: R, requestId: string, start: number, fpKey: string, fields: F) {
  return {
    type: RECORD_TYPE,
    v: RECORD_VERSION,
    time: new Date(start).toISOString(),
    requestId: requestIdText(requestId),
    fpKey,
    route,
    ...fields,
    outcome: 'success' as const,
    timing: { totalMs: 0, upstreamMs: 0, ownMs: 0 } as Timing,
    verdicts: [] as Verdict[],
  };
}

/**
 * Closes the record's clock when the answer is ready: the total, and the adapter's own share of it
 * (the total less `elsewhereMs`: the provider, and for the token route the table and waiting).
 */
export function closeRecord<T extends RecordBase>(record: T, start: number, end: number, elsewhereMs: number = record.timing.upstreamMs): T {
  record.timing.totalMs = end - start;
  record.timing.ownMs = Math.max(0, record.timing.totalMs - elsewhereMs);
  return record;
}
