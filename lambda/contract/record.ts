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
 * (`compactRecord`) and the reader (`expandRecord`): `[object, field, value, route]` (the route the
 * default holds on; any route when absent).
 */
const DEFAULTS: readonly (readonly [string, string, string | number | boolean, string?])[] = [
  ['upstream', 'method', 'POST'],
  ['tokens', 'codeVerifierPresent', false],
  ['tokens', 'idTokenPresent', false],
  ['refresh', 'waitedMs', 0],
  ['refresh', 'graceHit', false],
  ['refresh', 'degraded', false],
  ['timing', 'upstreamMs', 0],
  ['timing', 'storeMs', 0],
  ['timing', 'waitMs', 0],
  ['timing', 'deadlineMs', TOKEN_BUDGET_MS, 'POST /token'],
  ['lwa', 'grantType', 'authorization_code', 'AcceptGrant'],
  ['lwa', 'grantType', 'refresh_token', 'lwa_refresh'],
  ['gateway', 'attempts', 0],
  ['directive', 'namespace', 'Alexa.Authorization', 'AcceptGrant'],
  ['directive', 'name', 'AcceptGrant', 'AcceptGrant'],
  ['directive', 'payloadVersion', '3'],
  ['directive', 'correlationTokenPresent', false],
];

/** What a call that was answered says unless it says otherwise (`upstream` and `lwa`: outcome first, the rest only then). */
const ANSWERED_DEFAULTS = [
  ['outcome', 'answered'],
  ['status', 200],
] as const;

/** The media type a body of each format is labelled with when the label agrees (v2 leaves it out then). */
const MEDIA_TYPE_OF_FORMAT: Readonly<Record<string, string>> = { json: 'application/json', form: 'application/x-www-form-urlencoded' };

/** The answer a successful AcceptGrant gets (Alexa.Authorization AcceptGrant.Response). */
const ACCEPT_GRANT_RESPONSE = { namespace: 'Alexa.Authorization', name: 'AcceptGrant.Response' } as const;

/**
 * `translated` entries a v2 record writes as a code: each renders back, from the record, to the text
 * v1 wrote (lambda/core/translate.ts); an entry that renders to nothing else stays text.
 */
const TRANSLATION_CODES: Readonly<Record<string, (r: Obj) => string | undefined>> = {
  form: () => 'form → JSON',
  status: (r) => (typeof sub(r, 'upstream')['status'] === 'number' ? `status ${sub(r, 'upstream')['status']} → 200` : undefined),
  token_type_missing: () => 'token_type → Bearer (missing)',
  token_type: (r) => (typeof sub(r, 'tokens')['tokenType'] === 'string' ? `token_type ${sub(r, 'tokens')['tokenType']} → Bearer` : undefined),
  retained: () => 'refresh_token retained',
  expires_in_number: () => 'expires_in string → number',
  expires_in_default: (r) => (typeof sub(r, 'tokens')['expiresIn'] === 'number' ? `expires_in ${sub(r, 'tokens')['expiresIn']} synthesised` : undefined),
  scope_array: () => 'scope array → space-delimited',
  scope_comma: () => 'scope comma → space',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const sub = (r: Obj, name: string): Obj => (isObj(r[name]) ? r[name] : {});
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** `GET /authorize` → method and path, for routes named that way. */
function routeParts(route: unknown): { method: string; path: string } | undefined {
  const m = typeof route === 'string' ? /^([A-Z]+) (\/\S*)$/.exec(route) : null;
  return m ? { method: m[1]!, path: m[2]! } : undefined;
}

/** The adapter's own time, as closeRecord computed it: what the provider, the table and waiting left of the total. */
const ownMsOf = (t: Obj): number => Math.max(0, n(t['totalMs']) - n(t['upstreamMs']) - n(t['storeMs']) - n(t['waitMs']));

/** A successful refresh whose answer carried a refresh token other than the one Alexa presented. */
const wasRotated = (r: Obj): boolean => r['grantType'] === 'refresh_token' && sub(r, 'tokens')['refreshTokenOutFp'] !== undefined && sub(r, 'tokens')['refreshTokenInFp'] !== undefined && sub(r, 'tokens')['refreshTokenOutFp'] !== sub(r, 'tokens')['refreshTokenInFp'];

/** The defaults that hold on `route`. */
const defaultsOf = (route: unknown) => DEFAULTS.filter(([, , , r]) => r === undefined || r === route);

/**
 * A copy of the record whose parts (`upstream`, `tokens`, … `response`) are copies too, so they can
 * be changed without touching the record passed in; the parts both directions change, by name.
 */
function withOwnParts(record: Obj): { out: Obj; upstream?: Obj; tokens?: Obj; timing?: Obj; lwa?: Obj } {
  const out: Obj = { ...record };
  const own = (name: string): Obj | undefined => {
    const part = out[name];
    return isObj(part) ? (out[name] = { ...part }) : undefined;
  };
  for (const name of ['refresh', 'gateway', 'directive', 'response']) own(name);
  return { out, upstream: own('upstream'), tokens: own('tokens'), timing: own('timing'), lwa: own('lwa') };
}

/**
 * The record as it is written (v2): defaults, zero timings, empty lists, what the route already
 * names and what another field already says left out; `translated` entries as codes. A new
 * object; the record itself is not changed. `expandRecord` puts it all back.
 */
export function compactRecord<T extends RecordBase>(record: T): T {
  const { out, upstream, tokens, timing, lwa } = withOwnParts(record as unknown as Obj);
  const route = out['route'];
  // Derived from other fields: read before anything is left out.
  if (Array.isArray(out['translated'])) {
    const translated = (out['translated'] as unknown[]).map((t) => Object.keys(TRANSLATION_CODES).find((c) => TRANSLATION_CODES[c]!(out) === t) ?? t);
    if (translated.length) out['translated'] = translated;
    else delete out['translated'];
  }
  if (timing && timing['ownMs'] === ownMsOf(timing)) delete timing['ownMs'];
  for (const call of [upstream, lwa]) {
    if (!call || call['outcome'] !== 'answered') continue;
    if (timing && call['latencyMs'] === timing['upstreamMs']) delete call['latencyMs'];
    if (call === upstream) {
      if (typeof call['format'] === 'string' && call['contentType'] === MEDIA_TYPE_OF_FORMAT[call['format']]) delete call['contentType'];
      if (call['format'] === 'json') delete call['format'];
      if (call['clientAuth'] === 'basic' && out['clientAuth'] === 'basic' && call['basicEncoding'] === 'forwarded') delete call['basicEncoding'];
      if (call['clientAuth'] !== undefined && call['clientAuth'] === out['clientAuth']) delete call['clientAuth'];
    }
    for (const [field, value] of [...ANSWERED_DEFAULTS].reverse()) if (call[field] === value) delete call[field];
  }
  // A refresh answer without a new refresh token returns the one Alexa presented.
  if (tokens && tokens['refreshTokenOutFp'] !== undefined && tokens['refreshTokenOutFp'] === tokens['refreshTokenInFp']) delete tokens['refreshTokenOutFp'];
  if (tokens && tokens['scope'] === '') delete tokens['scope'];
  // How Alexa authenticated is the record's clientAuth: a success does not say it twice. A refresh
  // that returned a new refresh token was rotated (lambda/core/translate.ts), just before its `ok`.
  if (route === 'POST /token' && out['outcome'] === 'success' && Array.isArray(out['verdicts'])) {
    const rotated = wasRotated(out);
    out['verdicts'] = (out['verdicts'] as Obj[]).filter(
      (v, i, all) => v['code'] !== `alexa_auth_${String(out['clientAuth'])}` && !(rotated && v['code'] === 'refresh_token_rotated' && Object.keys(v).length === 1 && all[i + 1]?.['code'] === 'ok'),
    );
  }
  const parts = routeParts(route);
  if (parts && out['method'] === parts.method && out['path'] === parts.path) {
    delete out['method'];
    delete out['path'];
  }
  if (parts && isObj(out['response']) && out['response']['status'] === 200) delete out['response']['status'];
  if (route === 'AcceptGrant' && out['outcome'] === 'success' && isObj(out['response']) && out['response']['namespace'] === ACCEPT_GRANT_RESPONSE.namespace && out['response']['name'] === ACCEPT_GRANT_RESPONSE.name && Object.keys(out['response']).length === 2) delete out['response'];
  for (const [name, field, value] of defaultsOf(route)) if (isObj(out[name]) && out[name][field] === value) delete out[name][field];
  if (timing) for (const [k, v] of Object.entries(timing)) if (Array.isArray(v) && v.length === 0) delete timing[k];
  if (isObj(out['response']) && Object.keys(out['response']).length === 0) delete out['response'];
  return out as unknown as T;
}

/**
 * A record as read, in the shape v1 wrote it: what `compactRecord` left out put back. A v1 record
 * (or any without `v` 2) is returned as it is.
 */
export function expandRecord<T extends Obj>(record: T): T {
  if (record['v'] !== 2) return record;
  const { out, upstream, tokens, timing, lwa } = withOwnParts(record);
  const route = out['route'];
  for (const [name, field, value] of defaultsOf(route)) {
    if (name === 'timing' && field !== 'deadlineMs') continue;
    if (name === 'tokens' && field === 'codeVerifierPresent' && out['grantType'] !== 'authorization_code') continue;
    if (isObj(out[name])) (out[name] as Obj)[field] ??= value;
  }
  const parts = routeParts(route);
  if (parts) {
    out['method'] ??= parts.method;
    out['path'] ??= parts.path;
    out['response'] = { status: 200, ...sub(out, 'response') };
  }
  if (route === 'AcceptGrant' && out['outcome'] === 'success' && out['response'] === undefined) out['response'] = { ...ACCEPT_GRANT_RESPONSE };
  if (timing) timing['ownMs'] ??= ownMsOf(timing);
  for (const call of [upstream, lwa]) {
    if (!call || (call['outcome'] !== undefined && call['outcome'] !== 'answered')) continue;
    for (const [field, value] of ANSWERED_DEFAULTS) call[field] ??= value;
    call['latencyMs'] ??= timing ? n(timing['upstreamMs']) : 0;
    if (call === upstream) {
      call['format'] ??= 'json';
      if (typeof call['format'] === 'string' && MEDIA_TYPE_OF_FORMAT[call['format']]) call['contentType'] ??= MEDIA_TYPE_OF_FORMAT[call['format']];
      if (out['clientAuth'] !== undefined) call['clientAuth'] ??= out['clientAuth'];
      if (call['clientAuth'] === 'basic' && out['clientAuth'] === 'basic') call['basicEncoding'] ??= 'forwarded';
    }
  }
  if (tokens && out['outcome'] === 'success' && tokens['refreshTokenInFp'] !== undefined) tokens['refreshTokenOutFp'] ??= tokens['refreshTokenInFp'];
  if (Array.isArray(out['translated'])) out['translated'] = (out['translated'] as unknown[]).map((t) => (typeof t === 'string' && Object.hasOwn(TRANSLATION_CODES, t) ? (TRANSLATION_CODES[t]!(out) ?? t) : t));
  else if (route === 'POST /token' || route === 'unmatched') out['translated'] = [];
  const scheme = out['clientAuth'];
  if (route === 'POST /token' && out['outcome'] === 'success' && wasRotated(out) && Array.isArray(out['verdicts'])) {
    const verdicts = out['verdicts'] as Obj[];
    const okAt = verdicts.findIndex((v) => v['code'] === 'ok');
    if (okAt >= 0 && !verdicts.some((v) => v['code'] === 'refresh_token_rotated')) out['verdicts'] = [...verdicts.slice(0, okAt), { code: 'refresh_token_rotated' }, ...verdicts.slice(okAt)];
  }
  // (Idempotent: a record read twice gets it once.)
  if (route === 'POST /token' && out['outcome'] === 'success' && (scheme === 'basic' || scheme === 'body') && Array.isArray(out['verdicts']) && !(out['verdicts'] as Obj[]).some((v) => v['code'] === `alexa_auth_${scheme}`)) {
    const verdicts = out['verdicts'] as Obj[];
    const okAt = verdicts.findIndex((v) => v['code'] === 'ok');
    const at = okAt >= 0 ? okAt + 1 : verdicts.length;
    out['verdicts'] = [...verdicts.slice(0, at), { code: `alexa_auth_${scheme}` }, ...verdicts.slice(at)];
  }
  return out as T;
}
