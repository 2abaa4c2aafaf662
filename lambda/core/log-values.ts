/**
 * Closed sets for what requests and providers send that the log (or an error answer) names: a
 * value outside the set is logged as the fixed token `other`, never as itself. So a `;`-separated
 * body that puts a code into `grant_type`, a parameter named after a secret, or a provider that
 * echoes a token in `token_type` or its Content-Type cannot bring the secret into a record.
 */

export const OTHER = 'other';

const pick = (set: ReadonlySet<string>) => (value: string | undefined | null): string | undefined =>
  value === undefined || value === null ? undefined : set.has(value) ? value : OTHER;

/** Grant types of RFC 6749 §4 and the IANA OAuth registry (what a misconfigured client might send). */
const GRANT_TYPES: ReadonlySet<string> = new Set([
  'authorization_code',
  'refresh_token',
  'password',
  'client_credentials',
  'implicit',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:openid:params:grant-type:ciba',
]);
export const grantTypeName = pick(GRANT_TYPES);

/** Parameter names of the OAuth 2.0 registry that a token or authorization request may carry. */
const PARAMETER_NAMES: ReadonlySet<string> = new Set([
  'grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'client_id', 'client_secret', 'state',
  'response_type', 'response_mode', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'login_hint', 'access_type',
  'username', 'password', 'assertion', 'client_assertion', 'client_assertion_type', 'audience', 'resource', 'device_code',
  'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'include_granted_scopes',
  'claims', 'request', 'request_uri', 'display', 'max_age', 'ui_locales', 'id_token_hint', 'acr_values', 'dpop_jkt',
]);
export const parameterName = pick(PARAMETER_NAMES);

/** Parameter names for a message: known names as they are, the rest counted (`other ×3`). */
export function parameterNames(names: Iterable<string>): string[] {
  const out: string[] = [];
  let others = 0;
  for (const n of names) {
    const known = parameterName(n);
    if (known === OTHER) others += 1;
    else if (known !== undefined && !out.includes(known)) out.push(known);
  }
  if (others > 0) out.push(others === 1 ? OTHER : `${OTHER} ×${others}`);
  return out;
}

/** `response_type` values of OAuth 2.0 and OpenID Connect (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Types). */
const RESPONSE_TYPES: ReadonlySet<string> = new Set(['code', 'token', 'id_token', 'none', 'code token', 'code id_token', 'id_token token', 'code id_token token']);
export const responseTypeName = pick(RESPONSE_TYPES);

/** Token types as providers spell them (RFC 6749 §7.1, RFC 9449 DPoP, Slack's `user`/`bot`, and spellings seen in the wild). */
const TOKEN_TYPES: ReadonlySet<string> = new Set(['Bearer', 'bearer', 'BEARER', 'mac', 'MAC', 'DPoP', 'dpop', 'N_A', 'pop', 'PoP', 'user', 'bot']);
export const tokenTypeName = pick(TOKEN_TYPES);

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'UNKNOWN']);
export const methodName = pick(METHODS);

/** Media types a token endpoint answers with (parameters such as charset dropped). */
const MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'text/html', 'application/xml', 'text/xml',
  'application/problem+json', 'application/jwt', 'application/octet-stream', 'application/javascript', 'text/javascript',
  'application/xhtml+xml', 'text/json', 'application/vnd.api+json', 'application/hal+json',
]);

/** The media type of a Content-Type header value, from the closed set (`other` otherwise). */
export function mediaTypeName(contentType: string | undefined | null): string | undefined {
  if (contentType === undefined || contentType === null || contentType.trim() === '') return undefined;
  const mt = contentType.split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPES.has(mt) ? mt : OTHER;
}

/** OAuth error codes: RFC 6749 §4.1.2.1 and §5.2, RFC 8628, OpenID Connect Core §3.1.2.6. */
export const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope',
  'authorization_pending', 'slow_down', 'expired_token', 'interaction_required', 'login_required', 'account_selection_required',
  'consent_required', 'invalid_request_uri', 'invalid_request_object', 'request_not_supported', 'request_uri_not_supported',
  'registration_not_supported', 'invalid_dpop_proof', 'use_dpop_nonce',
]);

/** A name from code (an error's class, a socket error code): letters, digits and `_` only, or `other`. */
export function identifierName(value: string | undefined): string {
  return value !== undefined && /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(value) ? value : OTHER;
}
