/**
 * The verdict catalogue: every code a record's `verdicts[]` can carry, defined once. Each entry says
 * how bad it is, what it means in plain language, what to change (the Alexa console field or the
 * provider setting), where it is written, and what it rests on: a tip of Amazon's "Alexa Account
 * Linking Debugging Tips" quoted as a skill developer would search for it, an Alexa documentation
 * page, or an RFC section.
 *
 * Derived from it, never written again: the `VerdictCode` type (a mistyped code does not compile),
 * the `Verdict` type (a code with the wrong severity does not compile), the one `verdict()` helper,
 * the keys of `diagnose`'s rules (cli/rules.ts: a code without a rule of its own gets one made from
 * its entry), and the verdict tables in docs/ (scripts/verdict-docs.ts writes them; a test keeps
 * them current).
 *
 * The handlers need only codes and severities, and get them from the types: nothing at run time
 * reads `VERDICTS`, so its prose stays out of the Lambda bundles (test/infra/verdict-bundles.test.ts
 * checks). The CLI reads the prose. A record's verdict is rendered from its code plus a few
 * parameters (`renderVerdict`), which is all a compact record needs to carry.
 *
 * No imports: used by lambda/, lib/, local/ and cli/ alike.
 */

export type Severity = 'info' | 'warn' | 'error';

/** The record routes a verdict is written on (`route` of the record). */
export type VerdictRoute = 'POST /token' | 'unmatched' | 'GET /authorize' | 'GET /callback' | 'AcceptGrant' | 'directive' | 'lwa_refresh' | 'POST /events' | 'any';

/** Which part of the docs describes it. */
export type VerdictArea = 'token' | 'authorization' | 'refresh' | 'smart-home' | 'adapter';

export interface VerdictEntry {
  severity: Severity;
  area: VerdictArea;
  routes: readonly VerdictRoute[];
  /** What happened, in one or two plain sentences (no parameters: the record's message has the specifics). */
  meaning: string;
  /** What to change and where: the console field, the provider setting, the adapter option. Absent when nothing is to do. */
  fix?: string;
  /** What it rests on: the debugging tip (quoted), the Alexa documentation page or the RFC section. */
  basis: string;
  /**
   * Codes a handler writes compact (`note()`: the code and a few parameters, no prose): this
   * occurrence's text, rendered by the CLI from those parameters. Absent: the record carries a message.
   */
  text?: (p: VerdictParams) => string;
}

/** A compact verdict's parameters: numbers, booleans and values from closed sets, never prose from outside. */
export type VerdictParams = Readonly<Record<string, string | number | boolean>>;

const TIPS = 'Alexa Account Linking Debugging Tips';
const CONSOLE = 'Alexa developer console > your skill > Build > Account Linking';
const PERMISSIONS = 'Alexa developer console > your skill > Build > Permissions';

/**
 * The catalogue, grouped by area; within an area, roughly in the order a request meets them.
 * Built by a call marked pure, so a bundler drops it from every bundle that does not read it.
 */
export const VERDICTS = /* @__PURE__ */ (() => ({
  // --- Access Token URI: Alexa's request -------------------------------------------------------
  bad_method: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'A request other than POST reached the Access Token URI; it was answered 405 with Allow: POST. Alexa always POSTs there, so a browser or a test client sent it.',
    fix: `A browser opens the Access Token URI when it was entered as the authorization URL: in ${CONSOLE}, "Your Web Authorization URI" must be the stack's AuthorizationUri output (or the provider's authorization page), and only "Access Token URI" the AccessTokenUri output.`,
    basis: 'RFC 6749 §3.2: the token endpoint accepts POST only; Alexa docs "Configure an Authorization Code Grant": Alexa POSTs to the Access Token URI',
  },
  bad_content_type: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request was not form-encoded (Content-Type application/x-www-form-urlencoded); it was refused before reaching the provider.',
    fix: 'Alexa always sends a form; a test client must too (curl -d, not --json).',
    basis: 'RFC 6749 §4.1.3 and §6: token request parameters are application/x-www-form-urlencoded',
  },
  body_too_large: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request body was larger than the adapter accepts (16 KiB); Alexa\'s are under 4 KiB.',
    fix: 'Alexa never sends this; check what else calls the Access Token URI.',
    basis: 'RFC 6749 §4.1.3: a token request carries a handful of short parameters',
  },
  malformed_body: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request body is not a valid form (a broken percent-escape or bytes that are not UTF-8).',
    fix: 'Alexa never sends this; check what else calls the Access Token URI.',
    basis: 'RFC 6749 Appendix B: application/x-www-form-urlencoded in UTF-8',
  },
  repeated_parameter: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'A parameter appeared more than once in the token request.',
    fix: 'Alexa never sends this; check what else calls the Access Token URI.',
    basis: 'RFC 6749 §3.2: request parameters must not be included more than once',
  },
  bad_basic_credentials: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The Authorization header claimed HTTP Basic but could not be decoded into a client id and secret; answered 401.',
    fix: `${CONSOLE}: re-enter "Your Client ID" and "Your Secret" (no stray spaces), keep "Your Authentication Scheme" on "HTTP Basic (Recommended)".`,
    basis: `RFC 6749 §2.3.1; ${TIPS}: "Amazon supports HTTP basic and credentials in request body as authentication methods"`,
  },
  unsupported_auth_scheme: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request carried an Authorization header of a scheme other than Basic; answered 401.',
    fix: `${CONSOLE}: "Your Authentication Scheme" must be "HTTP Basic (Recommended)" or "Credentials in request body"; nothing else reaches a token endpoint through Alexa.`,
    basis: `${TIPS}: "Amazon supports HTTP basic and credentials in request body as authentication methods. If your service uses another type of authentication, account linking will fail"`,
  },
  two_auth_methods: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The client secret was sent both in an HTTP Basic header and in the body.',
    fix: 'Alexa uses one scheme per request; a test client must send the credentials one way only.',
    basis: 'RFC 6749 §2.3: a client must not use more than one authentication method in a request',
  },
  client_id_mismatch: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'client_id in the body differs from the client id in the Basic header.',
    fix: 'A test client must send the same client id in both places, or only one.',
    basis: 'RFC 6749 §2.3.1',
  },
  missing_grant_type: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request has no grant_type.',
    fix: 'Alexa always sends one; check what else calls the Access Token URI.',
    basis: 'RFC 6749 §4.1.3 and §6: grant_type is required',
  },
  unsupported_grant_type: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The grant_type is neither authorization_code nor refresh_token, the only two Alexa uses.',
    fix: 'Check what else calls the Access Token URI; Alexa uses only the code and refresh grants.',
    basis: 'RFC 6749 §5.2 unsupported_grant_type',
  },
  missing_parameter: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'A parameter the grant requires is missing (code for authorization_code, refresh_token for refresh_token).',
    fix: 'Alexa always sends them; check what else calls the Access Token URI.',
    basis: 'RFC 6749 §4.1.3 and §6',
  },
  missing_client_auth: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The token request carried no client credentials at all; answered 401.',
    fix: `${CONSOLE}: fill "Your Client ID" and "Your Secret" with the provider app's client id and secret.`,
    basis: `${TIPS}: "Amazon supports HTTP basic and credentials in request body as authentication methods"`,
  },
  unknown_route: {
    severity: 'error',
    area: 'token',
    routes: ['unmatched'],
    meaning: 'A request reached a path the adapter does not serve; it was answered 404.',
    fix: `${CONSOLE}: "Access Token URI" must be exactly the stack's AccessTokenUri output (ending in /token).`,
    basis: 'Alexa docs "Configure an Authorization Code Grant": Alexa calls the Access Token URI exactly as entered',
  },
  alexa_auth_basic: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'Alexa authenticated with HTTP Basic ("Your Authentication Scheme": "HTTP Basic (Recommended)").',
    basis: 'RFC 6749 §2.3.1',
    text: () => 'Alexa authenticated with HTTP Basic ("HTTP Basic (Recommended)")',
  },
  alexa_auth_body: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'Alexa sent the client credentials in the body ("Your Authentication Scheme": "Credentials in request body").',
    basis: 'RFC 6749 §2.3.1',
    text: () => 'Alexa sent the client credentials in the body ("Credentials in request body")',
  },
  parameters_dropped: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'Parameters RFC 6749 does not define for this grant were not forwarded to the provider.',
    basis: 'RFC 6749 §4.1.3 and §6',
  },
  basic_credentials_form_encoded: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The client id or secret has characters that RFC 6749 form-encodes in the Basic header the adapter sent to the provider.',
    fix: 'If the provider then answers invalid_client, set the profile\'s tokenRequest.clientAuth to {"method":"client_secret_basic","encoding":"raw"}, or choose "HTTP Basic" in the console so Alexa\'s header is forwarded unchanged.',
    basis: 'RFC 6749 §2.3.1 and Appendix B',
  },

  // --- Access Token URI: the provider's answer -------------------------------------------------
  ok: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The code was exchanged (or the refresh succeeded) and Alexa received a token answer as RFC 6749 §5.1 describes it.',
    basis: 'RFC 6749 §5.1',
    text: (p) => `${p['grant'] === 'refresh' ? 'refresh succeeded' : 'code exchanged'}; Alexa received a spec-compliant token answer`, // grant: from the record's grantType,
  },
  upstream_timeout: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider did not answer within the adapter\'s budget; Alexa gives up after 4.5 s, so the adapter answered 503 temporarily_unavailable in time instead.',
    fix: 'Make the provider\'s token endpoint answer faster (cold starts, a slow user store, a far-away region); the adapter\'s budget is upstreamTimeoutMs and cannot exceed Alexa\'s 4.5 s.',
    basis: `${TIPS}: "Check that your server is responding within 4.5 seconds"`,
  },
  upstream_unreachable: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider\'s token endpoint could not be reached: the connection was refused or reset, the host name did not resolve, or its TLS certificate was not trusted. The record names the cause.',
    fix: 'Check tokenUrl (host, port, https) against the provider\'s documented token endpoint, and that the provider is up and reachable from the function\'s network; `npx alexa-link-adapter doctor` probes it.',
    basis: `${TIPS}: "Check your authorization server for logs"; "the account linking URL must be a HTTPS URL, with a certificate from an Amazon approved CA authority"`,
  },
  upstream_too_large: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider\'s answer was larger than the adapter reads (256 KiB); a token answer is a few KiB, so this was not one.',
    fix: 'Check tokenUrl: it points at something other than the token endpoint.',
    basis: 'RFC 6749 §5.1',
  },
  upstream_redirect: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered the token request with a redirect instead of tokens.',
    fix: 'tokenUrl is outdated or points at a login page: set it to the token endpoint the provider documents today.',
    basis: 'RFC 6749 §3.2 and §5.1: the token endpoint answers directly',
  },
  upstream_html: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered the token request with an HTML page, not a token answer.',
    fix: 'Check tokenUrl points at the provider\'s token endpoint, not its website or login page.',
    basis: `${TIPS}: "Check the responses from your authorization server to see what you are sending back to Alexa"`,
  },
  upstream_unauthorized: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered 401 without an OAuth error: it refused the client id or secret, or the way they were sent.',
    fix: `${CONSOLE}: check "Your Client ID" and "Your Secret" against the provider's app settings; if they are right, switch "Your Authentication Scheme" to the other choice.`,
    basis: `${TIPS}: "Amazon supports HTTP basic and credentials in request body as authentication methods"; RFC 6749 §2.3.1`,
  },
  upstream_5xx: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider\'s token endpoint failed with a server error (5xx) and no OAuth error body; Alexa got 503 temporarily_unavailable.',
    fix: 'Look at the provider\'s status page or its own logs at the time shown; if it repeats, report it to the provider.',
    basis: `${TIPS}: "Check your authorization server for logs"`,
  },
  upstream_http_error: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered with an HTTP error status (4xx) and no OAuth error body; a 404 means tokenUrl is wrong.',
    fix: 'Check tokenUrl against the provider\'s documented token endpoint.',
    basis: 'RFC 6749 §5.2: token errors are a JSON body with an error code',
  },
  upstream_invalid_json: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered success with a body that is not valid JSON (or not a JSON object); no tokens could be read.',
    fix: 'Check tokenUrl, and the provider\'s own logs at the time shown.',
    basis: 'RFC 6749 §5.1',
  },
  upstream_unreadable: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered success with plain text, XML, an empty or a non-UTF-8 body; no tokens could be read.',
    fix: 'Check tokenUrl, and that the provider profile (provider in the configuration) matches the provider.',
    basis: 'RFC 6749 §5.1',
  },
  missing_access_token: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered success without an access_token.',
    fix: 'Check that the provider profile matches the provider (some wrap the tokens: a custom profile\'s response.envelope or nestedTokens).',
    basis: 'RFC 6749 §5.1: access_token is required',
  },
  error_in_success_status: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider reported a token error with a 2xx status (GitHub, Reddit do); the adapter turned it into an RFC 6749 §5.2 error so Alexa sees the failure.',
    basis: 'RFC 6749 §5.2',
  },
  success_status_normalized: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered a successful token request with a 2xx other than 200 (e.g. 201); the adapter answered Alexa 200.',
    basis: `${TIPS}: "When sending your response with the access token, make sure you send a 200 OK status code"`,
    text: (p) => `the provider answered HTTP ${p['status']}; Alexa requires 200, so the status was changed`,
  },
  upstream_form_encoded: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered the token request form-encoded; the adapter translated it to JSON.',
    basis: `${TIPS}: "the access token must be sent in JSON … Notably, Github will fail for this reason"; RFC 6749 §5.1`,
    text: () => 'upstream answered form-encoded; translated to JSON (Alexa accepts only JSON, RFC 6749 §5.1)',
  },
  content_type_mismatch: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider labelled its token answer with another Content-Type than its body has; the adapter read the body as it is.',
    basis: 'RFC 6749 §5.1: application/json',
  },
  token_type_defaulted: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider sent no token_type; Bearer was filled in.',
    basis: 'RFC 6749 §5.1: token_type is required; Alexa supports Bearer',
    text: () => 'the provider sent no token_type; Bearer was filled in',
  },
  token_type_replaced: {
    severity: 'warn',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider\'s token_type is not Bearer; it was replaced by Bearer, the only type Alexa supports.',
    fix: 'Nothing while the token really is a bearer token; a MAC or DPoP-bound token cannot be used by Alexa at all.',
    basis: 'RFC 6749 §7.1; Alexa docs "Configure an Authorization Code Grant": Bearer tokens',
  },
  no_expires_in: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider sent no expires_in; Alexa uses the console\'s "Default Access Token Expiration Time".',
    fix: `${CONSOLE}: set "Default Access Token Expiration Time" to the provider's real access-token lifetime.`,
    basis: 'RFC 6749 §5.1: expires_in is recommended; Alexa SMAPI account-linking schema: defaultTokenExpirationInSeconds',
    text: () => 'the provider sent no expires_in: Alexa will use the console\'s "Default Access Token Expiration Time"',
  },
  expires_in_synthesised: {
    severity: 'info',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider sent no expires_in; the provider profile\'s known lifetime was filled in.',
    basis: 'RFC 6749 §5.1',
    text: (p) => `the provider sent no expires_in; the profile's default of ${p['expiresIn']} s was filled in`,
  },
  expires_in_invalid: {
    severity: 'warn',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider\'s expires_in (or its absolute expiry) is not a positive number of seconds; it was dropped, so Alexa falls back to the console\'s default expiration.',
    fix: `${CONSOLE}: set "Default Access Token Expiration Time" to the provider's real lifetime, or fix expires_in at the provider.`,
    basis: 'RFC 6749 §5.1: expires_in is the lifetime in seconds',
  },
  expires_in_short: {
    severity: 'warn',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The access token lives less than 6 minutes: Alexa may not refresh in time, and the user is unlinked.',
    fix: 'Raise the access-token lifetime in the provider\'s client or API settings to at least 360 s (an hour is usual).',
    basis: `${TIPS}: "Ensure that the access token time to live (TTL) is more than 5 minutes"`,
  },
  no_refresh_token: {
    severity: 'warn',
    area: 'token',
    routes: ['POST /token'],
    meaning: 'The code exchange returned no refresh_token: the link breaks when the access token expires.',
    fix: 'Enable refresh tokens for this client at the provider (often an "offline_access" scope, or access_type=offline for Google) and add that scope under "Scope" in the console; then link again.',
    basis: `${TIPS}: "the refresh_token is only provided the first time a user authorizes … you haven't set access_type=offline"`,
    text: (p) => `no refresh_token: the link breaks when the access token expires${p['expiresIn'] !== undefined ? ` (in ${p['expiresIn']} s)` : ''}${p['hint'] ? `. Fix: ${p['hint']}` : ''}`,
  },
  refresh_token_retained: {
    severity: 'info',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The provider\'s refresh answer had no refresh_token; the one Alexa presented was returned, so Alexa keeps a refresh token.',
    basis: 'RFC 6749 §6: the server may keep the refresh token unchanged',
    text: () => 'the provider\'s refresh answer had no refresh_token; the one Alexa presented was returned so Alexa keeps a refresh token',
  },
  refresh_token_rotated: {
    severity: 'info',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The provider replaced the refresh token (rotation); Alexa stores the new one.',
    basis: 'RFC 6749 §6',
    text: (p) => `the provider rotated the refresh token${p['singleUse'] ? ' (single use: the old one no longer works)' : ''}`,
  },
  refresh_rejected: {
    severity: 'error',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The provider rejected Alexa\'s refresh with invalid_grant: Alexa has lost the link and the user must link again.',
    fix: 'At the provider: keep refresh tokens valid for the life of the link (no short absolute or idle expiry), and do not invalidate the previous refresh token at once on rotation (a reuse interval or grace period).',
    basis: `${TIPS}: "Ensure that you are not invalidating refresh tokens too early"`,
  },
  code_rejected: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider rejected the authorization code with invalid_grant: it expired, was already used, or redirect_uri differs from the one on the authorization request.',
    fix: `If the same code was exchanged before, see when and by whom (diagnose shows it); otherwise register the "Alexa Redirect URLs" shown in ${CONSOLE} with the provider, and link again promptly.`,
    basis: 'RFC 6749 §4.1.2 (codes are short-lived and single-use) and §4.1.3 (redirect_uri must match)',
  },
  client_rejected: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider rejected the client (invalid_client or unauthorized_client): the client id or secret is wrong, or sent in a way it does not accept.',
    fix: `${CONSOLE}: check "Your Client ID" and "Your Secret" against the provider's app settings; if they are right, switch "Your Authentication Scheme".`,
    basis: `${TIPS}: "If your service uses another type of authentication, account linking will fail"; RFC 6749 §2.3.1`,
  },
  provider_error: {
    severity: 'error',
    area: 'token',
    routes: ['POST /token', 'GET /callback'],
    meaning: 'The provider answered with an OAuth error other than a refused code or client (e.g. invalid_scope, unauthorized_client for this grant).',
    fix: 'Look the error up in the provider\'s documentation; the client\'s allowed grant types and scopes are the usual cause.',
    basis: `${TIPS}: "More often than not, account linking fails due to an error sent by your authorization server"`,
  },

  // --- Refresh safety --------------------------------------------------------------------------
  refresh_grace_served: {
    severity: 'info',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The same refresh token came again within the grace window (Alexa lost the first answer, or retried); the answer cached then was served without calling the provider.',
    basis: 'RFC 6749 §6: the server may revoke the old refresh token once it has issued a new one',
  },
  refresh_rotation_unexpected: {
    severity: 'warn',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The provider answered a refresh with a new refresh token although the profile says its refresh tokens never change (refresh.rotation none): no grace copy or single-flight protected this answer.',
    fix: 'Use a custom profile with "refresh": {"rotation": "single_use"} (or "rotating" when the old token stays valid) under a new provider id (docs/configuration.md, Custom profiles).',
    basis: 'RFC 6749 §6: the authorization server MAY issue a new refresh token and revoke the old one',
  },
  refresh_single_flight_follower: {
    severity: 'info',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'Another request with the same refresh token was already calling the provider; this one waited for its answer (one provider call for both).',
    basis: 'RFC 6749 §10.4: rotated refresh tokens are single use',
  },
  refresh_single_flight_timeout: {
    severity: 'error',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'Another request with the same refresh token was calling the provider and had no answer by this request\'s deadline; this one answered 503 temporarily_unavailable instead of spending the token twice.',
    fix: 'Make the provider\'s token endpoint answer faster; if no record of the other request exists, look for "Task timed out" in the token function\'s own logs.',
    basis: `${TIPS}: "Check that your server is responding within 4.5 seconds"`,
  },
  refresh_not_coordinated: {
    severity: 'error',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'Single-use refresh tokens, and the refresh could not be coordinated (the state table failed, or the token is in use by other client credentials): 503 temporarily_unavailable, provider not called, Alexa\'s token left live.',
    fix: 'Check that the state table (TableName output) exists and the token function may read and write it; the store error in the record says which.',
    basis: `${TIPS}: "Ensure that you are not invalidating refresh tokens too early"`,
  },
  refresh_store_degraded: {
    severity: 'warn',
    area: 'refresh',
    routes: ['POST /token'],
    meaning: 'The state table was unavailable; the refresh went straight to the provider without rotation grace or single-flight (reusable refresh tokens only).',
    fix: 'Check that the state table (TableName output) exists and the token function may read and write it; look at its throttling metrics at the time shown.',
    basis: `${TIPS}: "Ensure that your authorization server can successfully refresh the access/refresh token pair"`,
  },

  // --- The authorization leg (interception mode) -----------------------------------------------
  authorize_redirected: {
    severity: 'info',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'The authorization request was valid; the user was sent to the provider with the adapter\'s /callback, its own state and PKCE.',
    basis: 'RFC 6749 §4.1.1',
    text: (p) => `sent the user to the provider with our /callback, our own state${p['pkce'] ? `, PKCE ${p['pkce']}` : ''}${p['extras'] ? ` and ${p['extras']}` : ''}`,
  },
  authorize_invalid_request: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'The authorization request was malformed: a broken query, client_id missing or repeated, repeated parameters, or no state.',
    fix: `${CONSOLE}: "Your Web Authorization URI" must be the stack's AuthorizationUri output, with no parameters of your own.`,
    basis: 'RFC 6749 §4.1.1 and §4.1.2.1',
  },
  unsupported_response_type: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'response_type is neither code nor token.',
    fix: `${CONSOLE}: "Authorization Grant Type" must be "Auth Code Grant" (or "Implicit Grant").`,
    basis: 'RFC 6749 §4.1.2.1 unsupported_response_type',
  },
  redirect_uri_not_alexa: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'redirect_uri is not exactly one of Alexa\'s redirect URLs (https://pitangui.amazon.com, layla.amazon.com or alexa.amazon.co.jp /api/skill/link/<vendor id>); the user got a 400 page.',
    fix: `Only Alexa may start a link: open it from the Alexa app, not a bookmark; the "Alexa Redirect URLs" are listed in ${CONSOLE}.`,
    basis: 'RFC 6749 §10.15 (no open redirector); Alexa docs "Alexa Redirect URLs"',
  },
  vendor_id_mismatch: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'redirect_uri is an Alexa redirect URL of another vendor id than the one the adapter is pinned to (configuration vendorId).',
    fix: `Set vendorId to the vendor id at the end of the "Alexa Redirect URLs" in ${CONSOLE}.`,
    basis: 'Alexa docs "Alexa Redirect URLs": /api/skill/link/<your vendor id>',
  },
  redirect_local_simulator: {
    severity: 'info',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'redirect_uri is the local link simulator\'s return URL, accepted in local mode only.',
    basis: 'docs/link-simulator.md',
  },
  pkce_challenge_invalid: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /authorize'],
    meaning: 'Alexa\'s code_challenge or code_challenge_method does not follow RFC 7636.',
    fix: `${CONSOLE}: turn PKCE off and on again; report it if Alexa sent it.`,
    basis: 'RFC 7636 §4.2 and §4.3',
  },
  state_mismatch: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The provider sent the user back without the state the adapter gave it, or with one of no linking attempt: the answer cannot be matched.',
    fix: 'The provider\'s login page must return state unchanged (no re-encoding, no truncation); a state from another deployment (a second stack with the same callback URL) also lands here.',
    basis: `${TIPS}: "make sure the state parameter stays the same throughout the account linking process"`,
  },
  state_replayed: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The provider\'s answer reached /callback a second time; each linking attempt completes only once, so the user got an error page.',
    fix: 'The user reloaded the page or used the back button (or the browser replayed the request); start linking again from the Alexa app.',
    basis: 'RFC 6749 §10.12 (state binds the answer to one request)',
  },
  grant_expired: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /callback', 'POST /token'],
    meaning: 'The user took longer than grantTtlSeconds between Alexa and the provider\'s answer (or Alexa exchanged the code after it).',
    fix: 'Link again; if the provider\'s login really takes longer, raise grantTtlSeconds.',
    basis: 'RFC 6749 §4.1.2: authorization codes are short-lived',
  },
  provider_denied: {
    severity: 'warn',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The provider answered error=access_denied: the user declined, or the provider refused this client or scope.',
    fix: `${CONSOLE} > "Scope": list only scopes the provider's client allows (Login with Amazon: "profile", not "profile:user_id").`,
    basis: 'RFC 6749 §4.1.2.1 access_denied',
  },
  implicit_params_moved_to_fragment: {
    severity: 'info',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The provider put the implicit-grant answer in the query; the adapter moved it to the fragment for Alexa.',
    fix: `Better: switch "Authorization Grant Type" in ${CONSOLE} to "Auth Code Grant".`,
    basis: `${TIPS}: "For skills linking with implicit grants, the query parameters … should be included as a URL fragment starting with #"; RFC 6749 §4.2.2`,
  },
  callback_missing_code: {
    severity: 'error',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The provider sent the user back with neither a code nor an error; Alexa got server_error.',
    fix: 'Check the provider app\'s redirect settings and its own logs at the time shown.',
    basis: 'RFC 6749 §4.1.2',
  },
  callback_redirected: {
    severity: 'info',
    area: 'authorization',
    routes: ['GET /callback'],
    meaning: 'The state matched; the user was sent back to Alexa with the code (implicit grant: the token in the fragment) and Alexa\'s own state.',
    basis: 'RFC 6749 §4.1.2',
    text: (p) => (p['implicit'] ? 'implicit grant: exchanged the code at the provider (public client, PKCE) and sent the access token to Alexa in the fragment' : 'state matched; sent the user back to Alexa with the code and Alexa\'s own state'),
  },
  code_via_callback: {
    severity: 'info',
    area: 'authorization',
    routes: ['POST /token'],
    meaning: 'The code came through /callback: it was exchanged with the adapter\'s own redirect_uri and PKCE verifier after Alexa\'s were checked.',
    basis: 'RFC 6749 §4.1.3; RFC 7636 §4.6',
    text: (p) => `code from /callback: exchanged with our /callback as redirect_uri${p['ourPkce'] ? ' and our PKCE verifier' : ''}${p['alexaPkce'] ? "; Alexa's code_verifier matched its challenge" : ''}`,
  },
  code_replayed: {
    severity: 'error',
    area: 'authorization',
    routes: ['POST /token'],
    meaning: 'The authorization code was already exchanged once; the second request got invalid_grant without reaching the provider.',
    fix: 'If Alexa retried because the first answer came too late, make the provider faster; otherwise find what else sent the code (a test client, a second proxy).',
    basis: 'RFC 6749 §4.1.2 and §10.5: codes are single-use',
  },
  pkce_verifier_mismatch: {
    severity: 'error',
    area: 'authorization',
    routes: ['POST /token'],
    meaning: 'Alexa\'s code_verifier is missing, or does not match the code_challenge it sent to /authorize; the code was not spent.',
    fix: `${CONSOLE}: PKCE must be set the same way for the whole link; link again.`,
    basis: 'RFC 7636 §4.6',
  },
  redirect_uri_mismatch: {
    severity: 'error',
    area: 'authorization',
    routes: ['POST /token'],
    meaning: 'redirect_uri on the token request differs from the one Alexa sent to /authorize; the code was not spent.',
    fix: 'Alexa uses one redirect URL per region for both requests; a test client must repeat the one of its authorization request.',
    basis: 'RFC 6749 §4.1.3: redirect_uri must be identical',
  },

  // --- Smart home: AcceptGrant, directives, Login with Amazon, the Event Gateway ----------------
  accept_grant_ok: {
    severity: 'info',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'AcceptGrant handled: the Login with Amazon tokens are stored for this user.',
    basis: 'Alexa docs "Request Access to the Alexa Event Gateway" (AcceptGrant)',
    text: (p) => `AcceptGrant handled: Login with Amazon tokens stored for this user; events go to the ${p['region']} Event Gateway`,
  },
  accept_grant_malformed: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'The AcceptGrant directive lacked a field or had the wrong payloadVersion or name.',
    fix: 'If Alexa sent it, report it with the record; a test directive must follow the AcceptGrant sample.',
    basis: 'Alexa docs "Alexa.Authorization Interface" (AcceptGrant)',
  },
  accept_grant_secret_missing: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'The Alexa Client Secret is not set, so AcceptGrant cannot be completed and linking fails while "Send Alexa Events" is on.',
    fix: `Copy the Alexa Client Secret from ${PERMISSIONS} (Alexa Skill Messaging) into the stack's secret (the put-secret-value command in docs/smart-home.md); then the user disables and re-enables the skill.`,
    basis: `${TIPS}: "For smart home skills, check your AcceptGrant response"`,
  },
  accept_grant_user_unknown: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'The grantee token is not an access token this adapter issued (or its mapping expired), so the user cannot be recognised.',
    fix: `${CONSOLE}: "Access Token URI" must be this stack's AccessTokenUri output, so that linking goes through the adapter.`,
    basis: `${TIPS}: "For smart home skills, check your AcceptGrant response"`,
  },
  accept_grant_lwa_invalid_grant: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'Login with Amazon refused the AcceptGrant code (invalid_grant): it is valid a few minutes and only once.',
    fix: 'The user disables and re-enables the skill in the Alexa app (a fresh AcceptGrant).',
    basis: 'Alexa docs "Request Access to the Alexa Event Gateway": the authorization code is valid only for a few minutes',
  },
  accept_grant_lwa_invalid_client: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'Login with Amazon refused the client: the Alexa Client Id/Secret configured are not the skill\'s Permissions-page ones.',
    fix: `Copy "Alexa Client Id" and "Alexa Client Secret" from ${PERMISSIONS} (Alexa Skill Messaging) into smartHome.alexaClientId and the stack's secret; not the account-linking client id/secret. Then disable and re-enable the skill.`,
    basis: 'Alexa docs "Request Access to the Alexa Event Gateway": the skill\'s own Alexa client credentials',
  },
  accept_grant_lwa_timeout: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'Login with Amazon did not answer the AcceptGrant code exchange in time (Alexa waits 8 s).',
    fix: 'Retry by disabling and re-enabling the skill; if it repeats, check the function\'s network path to api.amazon.com.',
    basis: 'Alexa docs "Smart Home Troubleshooting": 8 seconds for a skill\'s answer',
  },
  accept_grant_lwa_unavailable: {
    severity: 'error',
    area: 'smart-home',
    routes: ['AcceptGrant'],
    meaning: 'Login with Amazon could not be reached, failed (5xx), or answered something that is not a token answer.',
    fix: 'Retry by disabling and re-enabling the skill; check smartHome.lwaTokenUrl if it was changed.',
    basis: `${TIPS}: "For smart home skills, check your AcceptGrant response"`,
  },
  directive_forwarded: {
    severity: 'info',
    area: 'smart-home',
    routes: ['directive'],
    meaning: 'The directive was forwarded to the skill; its answer was returned unchanged.',
    basis: 'Alexa docs "Steps to Build a Smart Home Skill"',
  },
  directive_no_target: {
    severity: 'error',
    area: 'smart-home',
    routes: ['directive'],
    meaning: 'A directive other than AcceptGrant arrived, but no skill Lambda is configured to forward it to: Alexa got INTERNAL_ERROR and the device shows "not responding".',
    fix: 'Set smartHome.forwardTargetArn to the ARN of your existing smart-home skill Lambda and deploy.',
    basis: 'Alexa docs "Alexa.ErrorResponse" INTERNAL_ERROR',
  },
  directive_forward_failed: {
    severity: 'error',
    area: 'smart-home',
    routes: ['directive'],
    meaning: 'The directive was forwarded, but the skill Lambda failed, timed out or could not be invoked; Alexa got INTERNAL_ERROR.',
    fix: 'Open the skill Lambda\'s own logs at the time shown; check that it answers within Alexa\'s 8 s and that the smart-home function may lambda:InvokeFunction it (smartHome.forwardTargetArn).',
    basis: 'Alexa docs "Smart Home Troubleshooting": 8 seconds for a skill\'s answer',
  },
  directive_malformed: {
    severity: 'error',
    area: 'smart-home',
    routes: ['directive'],
    meaning: 'The directive could not be read (not JSON, no header, wrong payloadVersion, too large); it was answered INVALID_DIRECTIVE and not forwarded.',
    fix: 'If Alexa sent it, report it with the record; a test directive must follow the smart-home message format.',
    basis: 'Alexa docs "Alexa.ErrorResponse" INVALID_DIRECTIVE',
  },
  lwa_refreshed: {
    severity: 'info',
    area: 'smart-home',
    routes: ['lwa_refresh'],
    meaning: 'The Login with Amazon access token was refreshed.',
    basis: 'Alexa docs "Request Access to the Alexa Event Gateway": refresh about every 60 minutes',
    text: (p) => `Login with Amazon access token refreshed (valid ${p['expiresIn']} s)`,
  },
  lwa_revoked: {
    severity: 'warn',
    area: 'smart-home',
    routes: ['lwa_refresh'],
    meaning: 'Login with Amazon refused the refresh token (invalid_grant): the user disabled the skill or removed its permission. The tokens were deleted; events stop until AcceptGrant runs again.',
    fix: 'Nothing to fix in the stack; the user re-enables the skill to send events again.',
    basis: 'Alexa docs "Alexa.Authorization Interface": after the user disables the skill, Login with Amazon refuses the refresh',
  },
  lwa_refresh_failed: {
    severity: 'error',
    area: 'smart-home',
    routes: ['lwa_refresh', 'POST /events'],
    meaning: 'The Login with Amazon access token could not be refreshed (secret unset, client refused, LWA unreachable); the stored tokens are kept and the next call retries.',
    fix: `Check smartHome.alexaClientId and the stack's secret: the Alexa Client Id/Secret from ${PERMISSIONS}, not the account-linking ones.`,
    basis: 'Alexa docs "Request Access to the Alexa Event Gateway"',
  },
  gateway_accepted: {
    severity: 'info',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway accepted the event (202).',
    basis: 'Alexa docs "Send Events to the Event Gateway"',
  },
  gateway_retried_after_401: {
    severity: 'info',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The gateway refused the access token (401 INVALID_ACCESS_TOKEN_EXCEPTION); it was refreshed and the event sent once more.',
    basis: 'Alexa docs "Send Events to the Event Gateway": 401 INVALID_ACCESS_TOKEN_EXCEPTION',
  },
  gateway_skill_disabled: {
    severity: 'warn',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway answered 403 SKILL_DISABLED_EXCEPTION: the user disabled the skill; its tokens were deleted.',
    fix: 'Stop sending events for this user until they enable the skill again.',
    basis: 'Alexa docs "Send Events to the Event Gateway": 403 SKILL_DISABLED_EXCEPTION',
  },
  gateway_skill_never_enabled: {
    severity: 'error',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway answered 403 SKILL_NEVER_ENABLED_EXCEPTION: usually the wrong region\'s gateway (NA api.amazonalexa.com, EU api.eu.amazonalexa.com, FE api.fe.amazonalexa.com).',
    fix: 'Send to the gateway of the user\'s market: smartHome.gatewayRegion NA/EU/FE, or deploy in the region Alexa invokes for that market.',
    basis: 'Alexa docs "Send Events to the Event Gateway": one endpoint per region',
  },
  gateway_insufficient_permission: {
    severity: 'error',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway answered 403 INSUFFICIENT_PERMISSION_EXCEPTION: the skill lacks the "Send Alexa Events" permission (it was off when the user linked).',
    fix: `${PERMISSIONS}: turn on "Send Alexa Events"; users then disable and re-enable the skill.`,
    basis: `${TIPS}: "you might have the 'Send Alexa Events' permissions turned on … you need to respond to the AcceptGrant directive"`,
  },
  gateway_invalid_request: {
    severity: 'error',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The event was refused as malformed: by the adapter before sending (no granteeToken, no event header, over 1 MB), or by the gateway (400 INVALID_REQUEST_EXCEPTION).',
    fix: 'Check the event against the Alexa interface documentation of its namespace, and send {granteeToken, message}.',
    basis: 'Alexa docs "Send Events to the Event Gateway": 400 INVALID_REQUEST_EXCEPTION',
  },
  gateway_throttled: {
    severity: 'warn',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway answered 429 THROTTLING_EXCEPTION.',
    fix: 'Send fewer events; retry at least 1 s apart.',
    basis: 'Alexa docs "Send Events to the Event Gateway": 429 THROTTLING_EXCEPTION',
  },
  gateway_error: {
    severity: 'error',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'The Event Gateway answered another error (or could not be reached).',
    fix: 'Look up the gateway\'s code in the record in the Event Gateway documentation; retry 5xx answers later.',
    basis: 'Alexa docs "Send Events to the Event Gateway"',
  },
  gateway_no_tokens: {
    severity: 'error',
    area: 'smart-home',
    routes: ['POST /events'],
    meaning: 'No event was sent: the grantee token is unknown, no AcceptGrant succeeded for this user, or the link was revoked.',
    fix: 'Use a recent scope.token from a directive; if AcceptGrant never succeeded, the user disables and re-enables the skill.',
    basis: `${TIPS}: "For smart home skills, check your AcceptGrant response"`,
  },

  // --- Any route ---------------------------------------------------------------------------------
  store_unavailable: {
    severity: 'error',
    area: 'adapter',
    routes: ['GET /authorize', 'GET /callback', 'POST /token'],
    meaning: 'The adapter\'s state table could not be read or written, so the linking attempt could not be saved or matched; the user or Alexa was told to try again (temporarily_unavailable).',
    fix: 'Check that the stack\'s state table (TableName output) exists in the stack\'s region and that the functions\' roles still have access to it (TABLE_NAME in their environment); look at its throttling and system-error metrics at the time shown.',
    basis: 'RFC 6749 §4.1.2.1 and §5.2 temporarily_unavailable',
  },
  deployment_key_unavailable: {
    severity: 'warn',
    area: 'adapter',
    routes: ['any'],
    meaning: 'The function could not read the stack\'s deployment key: the request was answered without the state table, and the record\'s fingerprints are that instance\'s own (fpKey ephemeral), so it does not join the others of the link.',
    fix: 'Check that the secret named by DEPLOYMENT_KEY_SECRET_ARN exists and has a value, and that the function\'s role has secretsmanager:GetSecretValue on it.',
    basis: 'docs/security.md "The per-deployment key"',
  },
  adapter_error: {
    severity: 'error',
    area: 'adapter',
    routes: ['any'],
    meaning: 'The adapter failed unexpectedly (a bug); the request was answered with a spec-shaped error.',
    fix: 'Please report it with the record (it holds no secrets).',
    basis: 'RFC 6749 §5.2 server_error',
  },
}) as const satisfies Record<string, VerdictEntry>)();

/** Every verdict code. A string that is not one does not compile where a code is expected. */
export type VerdictCode = keyof typeof VERDICTS;

/** The severity the catalogue gives a code. */
export type SeverityOf<C extends VerdictCode> = (typeof VERDICTS)[C]['severity'];

/**
 * A verdict as a record carries it. The code and its severity are checked together: a verdict of
 * a code with another severity than the catalogue's does not compile, whether built here or by hand.
 */
export type Verdict = { [C in VerdictCode]: VerdictOf<C> }[VerdictCode];
/**
 * The verdict of one code (of each code, for a union): with its message, or compact (`note()`):
 * the code and its parameters, the severity only when it is not `info`, the text left to the CLI.
 */
export type VerdictOf<C extends VerdictCode> = C extends VerdictCode ? { code: C; severity: SeverityOf<C>; message: string } | CompactVerdictOf<C> : never;
export type CompactVerdictOf<C extends VerdictCode> = { code: C; severity?: SeverityOf<C>; message?: undefined } & { readonly [param: string]: string | number | boolean | undefined };

/** The one verdict constructor: the code, its catalogue severity, and what happened this time. */
export function verdict<C extends VerdictCode>(code: C, severity: SeverityOf<C>, message: string): VerdictOf<C> {
  return { code, severity, message } as VerdictOf<C>;
}

/** Codes a handler may write compact: those whose catalogue entry renders the text (`text`). */
export type CompactCode = { [C in VerdictCode]: (typeof VERDICTS)[C] extends { text: unknown } ? C : never }[VerdictCode];

/**
 * A compact verdict (issue 12: the record carries codes and numbers): the code and a few
 * parameters, the severity only when it is not `info`; the CLI renders the text from the catalogue.
 */
export function note<C extends CompactCode>(code: C, severity: SeverityOf<C>, params: VerdictParams = {}): VerdictOf<C> {
  return (severity === 'info' ? { code, ...params } : { code, severity, ...params }) as unknown as VerdictOf<C>;
}

/** A verdict's severity: stated, or `info` for a compact verdict that states none. */
export function severityOf(v: { severity?: Severity }): Severity {
  return v.severity ?? 'info';
}

/** Whether a string read from a log is a code this version knows. */
export function isVerdictCode(code: string): code is VerdictCode {
  return Object.hasOwn(VERDICTS, code);
}

/** The catalogue's codes, in catalogue order. (Marked pure: a bundle that does not read it keeps no catalogue.) */
export const VERDICT_CODES = /* @__PURE__ */ Object.keys(VERDICTS) as VerdictCode[];

/** The codes of one severity, e.g. `CodeOf<'error'>` for the refusals a route answers with an error. */
export type CodeOf<S extends Severity> = { [C in VerdictCode]: SeverityOf<C> extends S ? C : never }[VerdictCode];

/**
 * A verdict's text from its code and a few parameters (what a compact record carries): the text
 * the catalogue renders for the code, else its meaning, then the parameters as `name value` pairs.
 * Undefined for a code this version does not know.
 */
export function renderVerdict(code: string, params: VerdictParams = {}): string | undefined {
  if (!isVerdictCode(code)) return undefined;
  const entry: VerdictEntry = VERDICTS[code];
  if (entry.text) return entry.text(params);
  const shown = Object.entries(params).map(([k, v]) => `${k} ${String(v)}`);
  return shown.length > 0 ? `${VERDICTS[code].meaning} (${shown.join(', ')})` : VERDICTS[code].meaning;
}
