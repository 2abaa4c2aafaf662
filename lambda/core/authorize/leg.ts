/** Shared plumbing of the authorization leg: deps, the record skeleton, query parsing, links to Alexa. */
import { randomBytes } from 'node:crypto';
import type { RuntimeConfig } from '../config';
import { FormParseError, parseForm } from '../form';
import type { HttpAnswer, HttpRequest } from '../http-types';
import type { ProviderProfile } from '../profiles/types';
import type { StateStore } from '../../store/state-store';
import { closeRecord } from '../../contract/record';
import { httpRecordStart } from '../exchange-record';
import type { AuthorizeRecord } from './record';

export interface AuthorizeLegDeps {
  config: RuntimeConfig;
  profile: ProviderProfile;
  store?: () => Promise<StateStore>;
  fetch?: typeof fetch;
  now?: () => number;
  /** Local mode only: the link simulator's origin, whose /api/skill/link/<vendorId> is accepted as redirect_uri (local-return.ts). */
  localReturnOrigin?: string;
}

export interface LegResult {
  answer: HttpAnswer;
  record: AuthorizeRecord;
}

export function baseRecord(req: HttpRequest, deps: AuthorizeLegDeps, route: AuthorizeRecord['route'], start: number): AuthorizeRecord {
  return httpRecordStart(req, route, deps.profile.id, start, { mode: deps.config.mode, response: { status: 0, kind: 'page' as const } });
}

export function finish(record: AuthorizeRecord, answer: HttpAnswer, start: number, now: () => number): LegResult {
  closeRecord(record, start, now());
  record.response.status = answer.status;
  record.response.kind = answer.status >= 300 && answer.status < 400 ? 'redirect' : 'page';
  return { answer, record };
}

export type QueryParse = { ok: true; params: ReadonlyMap<string, string>; repeated: readonly string[] } | { ok: false; reason: string };

/** Strict query parsing (malformed escapes and non-UTF-8 are errors, repeats are reported: RFC 6749 §3.1). */
export function parseQuery(req: HttpRequest): QueryParse {
  const raw = req.rawQuery ?? new URLSearchParams(Object.entries(req.query ?? {})).toString();
  if (raw.length > 8192) return { ok: false, reason: 'the query string is too long' };
  try {
    const form = parseForm(Buffer.from(raw, 'utf8'));
    return { ok: true, params: form.params, repeated: form.repeated };
  } catch (err) {
    if (err instanceof FormParseError) return { ok: false, reason: `malformed query string: ${err.message}` };
    throw err;
  }
}

/** Our own /callback URL: the address the browser reached us at (API Gateway sets x-forwarded-proto). */
export function callbackUrl(req: HttpRequest): string {
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : req.headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const host = req.headers['host'] ?? 'localhost';
  const base = req.path.replace(/\/(authorize|callback)\/?$/, '');
  return `${proto}://${host}${base}/callback`;
}

/** A non-secret id that ties the records of one linking attempt together. */
export const newLinkId = () => `lk_${randomBytes(9).toString('base64url')}`;

/** RFC 6749 §10.10: ≥ 128 bits; ours has 256. */
export const newState = () => randomBytes(32).toString('base64url');

/**
 * Alexa's redirect_uri with parameters added: in the query for the code grant (RFC 6749 §4.1.2),
 * in the fragment for the implicit grant (RFC 6749 §4.2.2; seed article tip 2).
 */
export function alexaLocation(redirectUri: string, params: Record<string, string | undefined>, inFragment: boolean): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, v);
  const encoded = p.toString();
  return `${redirectUri}${inFragment ? '#' : '?'}${encoded}`;
}
