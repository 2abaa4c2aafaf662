/**
 * The exchange log: one structured, secret-free record per request, written as one JSON line.
 * The diagnosis CLI and the saved Logs Insights queries read these fields, so they are a public
 * interface: add fields, never rename them (the README documents each one).
 */

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
  /** Correlates authorize, callback, token, refresh, AcceptGrant and gateway records of one link. */
  linkId?: string;
  /** `POST /token`, `GET /authorize`, `GET /callback`, `AcceptGrant`, … or `unmatched`. */
  route: string;
  outcome: string;
  timing: { totalMs: number; upstreamMs: number; ownMs: number };
  verdicts: Verdict[];
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
  outcome: 'success' | 'rejected' | 'upstream_error' | 'provider_error' | 'adapter_error';
}
