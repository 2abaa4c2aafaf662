/**
 * The exchange log: one structured, secret-free record per request, written as one JSON line: the
 * envelope every route shares (lambda/contract/record.ts) and the token route's own fields. The
 * diagnosis CLI and the saved Logs Insights queries read these fields, so they are a public
 * interface: add fields, never rename them (docs/exchange-log.md documents each one).
 *
 * Secret-free by construction (docs/security.md "No secret in any log or answer"): a field that comes from outside is
 * a closed set (log-values.ts), a number, a keyed fingerprint, or text that went through the one
 * scrubber (redact.ts); and every record passes record-guard.ts on its way to the log.
 */
import { compactRecord, openRecord, type RecordBase } from '../contract/record';
import { verdict, type Verdict } from '../contract/verdicts';
import { deploymentKeyStatus } from './deployment-key';
import { methodName } from './log-values';
import { guardRecord } from './record-guard';
import { prose } from './redact';

export type { RecordBase, StoreWrite, Timing } from '../contract/record';
export type { Severity, Verdict } from '../contract/verdicts';

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
  /** `network_error` only: what failed, as the socket or TLS layer names it (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, …; network-error.ts). */
  networkError?: string;
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

/** How a refresh was coordinated (refresh-guard.ts; docs/refresh-safety.md). */
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

/** A record of `route` opened now: the envelope, with the key its fingerprints are made under, and the route's own `fields`. */
export function startRecord<R extends string, F extends object>(route: R, requestId: string, start: number, fields: F) {
  return openRecord(route, requestId, start, deploymentKeyStatus().id, fields);
}

/** The head of every HTTP route's record (token, authorize, callback); the caller adds its own fields. */
export function httpRecordStart<R extends string, F extends object>(req: { requestId: string; method: string; path: string }, route: R, provider: string, start: number, fields: F) {
  return startRecord(route, req.requestId, start, { method: methodName(req.method)!, path: prose(req.path, 200), provider, ...fields });
}

/** While the deployment key is unavailable, the verdict that says so (and what it cost this request); else undefined. */
export function deploymentKeyVerdict(): Verdict | undefined {
  const status = deploymentKeyStatus();
  if (status.ready) return undefined;
  // The variable is lambda/shared/deployment-key-from-env.ts's DEPLOYMENT_KEY_SECRET_ENV.
  return verdict(
    'deployment_key_unavailable',
    'warn',
    `the deployment key could not be read (${status.reason}): fingerprints in this record are this instance's own (fpKey ephemeral) and the state table was not used; the next request retries. Check the function's secretsmanager:GetSecretValue permission and the secret named by DEPLOYMENT_KEY_SECRET_ARN`,
  );
}

/**
 * The last gate every record passes on its way to the log, whatever the route: the deployment-key
 * verdict when the key is unavailable, the record as written (compact, lambda/contract/record.ts),
 * then the guard (record-guard.ts) in the request's secret scope, on exactly what is written.
 */
export function releaseRecord<T extends RecordBase>(record: T): T {
  const keyVerdict = deploymentKeyVerdict();
  if (keyVerdict) record.verdicts.push(keyVerdict);
  return guardRecord(compactRecord(record));
}
