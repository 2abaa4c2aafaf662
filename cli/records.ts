/**
 * Reading exchange records back: one JSON line per record, as the handlers write them (stdout in
 * local mode, the CloudWatch log event's message in Lambda). Only the shared envelope (`RecordBase`)
 * is relied on; route-specific fields are read defensively so records of routes added later (and of
 * older or newer schema minor changes) never break the reader.
 */
import { expandRecord, type RecordBase } from '../lambda/contract/record';
import { RECORD_TYPE } from '../lambda/contract/record-type';
import { VERDICTS, isVerdictCode, renderVerdict, type Severity, type VerdictParams } from '../lambda/contract/verdicts';
import { BUILT_IN_PROFILES } from '../lambda/core/profiles';
import { visibleField } from './terminal';

/** A verdict as read from a log: any code (a newer adapter may write codes this CLI does not know). */
export interface LoggedVerdict {
  code: string;
  severity: Severity;
  message: string;
}

/** A record as read from the log: the envelope plus whatever the route added. */
export type LogRecord = Omit<RecordBase, 'verdicts'> & { verdicts: LoggedVerdict[] } & Record<string, unknown>;

const SEVERITIES: ReadonlySet<string> = new Set(['info', 'warn', 'error']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one log line or message. Tolerates a prefix before the JSON (the Lambda text log format
 * puts a timestamp and request id first). Returns undefined for anything that is not a record.
 */
export function parseRecordLine(line: string): LogRecord | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(start));
  } catch {
    return undefined;
  }
  if (!isObject(value) || value['type'] !== RECORD_TYPE) return undefined;
  return fromObject(singleLine(value) as Record<string, unknown>);
}

/**
 * The record from its parsed object. Anyone who may write to the log group can write a record, so
 * every field has been made one line of visible text first (cli/terminal.ts).
 */
function fromObject(written: Record<string, unknown>): LogRecord | undefined {
  if (typeof written['time'] !== 'string' || typeof written['route'] !== 'string' || typeof written['outcome'] !== 'string') return undefined;
  const value = expandRecord(written);
  const context = recordContext(value);
  const verdicts = Array.isArray(value['verdicts']) ? value['verdicts'].flatMap((v) => (isObject(v) ? readVerdict(v, context) : [])) : [];
  const timing = isObject(value['timing']) ? value['timing'] : {};
  return {
    ...value,
    requestId: typeof value['requestId'] === 'string' ? value['requestId'] : '',
    verdicts,
    timing: { ...timing, totalMs: Number(timing['totalMs'] ?? 0), upstreamMs: Number(timing['upstreamMs'] ?? 0), ownMs: Number(timing['ownMs'] ?? 0) },
  } as LogRecord;
}

/**
 * What a compact verdict's text may take from its record rather than carry: a built-in profile's
 * no_refresh_token hint and single-use rotation (only a custom profile's are written;
 * lambda/core/translate.ts), and which grant `ok` is about.
 */
function recordContext(record: Record<string, unknown>): Record<string, VerdictParams> {
  const provider = typeof record['provider'] === 'string' && Object.hasOwn(BUILT_IN_PROFILES, record['provider']) ? BUILT_IN_PROFILES[record['provider']] : undefined;
  const hint = provider?.refresh.noRefreshTokenHint;
  return {
    ...(hint ? { no_refresh_token: { hint } } : {}),
    ...(provider?.refresh.rotation === 'single_use' ? { refresh_token_rotated: { singleUse: true } } : {}),
    ...(record['grantType'] === 'refresh_token' ? { ok: { grant: 'refresh' } } : {}),
  };
}

/**
 * One verdict as written: `{code, severity, message}`. A compact verdict (only the code and its
 * parameters, v2 records) gets its severity and text from the catalogue (lambda/contract/verdicts.ts).
 */
function readVerdict(v: Record<string, unknown>, context: Record<string, VerdictParams> = {}): LoggedVerdict[] {
  const code = v['code'];
  if (typeof code !== 'string') return [];
  const known = isVerdictCode(code);
  const stated = v['severity'];
  const severity = typeof stated === 'string' && SEVERITIES.has(stated) ? (stated as Severity) : known ? VERDICTS[code].severity : typeof v['message'] === 'string' ? 'error' : 'info';
  if (typeof v['message'] === 'string') return [{ code, severity, message: v['message'] }];
  const params = Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== 'code' && k !== 'severity' && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'))) as Record<string, string | number | boolean>;
  return [{ code, severity, message: renderVerdict(code, { ...(Object.hasOwn(context, code) ? context[code] : {}), ...params }) ?? code }];
}

/** Every string in the value with control and format characters shown as `\uXXXX` (cli/terminal.ts). */
function singleLine(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return visibleField(value);
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => singleLine(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [visibleField(k), singleLine(v, depth + 1)]));
}

export function parseRecordLines(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = parseRecordLine(line);
    if (r) out.push(r);
  }
  return out;
}

/** A nested field by dot path (`upstream.status`), or undefined. */
export function field(record: object, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export const str = (record: object, path: string): string | undefined => {
  const v = field(record, path);
  return typeof v === 'string' ? v : undefined;
};
export const num = (record: object, path: string): number | undefined => {
  const v = field(record, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * Fingerprint fields that identify one user's grant or tokens (`codeFp`, `accessTokenFp`,
 * `refreshTokenInFp`, `refreshTokenOutFp`, AcceptGrant's `granteeTokenFp`, …), found anywhere in the
 * record. `clientIdFp` and other fingerprints of what every user shares (skill, vendor, redirect URI,
 * endpoint) are left out: they would join all links into one.
 */
/** Fingerprints of things every user shares (the client, the skill, the vendor, a redirect URI, an endpoint). */
const SHARED_FP_KEY = /client|vendor|skill|redirect|endpoint/i;

export function linkFingerprints(record: object): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, depth: number) => {
    if (!isObject(value) || depth > 4) return;
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && key.endsWith('Fp') && v.startsWith('fp:') && !SHARED_FP_KEY.test(key)) found.add(v);
      else if (isObject(v)) walk(v, depth + 1);
    }
  };
  walk(record, 0);
  return [...found];
}

export function codesOf(record: LogRecord): string[] {
  return record.verdicts.map((v) => v.code);
}

export function timeMs(record: LogRecord): number {
  const t = Date.parse(record.time);
  return Number.isFinite(t) ? t : 0;
}
