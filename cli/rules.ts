/**
 * `diagnose`: the seed article's failure catalogue ("Alexa Account Linking Debugging Tips") as rules
 * over exchange records. Each rule is data: the verdict codes it keys on (the codes agreed for every
 * route, see the README's verdict table), its cause and its fix (which console field or provider
 * setting to change). Evidence is taken from the records themselves (times in UTC, statuses,
 * fingerprints, timings). Pure: no AWS, no I/O.
 */
import { ALEXA_TOKEN_DEADLINE_MS } from './constants';
import { codesOf, num, str, type LogRecord } from './records';
import { stepLabel, type Timeline } from './timeline';

/**
 * `error`/`warn`: something to fix (diagnose exits 1). `handled`: a catalogue failure the adapter
 * already repaired (form-encoded answer, 201, …): shown, but not a finding.
 */
export type FindingSeverity = 'error' | 'warn' | 'handled';

export interface Finding {
  /** Stable rule id, e.g. `client_auth_mismatch`. */
  rule: string;
  severity: FindingSeverity;
  title: string;
  cause: string;
  /** Lines of evidence from the records (UTC times, statuses, fingerprints, timings). */
  evidence: string[];
  fix: string;
  /** The timeline (link) it was found in. */
  link: string;
  /** UTC times of the records involved. */
  times: string[];
  requestIds: string[];
  /** The verdict codes that triggered it. */
  codes: string[];
}

interface Ctx {
  timeline: Timeline;
  /** The records that matched, in time order. */
  records: LogRecord[];
  /** The first matched verdict code. */
  code: string;
  provider?: string;
}

type Text = string | ((c: Ctx) => string);

export interface Rule {
  id: string;
  severity: FindingSeverity;
  title: string;
  /** Verdict codes the rule keys on (any of them). */
  codes: readonly string[];
  /** Extra matcher for situations without a verdict code (e.g. slow but successful exchanges). */
  matches?: (r: LogRecord) => boolean;
  cause: Text;
  fix: Text;
  /** Evidence beyond the per-record lines. */
  evidence?: (c: Ctx) => string[];
}

const CONSOLE = 'Alexa developer console > your skill > Build > Account Linking';
const SLOW_UPSTREAM_MS = 3000;

const isGoogle = (c: Ctx) => c.provider === 'google';

export const RULES: readonly Rule[] = [
  // --- The token leg -----------------------------------------------------------------------------
  {
    id: 'form_encoded_answer',
    severity: 'handled',
    title: 'The provider answers the token request form-encoded',
    codes: ['upstream_form_encoded', 'content_type_mismatch'],
    cause: 'Alexa accepts only a JSON token answer (RFC 6749 §5.1); this provider answers application/x-www-form-urlencoded or mislabels its body (GitHub does). Without the adapter, linking fails here.',
    fix: 'Nothing to do while Alexa talks to the adapter\'s Access Token URI: it translates the answer to JSON. Do not point the console at the provider\'s token URL directly.',
  },
  {
    id: 'non_200_success',
    severity: 'handled',
    title: 'The provider answers a successful token request with a status other than 200',
    codes: ['success_status_normalized'],
    cause: 'Alexa requires HTTP 200 for a token answer ("make sure you send a 200 OK status code"); the provider sent another 2xx (e.g. 201 Created).',
    fix: 'Nothing to do through the adapter (it answers 200). If you own the provider, answer 200.',
  },
  {
    id: 'error_in_success_status',
    severity: 'handled',
    title: 'The provider answers errors with HTTP 200',
    codes: ['error_in_success_status'],
    cause: 'The provider reports a token error in a 200 answer (GitHub, Reddit); Alexa would read it as a broken success.',
    fix: 'Nothing to do for the status (the adapter answers an RFC 6749 §5.2 error); see the error itself in the other findings.',
  },
  {
    id: 'token_type_replaced',
    severity: 'handled',
    title: 'The provider\'s token_type is not Bearer',
    codes: ['token_type_replaced'],
    cause: 'Alexa supports only Bearer tokens; the provider named another token_type.',
    fix: 'Handled (replaced by Bearer). If the provider really issues another kind of token (e.g. MAC), Alexa cannot use it.',
  },
  {
    id: 'client_auth_mismatch',
    severity: 'error',
    title: 'The provider rejects the client credentials or the way Alexa sends them',
    codes: ['client_rejected', 'upstream_unauthorized', 'unsupported_auth_scheme', 'two_auth_methods', 'missing_client_auth', 'bad_basic_credentials', 'client_id_mismatch'],
    cause: (c) => {
      const r = c.records[0]!;
      const scheme = str(r, 'clientAuth');
      const up = str(r, 'upstream.clientAuth');
      if (c.code === 'client_rejected' || c.code === 'upstream_unauthorized') {
        return `The provider refused the client (HTTP ${num(r, 'upstream.status') ?? '?'}${str(r, 'response.error') ? `, ${str(r, 'response.error')}` : ''}). Alexa authenticated with ${scheme === 'basic' ? 'HTTP Basic' : scheme === 'body' ? 'credentials in the request body' : scheme ?? 'an unknown scheme'}${up ? `, forwarded upstream as "${up}"` : ''}: either the Client ID / Secret in the console are wrong, or the provider accepts only the other client-authentication scheme (RFC 6749 §2.3.1).`;
      }
      return `Alexa's token request did not carry client credentials the way OAuth allows (${c.code}): Alexa supports only HTTP Basic and credentials in the request body (RFC 6749 §2.3.1).`;
    },
    fix: (c) => {
      const scheme = str(c.records[0]!, 'clientAuth');
      const other = scheme === 'basic' ? '"Credentials in request body"' : scheme === 'body' ? '"HTTP Basic (Recommended)"' : 'the scheme the provider documents';
      return `${CONSOLE}: check "Your Client ID" and "Your Secret" against the provider's app settings; if they are right, switch "Your Authentication Scheme" to ${other}. Then unlink and link again.`;
    },
  },
  {
    id: 'no_refresh_token',
    severity: 'warn',
    title: 'No refresh token: the link breaks when the access token expires',
    codes: ['no_refresh_token'],
    cause: (c) =>
      isGoogle(c)
        ? 'Google returned no refresh_token. Google sends one only with access_type=offline, and only on the first authorization of an account (every later consent returns none unless prompt=consent is set).'
        : 'The provider returned no refresh_token, so Alexa cannot renew the access token and the user has to link again when it expires.',
    fix: (c) =>
      isGoogle(c)
        ? `${CONSOLE} > "Your Web Authorization URI": add access_type=offline&prompt=consent; for a test account already linked, revoke the app at https://myaccount.google.com/permissions and link again.`
        : 'Enable refresh tokens for this client in the provider (often an "offline_access" scope or a "refresh token" grant type toggle) and add that scope under "Scope" in the console; then link again.',
  },
  {
    id: 'short_ttl',
    severity: 'warn',
    title: 'Access token lifetime under 6 minutes',
    codes: ['expires_in_short'],
    cause: (c) => `The provider's access tokens live ${num(c.records[0]!, 'tokens.expiresIn') ?? '?'} s; Alexa needs more than 5 minutes (the seed: "Ensure that the access token time to live is more than 5 minutes"), or refreshing fails and the user is unlinked.`,
    fix: 'Raise the access-token lifetime in the provider\'s client or API settings to at least 360 s (an hour is usual).',
  },
  {
    id: 'expires_in_invalid',
    severity: 'warn',
    title: 'The provider\'s expires_in is not a positive number',
    codes: ['expires_in_invalid'],
    cause: 'expires_in was dropped because it is not a positive number; Alexa falls back to the console\'s default expiration.',
    fix: `${CONSOLE}: set "Default Access Token Expiration Time" to the provider's real lifetime, or fix expires_in at the provider.`,
  },
  {
    id: 'refresh_invalidated',
    severity: 'error',
    title: 'The provider rejected the refresh token (invalidated too early)',
    codes: ['refresh_rejected'],
    cause: (c) => {
      const r = c.records[0]!;
      const rt = str(r, 'tokens.refreshTokenInFp');
      const issued = rt ? c.timeline.records.find((x) => str(x, 'tokens.refreshTokenOutFp') === rt) : undefined;
      const used = rt ? c.timeline.records.find((x) => x !== r && str(x, 'tokens.refreshTokenInFp') === rt && x.outcome === 'success') : undefined;
      let text = 'The provider answered invalid_grant to Alexa\'s refresh: Alexa has lost the link and the user must link again (the seed: "you are not invalidating refresh tokens too early").';
      if (used) text += ` The same refresh token ${rt} was already used successfully at ${used.time}; the provider rotated it then and refuses the old one (single-use refresh tokens or reuse detection). Alexa may refresh again with a token it already sent.`;
      else if (issued) text += ` The refresh token ${rt} was issued at ${issued.time}, ${Math.round((Date.parse(r.time) - Date.parse(issued.time)) / 1000)} s before it was refused.`;
      const hint = r.verdicts.find((v) => v.code === 'refresh_rejected')?.message.match(/Likely reason: (.*)$/)?.[1];
      if (hint) text += ` Provider hint: ${hint}`;
      return text;
    },
    fix: 'In the provider: keep refresh tokens valid for the life of the link (no short absolute or idle expiry), and do not invalidate the previous refresh token immediately on rotation (enable a reuse interval / grace period, or turn off reuse detection for this client). Google "Testing" apps: publish the app (refresh tokens of testing apps expire after 7 days).',
  },
  {
    id: 'refresh_single_flight',
    severity: 'warn',
    title: 'A refresh went unprotected: a concurrent refresh timed out, or the state table was down',
    codes: ['refresh_single_flight_timeout', 'refresh_store_degraded', 'refresh_not_coordinated'],
    cause: (c) => {
      const r = c.records.find((x) => codesOf(x).includes(c.code))!;
      if (c.code === 'refresh_not_coordinated') {
        const err = str(r, 'refresh.storeError');
        return `This provider's refresh tokens are single use, and the refresh could not be coordinated with other requests holding the same token (${err ? `the state table failed: ${err}` : 'the token was in use by a request with other client credentials'}). The adapter answered Alexa 503 temporarily_unavailable without calling the provider, so the refresh token Alexa holds is still valid and a later refresh with it works; calling the provider without coordination could have spent it twice and broken the link.`;
      }
      if (c.code === 'refresh_store_degraded') {
        const status = num(r, 'response.status');
        return `The adapter's state table could not be used during this refresh (${str(r, 'refresh.storeError') ?? 'unknown error'}), so it went straight to the provider without single-flight or rotation grace${status !== undefined ? `; Alexa got the provider's answer (HTTP ${status})` : ''}. Nothing was lost this time, but while the table is down a lost answer or two overlapping refreshes spend a single-use refresh token twice: the provider answers invalid_grant and the user must link again.`;
      }
      const rt = str(r, 'tokens.refreshTokenInFp');
      const leader = rt ? c.timeline.records.find((x) => x !== r && str(x, 'tokens.refreshTokenInFp') === rt && ['leader', 'degraded'].includes(str(x, 'refresh.role') ?? '')) : undefined;
      let text = `Another request with the same refresh token${rt ? ` (${rt})` : ''} was calling the provider, and no answer came within this request's wait budget (waited ${num(r, 'refresh.waitedMs') ?? '?'} ms). The adapter answered Alexa 503 temporarily_unavailable instead of spending the token a second time, so the token is still valid and a later refresh with it works.`;
      if (leader) {
        const ms = num(leader, 'upstream.latencyMs');
        text += ` The request holding it (${leader.time}) ${ms !== undefined ? `waited ${ms} ms for the provider` : `ended ${leader.outcome}`}: the provider is too slow for the budget.`;
      } else {
        text += ' No record of the request holding it is in these logs: that instance most likely died mid-refresh (Lambda timeout or crash), and its in-progress marker is honoured until its own deadline (Alexa\'s 4.5 s) + 1 s before another request takes over.';
      }
      return text;
    },
    fix: (c) =>
      c.code === 'refresh_not_coordinated' && str(c.records.find((x) => codesOf(x).includes(c.code))!, 'refresh.storeError') === undefined
        ? `Another client id or secret presented this refresh token moments before: if the skill's client secret was changed in ${CONSOLE}, the next refresh after the window works; otherwise someone else holds the user's refresh token (revoke it at the provider).`
        : c.code === 'refresh_store_degraded' || c.code === 'refresh_not_coordinated'
        ? 'Check that the stack\'s state table (TableName output) exists in the stack\'s region and that the token function\'s role may still read and write it (TABLE_NAME in its environment); the store error named in the cause (ResourceNotFoundException, AccessDeniedException, a network error, "no answer within 1000 ms") says which. Look at the table\'s throttling and system-error metrics at the time shown.'
        : 'If the request holding the token was slow at the provider, make the provider\'s token endpoint answer faster (its budget is upstreamTimeoutMs in cdk.json, and every request waits at most until Alexa\'s 4.5 s; the slow-exchanges saved query lists them); if the record names a store error, look at the table\'s throttling metrics at that time. If no such record exists, open the token function\'s own logs at the time shown for "Task timed out" or an out-of-memory exit, and raise its timeout or memory.',
  },
  {
    id: 'refresh_rotation_unexpected',
    severity: 'warn',
    title: 'The provider rotates refresh tokens, but the profile says they never change',
    codes: ['refresh_rotation_unexpected'],
    cause: (c) =>
      `The provider answered a refresh with a new refresh token, while the adapter's profile${c.provider ? ` (${c.provider})` : ''} says this provider's refresh tokens never change (refresh.rotation none). So the adapter kept no copy of the answer and coordinated nothing: if Alexa loses such an answer (a timeout, a dropped connection) and retries with the old token, a provider that revoked it answers invalid_grant and the user must link again.`,
    fix: 'Give the adapter a custom profile that extends this one with "refresh": {"rotation": "single_use"} (the old token dies when used, or its docs do not say it survives) or "rotating" (it stays valid), under a new provider id (docs/configuration.md, Custom profiles), and deploy.',
  },
  {
    id: 'upstream_slow',
    severity: 'error',
    title: 'The provider is slower than Alexa\'s 4.5 s budget',
    codes: ['upstream_timeout'],
    matches: (r) => r.outcome === 'success' && (num(r, 'upstream.latencyMs') ?? 0) >= SLOW_UPSTREAM_MS,
    cause: (c) => {
      const r = c.records[0]!;
      return c.code === 'upstream_timeout'
        ? `The provider did not answer within the adapter's budget (${num(r, 'timing.upstreamMs') ?? '?'} ms spent waiting); Alexa gives up after ${ALEXA_TOKEN_DEADLINE_MS} ms, so the link fails (the seed: "Check that your server is responding within 4.5 seconds").`
        : `The provider took ${num(r, 'upstream.latencyMs')} ms to answer: close to Alexa's ${ALEXA_TOKEN_DEADLINE_MS} ms deadline.`;
    },
    fix: 'Make the provider\'s token endpoint answer faster (cold starts, a slow user store, a far-away region); the adapter\'s budget is upstreamTimeoutMs (cdk.json) and cannot exceed Alexa\'s 4.5 s.',
  },
  {
    id: 'upstream_broken',
    severity: 'error',
    title: 'The token endpoint does not answer like an OAuth token endpoint',
    codes: ['upstream_unreachable', 'upstream_html', 'upstream_redirect', 'upstream_5xx', 'upstream_http_error', 'upstream_invalid_json', 'upstream_unreadable', 'upstream_too_large', 'missing_access_token'],
    cause: (c) => `The provider's token endpoint failed (${c.code}): ${c.records[0]!.verdicts.find((v) => v.code === c.code)?.message ?? ''}`,
    fix: 'Check tokenUrl in cdk.json (context.adapter) against the provider\'s documented token endpoint, and that the provider is up (npx alexa-link-adapter doctor probes it).',
  },
  {
    id: 'code_rejected',
    severity: 'error',
    title: 'The authorization code was refused',
    codes: ['code_rejected', 'code_replayed', 'pkce_verifier_mismatch', 'callback_missing_code'],
    cause: (c) =>
      c.code === 'code_replayed'
        ? 'The same authorization code was presented twice; codes are single-use (RFC 6749 §4.1.2).'
        : c.code === 'pkce_verifier_mismatch'
          ? 'The PKCE code_verifier does not match the code_challenge of the authorization request (RFC 7636 §4.6).'
          : c.code === 'callback_missing_code'
            ? 'The provider redirected back without a code.'
            : 'The provider refused the authorization code: it expired (codes live minutes), was already used, or redirect_uri differs from the one on the authorization request.',
    fix: `Link again promptly; if it repeats, compare the provider's allowed redirect URLs with the "Alexa Redirect URLs" listed in ${CONSOLE}.`,
  },
  // --- The authorization leg ----------------------------------------------------------------------
  {
    id: 'state_changed',
    severity: 'error',
    title: 'The state parameter changed during linking',
    codes: ['state_mismatch', 'state_replayed'],
    cause: 'The state Alexa sent to the authorization URL did not come back unchanged (the seed: "make sure the state parameter stays the same throughout the account linking process").',
    fix: 'The login page must pass state through untouched (no re-encoding, no truncation, no session-bound replacement); with the adapter\'s /authorize it is checked for you.',
  },
  {
    id: 'redirect_uri',
    severity: 'error',
    title: 'redirect_uri is not Alexa\'s, or not the one registered',
    codes: ['redirect_uri_not_alexa', 'redirect_uri_mismatch', 'vendor_id_mismatch'],
    cause: 'The redirect_uri is not one of Alexa\'s (pitangui.amazon.com, layla.amazon.com, alexa.amazon.co.jp per region) or differs from the one on the authorization request; the Alexa app\'s language decides which region\'s URL is used.',
    fix: `Register all three "Alexa Redirect URLs" shown in ${CONSOLE} with the provider, and use the skill's own vendor id.`,
  },
  {
    id: 'implicit_params_in_query',
    severity: 'handled',
    title: 'Implicit-grant parameters in the query string',
    codes: ['implicit_params_moved_to_fragment'],
    cause: 'With the implicit grant, Alexa reads the access token and state only from the URL fragment (#), never the query string.',
    fix: 'Handled by the adapter (moved to the fragment). Better: switch "Authorization Grant Type" to Auth Code Grant.',
  },
  {
    id: 'authorize_refused',
    severity: 'error',
    title: 'The authorization request was malformed',
    codes: ['authorize_invalid_request', 'unsupported_response_type', 'pkce_challenge_invalid'],
    cause: (c) => `The authorization request was refused (${c.code}).`,
    fix: `${CONSOLE}: check "Your Web Authorization URI" (the adapter's AuthorizationUri output) and "Authorization Grant Type".`,
  },
  {
    id: 'grant_expired',
    severity: 'error',
    title: 'The login took too long',
    codes: ['grant_expired'],
    cause: 'The authorization came back after the adapter\'s grant state expired (the user stayed on the login page too long).',
    fix: 'Link again; if the login page needs long, raise the grant lifetime.',
  },
  {
    id: 'provider_denied',
    severity: 'error',
    title: 'The provider answered the authorization with an error',
    codes: ['provider_denied'],
    cause: 'The provider redirected back with an error (the user denied consent, or a scope is not allowed for this client).',
    fix: `${CONSOLE} > "Scope": list only scopes the provider's client allows (Login with Amazon: "profile", not "profile:user_id").`,
  },
  // --- Smart home ---------------------------------------------------------------------------------
  {
    id: 'accept_grant_credentials',
    severity: 'error',
    title: 'AcceptGrant failed: wrong Alexa client credentials',
    codes: ['accept_grant_lwa_invalid_client'],
    cause: 'Login with Amazon refused the client when exchanging the AcceptGrant code: the Alexa Client Id/Secret configured are not the skill\'s "Alexa Skill Messaging" / Permissions-page credentials (they are not the account-linking ones).',
    fix: 'Copy "Alexa Client Id" and "Alexa Client Secret" from the skill\'s Build > Permissions page (Send Alexa Events) into the adapter\'s secret, then disable and re-enable the skill.',
  },
  {
    id: 'accept_grant_code_expired',
    severity: 'error',
    title: 'AcceptGrant failed: the grant code expired or was used',
    codes: ['accept_grant_lwa_invalid_grant'],
    cause: 'Login with Amazon answered invalid_grant for the AcceptGrant code: it is valid only a few minutes and only once.',
    fix: 'Disable and re-enable the skill in the Alexa app (a fresh AcceptGrant); make sure the AcceptGrant handler answers quickly and does not retry with a used code.',
  },
  {
    id: 'accept_grant_failed',
    severity: 'error',
    title: 'AcceptGrant failed',
    codes: ['accept_grant_malformed', 'accept_grant_secret_missing', 'accept_grant_lwa_timeout', 'accept_grant_lwa_unavailable', 'accept_grant_user_unknown'],
    cause: (c) =>
      c.code === 'accept_grant_secret_missing'
        ? 'The Alexa client secret for Login with Amazon is not configured, so AcceptGrant cannot be completed and linking fails while "Send Alexa Events" is on.'
        : c.code === 'accept_grant_user_unknown'
          ? 'The grantee token in AcceptGrant matches no user known to the provider.'
          : `AcceptGrant could not be completed (${c.code}); with "Send Alexa Events" on, that fails the whole link.`,
    fix: 'Configure the Permissions-page Alexa Client Id/Secret; if you do not send events, turn "Send Alexa Events" off under Build > Permissions.',
  },
  {
    id: 'gateway_forbidden',
    severity: 'error',
    title: 'Event Gateway 403',
    codes: ['gateway_skill_disabled', 'gateway_skill_never_enabled', 'gateway_insufficient_permission'],
    cause: (c) =>
      c.code === 'gateway_skill_disabled'
        ? 'The Event Gateway answered 403 SKILL_DISABLED_EXCEPTION: the user disabled the skill (or unlinked); its tokens are no longer valid.'
        : c.code === 'gateway_insufficient_permission'
          ? 'The Event Gateway answered 403 INSUFFICIENT_PERMISSION_EXCEPTION: the token lacks the alexa::async_event:write scope ("Send Alexa Events" was off when the user linked).'
          : 'The Event Gateway answered 403 SKILL_NEVER_ENABLED_EXCEPTION: events went to a regional gateway where the user never enabled the skill (wrong region: api.amazonalexa.com NA, api.eu.amazonalexa.com EU, api.fe.amazonalexa.com FE).',
    fix: (c) =>
      c.code === 'gateway_skill_disabled'
        ? 'Stop sending events for this user until they enable the skill again.'
        : c.code === 'gateway_insufficient_permission'
          ? 'Turn "Send Alexa Events" on under Build > Permissions, then the user must disable and re-enable the skill.'
          : 'Send events to the gateway of the user\'s region (the region of the AcceptGrant / directive endpoint).',
  },
  {
    id: 'gateway_failed',
    severity: 'error',
    title: 'Sending to the Event Gateway failed',
    codes: ['gateway_invalid_request', 'gateway_error', 'gateway_no_tokens', 'gateway_throttled', 'lwa_revoked', 'lwa_refresh_failed'],
    cause: (c) => `Event Gateway / Login with Amazon failure (${c.code}): ${c.records[0]!.verdicts.find((v) => v.code === c.code)?.message ?? ''}`,
    fix: 'If tokens are missing or revoked, the user must disable and re-enable the skill (a new AcceptGrant); otherwise check the event payload against the Alexa.* interface documentation.',
  },
  {
    id: 'directive_failed',
    severity: 'error',
    title: 'A smart-home directive could not be forwarded',
    codes: ['directive_no_target', 'directive_malformed'],
    cause: (c) =>
      c.code === 'directive_no_target'
        ? 'Alexa sent a directive other than AcceptGrant, but no skill Lambda is configured to forward it to: Alexa got an INTERNAL_ERROR ErrorResponse and the device shows "not responding".'
        : 'Alexa\'s directive could not be read (no directive.header, or not an object): it was answered with an ErrorResponse and not forwarded.',
    fix: (c) =>
      c.code === 'directive_no_target'
        ? 'Set smartHome.forwardTargetArn (cdk.json, context.adapter) to the ARN of your existing smart-home skill Lambda and deploy; the adapter then forwards every directive except AcceptGrant to it.'
        : 'If this came from Alexa, report it with the record; if from a test, send a directive as in the README (Smart home).',
  },
  {
    id: 'directive_forward_failed',
    severity: 'error',
    title: 'The skill failed the forwarded directive',
    codes: ['directive_forward_failed'],
    cause: (c) => `The directive was forwarded, but the skill Lambda failed, timed out or could not be invoked (${c.records[0]!.verdicts.find((v) => v.code === 'directive_forward_failed')?.message ?? ''}); Alexa got INTERNAL_ERROR.`,
    fix: 'Open the skill Lambda\'s own logs at the time shown; check that it answers within Alexa\'s 8 s and that the smart-home function\'s role may lambda:InvokeFunction the target (smartHome.forwardTargetArn).',
  },
  {
    id: 'store_unavailable',
    severity: 'error',
    title: 'The adapter\'s state table could not be reached',
    codes: ['store_unavailable'],
    cause: (c) => `The adapter could not read or write its DynamoDB state table during ${stepLabel(c.records[0]!)} (missing table, no permission, throttling or an outage), so the linking attempt could not be saved or matched; the user or Alexa was told to try again (temporarily_unavailable).`,
    fix: 'Check that the stack\'s state table (TableName output) exists in the stack\'s region and that the functions\' roles still have access to it (TABLE_NAME in their environment); look at the table\'s throttling and system-error metrics at the time shown, then link again.',
  },
  {
    id: 'deployment_key_unavailable',
    severity: 'warn',
    title: 'A function could not read the deployment key',
    codes: ['deployment_key_unavailable'],
    cause: (c) =>
      `During ${stepLabel(c.records[0]!)} the function could not read the stack's deployment key from Secrets Manager (${c.records[0]!.verdicts.find((v) => v.code === c.code)?.message.match(/could not be read \(([^)]*)\)/)?.[1] ?? 'see the record'}). The request was answered, but without the state table (no refresh single-flight or grace, no code link, no grant) and with fingerprints of that instance's own (fpKey ephemeral), so its records do not join the others of the link. The next request retries the read.`,
    fix: 'Check that the secret named by DEPLOYMENT_KEY_SECRET_ARN in the function\'s environment exists (the stack\'s DeploymentKey secret) and has a value, and that the function\'s role still has secretsmanager:GetSecretValue on it; an AccessDeniedException or ResourceNotFoundException in the cause says which. A timeout points at Secrets Manager\'s availability in the region at the time shown.',
  },
  // --- Wiring and bugs ----------------------------------------------------------------------------
  {
    id: 'wrong_access_token_uri',
    severity: 'error',
    title: 'Requests reach the adapter on the wrong path or method',
    codes: ['unknown_route', 'bad_method'],
    cause: (c) => `A request arrived at ${str(c.records[0]!, 'method') ?? '?'} ${str(c.records[0]!, 'path') ?? '?'}, which the adapter does not serve.`,
    fix: `${CONSOLE}: "Access Token URI" must be exactly the stack's AccessTokenUri output (ending in /token).`,
  },
  {
    id: 'alexa_request_refused',
    severity: 'error',
    title: 'The adapter refused the token request',
    codes: ['bad_content_type', 'body_too_large', 'malformed_body', 'repeated_parameter', 'missing_grant_type', 'unsupported_grant_type', 'missing_parameter'],
    cause: (c) => `The token request was not a valid RFC 6749 request (${c.code}): ${c.records[0]!.verdicts.find((v) => v.code === c.code)?.message ?? ''}`,
    fix: 'If this came from Alexa, report it with the record; if from a test client, send a form POST as in the README.',
  },
  {
    id: 'provider_error',
    severity: 'error',
    title: 'The provider refused the token request',
    codes: ['provider_error'],
    cause: (c) => `The provider answered ${str(c.records[0]!, 'response.error') ?? 'an error'}${str(c.records[0]!, 'response.errorDescription') ? ` ("${str(c.records[0]!, 'response.errorDescription')}")` : ''}.`,
    fix: 'Look up this error in the provider\'s documentation; the client settings (grant types, scopes) are the usual cause.',
  },
  {
    id: 'adapter_error',
    severity: 'error',
    title: 'The adapter failed (a bug)',
    codes: ['adapter_error'],
    cause: 'The adapter threw an unexpected error.',
    fix: 'Please report it with this output (it holds no secrets).',
  },
];

/** What a record looked like, in one line of evidence. */
export function evidenceLine(r: LogRecord): string {
  const parts: string[] = [`${r.time} ${stepLabel(r)}`];
  const status = num(r, 'response.status');
  if (status !== undefined) parts.push(`answered ${status}${str(r, 'response.error') ? ` ${str(r, 'response.error')}` : ''}`);
  const upStatus = num(r, 'upstream.status');
  const upOutcome = str(r, 'upstream.outcome');
  if (upStatus !== undefined) parts.push(`provider HTTP ${upStatus}${str(r, 'upstream.format') ? ` ${str(r, 'upstream.format')}` : ''}${num(r, 'upstream.latencyMs') !== undefined ? ` in ${num(r, 'upstream.latencyMs')} ms` : ''}`);
  else if (upOutcome && upOutcome !== 'answered' && upOutcome !== 'not_called') parts.push(`provider ${upOutcome} after ${r.timing.upstreamMs} ms`);
  const auth = str(r, 'clientAuth');
  if (auth) parts.push(`Alexa auth ${auth}`);
  for (const k of ['codeFp', 'refreshTokenInFp', 'accessTokenFp', 'refreshTokenOutFp'] as const) {
    const fp = str(r, `tokens.${k}`);
    if (fp) parts.push(`${k.replace(/Fp$/, '')} ${fp}`);
  }
  parts.push(`request ${r.requestId}`);
  return parts.join(', ');
}

const MAX_EVIDENCE = 5;

export interface Diagnosis {
  /** error and warn findings: what to fix. */
  findings: Finding[];
  /** handled: catalogue failures the adapter repaired. */
  handled: Finding[];
}

/** Applies every rule to every timeline. A healthy link yields nothing. */
export function diagnose(timelines: readonly Timeline[], rules: readonly Rule[] = RULES): Diagnosis {
  const all: Finding[] = [];
  for (const t of timelines) {
    const claimed = new Set<LogRecord>();
    for (const rule of rules) {
      const matched = t.records.filter((r) => codesOf(r).some((c) => rule.codes.includes(c)) || (rule.matches?.(r) ?? false));
      if (matched.length === 0) continue;
      if (rule.severity !== 'handled') matched.forEach((r) => claimed.add(r));
      const byCode = codesOf(matched[0]!).find((c) => rule.codes.includes(c));
      const code = byCode ?? rule.id;
      const ctx: Ctx = { timeline: t, records: matched, code, provider: matched.map((r) => str(r, 'provider')).find(Boolean) };
      const text = (x: Text) => (typeof x === 'string' ? x : x(ctx));
      const evidence = matched.slice(0, MAX_EVIDENCE).map(evidenceLine);
      if (matched.length > MAX_EVIDENCE) evidence.push(`… and ${matched.length - MAX_EVIDENCE} more (last at ${matched.at(-1)!.time})`);
      evidence.push(...(rule.evidence?.(ctx) ?? []));
      all.push({
        rule: rule.id,
        // Matched without a verdict code (a slow but successful exchange): a warning, not a failure.
        severity: byCode === undefined && rule.severity === 'error' ? 'warn' : rule.severity,
        title: rule.title,
        cause: text(rule.cause),
        evidence,
        fix: text(rule.fix),
        link: t.id,
        times: matched.map((r) => r.time),
        requestIds: matched.map((r) => r.requestId),
        codes: [...new Set(matched.flatMap((r) => codesOf(r).filter((c) => rule.codes.includes(c))))],
      });
    }
    // Anything failed or warned about that no rule explains is still reported, never dropped.
    const covered = (code: string) => rules.some((x) => x.codes.includes(code));
    const unexplained = t.records.filter((r) =>
      r.outcome !== 'success' ? !claimed.has(r) : r.verdicts.some((v) => (v.severity === 'error' || v.severity === 'warn') && !covered(v.code)),
    );
    if (unexplained.length > 0) {
      const vs = unexplained.flatMap((r) => r.verdicts.filter((v) => v.severity !== 'info'));
      all.push({
        rule: 'unrecognised',
        severity: unexplained.some((r) => r.outcome !== 'success') ? 'error' : 'warn',
        title: 'A failure no rule knows',
        cause: vs.length > 0 ? vs.map((v) => `${v.code}: ${v.message}`).join(' | ') : `outcome ${unexplained[0]!.outcome} without a verdict`,
        evidence: unexplained.slice(0, MAX_EVIDENCE).map(evidenceLine),
        fix: 'Read the verdict messages above; please report the record so a rule can be added.',
        link: t.id,
        times: unexplained.map((r) => r.time),
        requestIds: unexplained.map((r) => r.requestId),
        codes: [...new Set(vs.map((v) => v.code))],
      });
    }
  }
  return { findings: all.filter((f) => f.severity !== 'handled'), handled: all.filter((f) => f.severity === 'handled') };
}
