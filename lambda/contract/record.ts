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
import { TOKEN_BUDGET_MS } from './deadlines';
import { RECORD_TYPE } from './record-type';
import type { Verdict } from './verdicts';

/** The record type string every record carries (`type`, lambda/contract/record-type.ts), and the schema version (`v`). */
export { RECORD_TYPE };
/**
 * 2: the compact record (issue 12): info verdicts as code and parameters (`note()`), and the
 * defaults below left out. The CLI reads both (`expandRecord`).
 */
export const RECORD_VERSION: 2 = 2;

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
  v: 1 | typeof RECORD_VERSION;
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

/**
 * What a v2 record leaves out because it is the default, defined once for the writer
 * (`compactRecord`) and the reader (`expandRecord`): `[object, field, value]`.
 */
const DEFAULTS = [
  ['upstream', 'method', 'POST'],
  ['upstream', 'outcome', 'answered'],
  ['tokens', 'codeVerifierPresent', false],
  ['tokens', 'idTokenPresent', false],
  ['refresh', 'waitedMs', 0],
  ['refresh', 'graceHit', false],
  ['refresh', 'degraded', false],
  ['timing', 'upstreamMs', 0],
  ['timing', 'ownMs', 0],
  ['timing', 'storeMs', 0],
  ['timing', 'waitMs', 0],
  ['timing', 'deadlineMs', TOKEN_BUDGET_MS],
  ['response', 'status', 200],
] as const;

/** The media type a body of each format is labelled with when the label agrees (v2 leaves it out then). */
const MEDIA_TYPE_OF_FORMAT: Readonly<Record<string, string>> = { json: 'application/json', form: 'application/x-www-form-urlencoded' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `GET /authorize` → method and path, for routes named that way. */
function routeParts(route: unknown): { method: string; path: string } | undefined {
  const m = typeof route === 'string' ? /^([A-Z]+) (\/\S*)$/.exec(route) : null;
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/**
 * The record as it is written (v2): defaults, zero timings, empty lists and the `method`/`path`
 * its route already names left out. A new object; the record itself is not changed.
 */
export function compactRecord<T extends RecordBase>(record: T): T {
  const out: Obj = { ...(record as unknown as Obj) };
  const parts = routeParts(out['route']);
  if (parts && out['method'] === parts.method && out['path'] === parts.path) {
    delete out['method'];
    delete out['path'];
  }
  if (Array.isArray(out['translated']) && out['translated'].length === 0) delete out['translated'];
  const copies = new Map<string, Obj>();
  const copyOf = (name: string): Obj | undefined => {
    if (!copies.has(name) && isObj(out[name])) copies.set(name, (out[name] = { ...(out[name] as Obj) }) as Obj);
    return copies.get(name);
  };
  for (const [name, field, value] of DEFAULTS) {
    const o = copyOf(name);
    if (o && o[field] === value && (name !== 'response' || parts)) delete o[field];
  }
  const timing = copyOf('timing');
  if (timing) for (const [k, v] of Object.entries(timing)) if (Array.isArray(v) && v.length === 0) delete timing[k];
  const upstream = copyOf('upstream');
  if (upstream && typeof upstream['format'] === 'string' && upstream['contentType'] === MEDIA_TYPE_OF_FORMAT[upstream['format']]) delete upstream['contentType'];
  // The provider's time is the timing's (the dashboard reads timing.upstreamMs).
  if (upstream && timing && upstream['latencyMs'] === timing['upstreamMs']) delete upstream['latencyMs'];
  // A refresh answer without a new refresh token returns the one Alexa presented.
  const tokens = copyOf('tokens');
  if (tokens && tokens['refreshTokenOutFp'] !== undefined && tokens['refreshTokenOutFp'] === tokens['refreshTokenInFp']) delete tokens['refreshTokenOutFp'];
  if (tokens && tokens['scope'] === '') delete tokens['scope'];
  // How Alexa authenticated is the record's clientAuth: a success does not say it twice.
  if (out['route'] === 'POST /token' && out['outcome'] === 'success' && Array.isArray(out['verdicts'])) {
    out['verdicts'] = (out['verdicts'] as Obj[]).filter((v) => v['code'] !== `alexa_auth_${String(out['clientAuth'])}`);
  }
  if (isObj(out['response']) && Object.keys(out['response']).length === 0) delete out['response'];
  return out as unknown as T;
}

/**
 * A record as read, in the shape v1 wrote it: what `compactRecord` left out put back. A v1 record
 * (or any without `v` 2) is returned as it is.
 */
export function expandRecord<T extends Obj>(record: T): T {
  if (record['v'] !== 2) return record;
  const out: Obj = { ...record };
  const parts = routeParts(out['route']);
  if (parts) {
    out['method'] ??= parts.method;
    out['path'] ??= parts.path;
    out['response'] = { status: 200, ...(isObj(out['response']) ? out['response'] : {}) };
  }
  if (out['route'] === 'POST /token' || out['route'] === 'unmatched') out['translated'] ??= [];
  for (const [name, field, value] of DEFAULTS) {
    if (name === 'response' || name === 'timing' || !isObj(out[name])) continue;
    if (name === 'tokens' && field === 'codeVerifierPresent' && out['grantType'] !== 'authorization_code') continue;
    const o = (out[name] = { ...(out[name] as Obj) }) as Obj;
    o[field] ??= value;
  }
  const upstream = out['upstream'];
  if (isObj(upstream)) {
    const up: Obj = (out['upstream'] = { ...upstream });
    if (up['contentType'] === undefined && typeof up['format'] === 'string' && MEDIA_TYPE_OF_FORMAT[up['format']]) up['contentType'] = MEDIA_TYPE_OF_FORMAT[up['format']];
    if (up['latencyMs'] === undefined && up['outcome'] === 'answered') up['latencyMs'] = isObj(out['timing']) && typeof out['timing']['upstreamMs'] === 'number' ? out['timing']['upstreamMs'] : 0;
  }
  const tokens = out['tokens'];
  if (isObj(tokens) && out['outcome'] === 'success' && tokens['refreshTokenInFp'] !== undefined && tokens['refreshTokenOutFp'] === undefined) out['tokens'] = { ...tokens, refreshTokenOutFp: tokens['refreshTokenInFp'] };
  const scheme = out['clientAuth'];
  if (out['route'] === 'POST /token' && out['outcome'] === 'success' && (scheme === 'basic' || scheme === 'body') && Array.isArray(out['verdicts'])) {
    const verdicts = out['verdicts'] as Obj[];
    const okAt = verdicts.findIndex((v) => v['code'] === 'ok');
    const at = okAt >= 0 ? okAt + 1 : verdicts.length;
    out['verdicts'] = [...verdicts.slice(0, at), { code: `alexa_auth_${scheme}` }, ...verdicts.slice(at)];
  }
  return out as T;
}
