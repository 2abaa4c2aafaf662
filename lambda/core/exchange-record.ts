/**
 * The exchange log: one structured, secret-free record per request, written as one JSON line.
 * The diagnosis CLI and the saved Logs Insights queries read these fields, so they are a public
 * interface: add fields, never rename them (the README documents each one).
 *
 * Secret-free by construction (README "No secret in any log"): a field that comes from outside is
 * a closed set (log-values.ts), a number, a keyed fingerprint, or text that went through the one
 * scrubber (redact.ts); and every record passes record-guard.ts on its way to the log.
 */
import { deploymentKeyStatus } from './deployment-key';
import { methodName } from './log-values';
import { prose } from './redact';

export type Severity = 'info' | 'warn' | 'error';

export interface Verdict {
  /** Stable machine code, e.g. `upstream_form_encoded`. */
  code: string;
  severity: Severity;
  /** Plain language: what happened and, where there is one, the fix. */
  message: string;
}

export type ClientAuthScheme = 'basic' | 'body' | 'none';

export interface UpstreamSummary {
  /** Token endpoint without query string. */
  url: string;
  method: string;
  /** How we authenticated upstream (RFC 6749 §2.3). */
  clientAuth: string;
  /** Basic upstream: `forwarded` (Alexa's header byte for byte), or how the adapter encoded it: `form` (RFC 6749 §2.3.1) or `raw`. */
  basicEncoding?: 'forwarded' | 'form' | 'raw';
  /** `answered`, or what went wrong before an answer arrived. */
  outcome: 'answered' | 'timeout' | 'network_error' | 'too_large' | 'not_called';
  status?: number;
  contentType?: string;
  bytes?: number;
  /** Body format as detected: json, form, html, text, empty. */
  format?: string;
  latencyMs?: number;
}

export interface TokenSummary {
  codeFp?: string;
  codeVerifierPresent?: boolean;
  refreshTokenInFp?: string;
  accessTokenFp?: string;
  refreshTokenOutFp?: string;
  tokenType?: string;
  expiresIn?: number;
  scope?: string;
  idTokenPresent?: boolean;
}

/** How a refresh was coordinated (refresh-guard.ts; README "Refresh safety"). */
export interface RefreshSummary {
  /**
   * `leader`: this request called the provider; `follower`: it waited for a concurrent request with
   * the same refresh token and served its answer; `grace`: the answer was already cached (a replay
   * within the grace window); `timeout`: the concurrent request did not finish within the deadline;
   * `degraded`: the state table failed, the provider was called without coordination; `bypass`: a
   * cached answer existed for other client credentials, the provider was asked; `stateless`: no
   * state table is configured; `refused`: single-use refresh tokens and no safe way to coordinate
   * (table unavailable, or the token in use by other client credentials): 503, provider not called;
   * `direct`: the provider's refresh tokens never change (profile `refresh.rotation: none`), so there
   * was nothing to guard: the provider was called, the table not used.
   */
  role: 'leader' | 'follower' | 'grace' | 'timeout' | 'degraded' | 'bypass' | 'stateless' | 'refused' | 'direct';
  /** Time spent waiting for another request's answer (ms). */
  waitedMs: number;
  /** Alexa received an answer cached earlier (role `grace`). */
  graceHit: boolean;
  /** The state table was unavailable; no grace, no single-flight for this request. */
  degraded: boolean;
  /** The leader took over from an earlier leader whose in-progress marker had expired. */
  tookOver?: boolean;
  /** Age of the cached answer served (s), for `follower` and `grace`. */
  cachedAgeS?: number;
  /** Why the store was unavailable (an error name, never a message), for `degraded`. */
  storeError?: string;
}

/**
 * The envelope every record shares, whatever the route (token, authorize, callback, AcceptGrant,
 * Event Gateway): the diagnosis CLI groups and judges records by these fields alone.
 */
export interface RecordBase {
  /** Record type and schema version. */
  type: 'alexa-link-adapter.exchange';
  v: 1;
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

/**
 * Where the time went (ms). `ownMs` is what is left of `totalMs` after the provider, the state table
 * and waiting. The token route also says how its one deadline was spent (README "The 4.5 s answer").
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

/** The writes a token request may make after (or to protect) the provider's answer. */
export type StoreWrite = 'refresh_answer' | 'grantee';

export interface ExchangeRecord extends RecordBase {
  method: string;
  path: string;
  provider: string;
  grantType?: string;
  /** How Alexa authenticated to us: the console's "Your Authentication Scheme". */
  clientAuth?: ClientAuthScheme;
  clientIdFp?: string;
  upstream: UpstreamSummary;
  tokens: TokenSummary;
  /** What the adapter changed between the provider's answer and Alexa's. */
  translated: string[];
  response: { status: number; error?: string; errorDescription?: string };
  /** Refresh grants only: how the refresh was coordinated across instances. */
  refresh?: RefreshSummary;
  outcome: 'success' | 'rejected' | 'upstream_error' | 'provider_error' | 'adapter_error';
}

/** The fields every HTTP route's record starts with (token, authorize, callback); the caller adds its own. */
export function httpRecordStart<R extends string>(req: { requestId: string; method: string; path: string }, route: R, provider: string, start: number) {
  return {
    type: 'alexa-link-adapter.exchange' as const,
    v: 1 as const,
    time: new Date(start).toISOString(),
    requestId: requestIdText(req.requestId),
    fpKey: deploymentKeyStatus().id,
    route,
    method: methodName(req.method)!,
    path: prose(req.path, 200),
    provider,
  };
}

/** API Gateway and Lambda request ids are short ids; anything else is logged as `other`. */
export function requestIdText(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,99}$/.test(id) ? id : 'other';
}
