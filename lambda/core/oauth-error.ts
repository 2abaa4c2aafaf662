/**
 * OAuth 2.0 error responses from the token endpoint, RFC 6749 §5.2.
 *
 * `description` is public (sent to Alexa as `error_description`); `detail` is private and only
 * ever reaches the exchange log, after the caller has made sure it holds no secret.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  // RFC 6749 §4.1.2.1 codes, used by the token endpoint for upstream trouble (see translate.ts).
  | 'server_error'
  | 'temporarily_unavailable';

export const RFC6749_TOKEN_ERRORS: ReadonlySet<string> = new Set<OAuthErrorCode>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
]);

export interface OAuthErrorOptions {
  status?: number;
  /**
   * The client used (or should use) the Authorization header: an `invalid_client` then defaults to 401
   * (RFC 6749 §5.2). Every 401, and only a 401, carries `WWW-Authenticate: Basic` (RFC 9110 §15.5.2).
   */
  challenge?: boolean;
  headers?: Record<string, string>;
  detail?: string;
}

export class OAuthError extends Error {
  readonly status: number;
  readonly challenge: boolean;
  readonly headers: Record<string, string>;
  readonly detail: string | undefined;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.status = options.status ?? (error === 'invalid_client' && options.challenge ? 401 : 400);
    // RFC 9110 §15.5.2: a 401 MUST send WWW-Authenticate, so a 401 without a challenge cannot be built.
    this.challenge = this.status === 401;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }
}

/**
 * Status of an `invalid_client` answer, by how the client authenticated (RFC 6749 §5.2): 401 with a
 * Basic challenge when it used the Authorization header (MUST) or sent no credentials (the challenge
 * names the scheme to use); 400 for credentials in the body, which have no scheme to challenge
 * (a 401 would need WWW-Authenticate, RFC 9110 §15.5.2).
 */
export function invalidClientStatus(scheme: 'basic' | 'body' | 'none'): 400 | 401 {
  return scheme === 'body' ? 400 : 401;
}

/** Headers every token-endpoint answer carries (RFC 6749 §5.1: no-store, no-cache). */
export const TOKEN_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json;charset=UTF-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Shapes an OAuthError as the RFC 6749 §5.2 JSON answer. */
export function errorAnswer(err: OAuthError): HttpAnswer {
  const headers: Record<string, string> = { ...TOKEN_RESPONSE_HEADERS, ...err.headers };
  // RFC 6749 §5.2: a 401 for invalid_client MUST carry WWW-Authenticate matching the scheme used.
  if (err.challenge) headers['www-authenticate'] = 'Basic realm="alexa-link-adapter", charset="UTF-8"';
  return {
    status: err.status,
    headers,
    body: JSON.stringify({ error: err.error, error_description: err.description }),
  };
}
