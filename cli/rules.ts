/**
 * `diagnose`: the failure catalogue of Amazon's "Alexa Account Linking Debugging Tips" (and the user
 * pains behind it) as rules over a link's records. Rules are keyed by the catalogue's verdict codes
 * (lambda/contract/verdicts.ts). A rule here groups codes, or reads the link's whole timeline before
 * it names a cause (a code that succeeded earlier in the same link, a callback already completed, the
 * same client accepted before); every other code that is something to fix gets a rule made from its
 * catalogue entry (`catalogueRules`), so a new verdict needs no rule here to be diagnosed.
 *
 * Each finding names its cause, the evidence from the records (UTC times, statuses, fingerprints,
 * timings), the fix (which console field or provider setting to change) and what it rests on (the
 * debugging tip or the spec). Pure: no AWS, no I/O.
 */
import { VERDICTS, isVerdictCode, type VerdictCode, type VerdictEntry } from '../lambda/contract/verdicts';
import { ALEXA_TOKEN_DEADLINE_MS } from './constants';
import { networkCause } from './network-errors';
import { codesOf, num, str, timeMs, type LogRecord } from './records';
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
  /** What the cause and the fix rest on: the debugging tip (quoted), the Alexa documentation or the RFC. */
  basis: string;
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
  /** The severity of one finding, when the link's timeline decides it (e.g. a reload after the link completed is only a warning). */
  severityOf?: (c: Ctx) => FindingSeverity;
  title: string;
  /** The title of one finding, when the link's timeline decides it. */
  titleOf?: (c: Ctx) => string;
  /** Verdict codes the rule keys on (any of them). */
  codes: readonly VerdictCode[];
  /** Extra matcher for situations without a verdict code (e.g. slow but successful exchanges). */
  matches?: (r: LogRecord) => boolean;
  cause: Text;
  fix: Text;
  /** What it rests on; default: the catalogue's basis of the codes found. */
  basis?: Text;
  /** Evidence beyond the per-record lines. */
  evidence?: (c: Ctx) => string[];
  /** What the rules table in docs/diagnosing.md adds to the severity and codes columns (scripts/verdict-docs.ts). */
  doc?: { severity?: string; codes?: string };
}

const CONSOLE = 'Alexa developer console > your skill > Build > Account Linking';
const SLOW_UPSTREAM_MS = 3000;

const isGoogle = (c: Ctx) => c.provider === 'google';
/** The catalogue's fix of the code found. */
const catalogueFix = (c: Ctx) => (isVerdictCode(c.code) ? (VERDICTS[c.code] as VerdictEntry).fix : undefined) ?? 'See the verdict messages in the evidence.';
/** The record's own message for the code found. */
const messageOf = (r: LogRecord, code: string) => r.verdicts.find((v) => v.code === code)?.message ?? '';
/** `1.2 s` or `340 ms`. */
const span = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const gap = (a: LogRecord, b: LogRecord) => span(Math.abs(timeMs(b) - timeMs(a)));
/** Records of the timeline before `r`, most recent first. */
const before = (c: Ctx, r: LogRecord) => c.timeline.records.filter((x) => x !== r && timeMs(x) <= timeMs(r)).reverse();

/** An earlier token request of the link that presented the same authorization code. */
function earlierExchange(c: Ctx, r: LogRecord): LogRecord | undefined {
  const fp = str(r, 'tokens.codeFp');
  return fp ? before(c, r).find((x) => x.route === 'POST /token' && str(x, 'tokens.codeFp') === fp) : undefined;
}

/** How a token request ended, in a few words. */
function exchangeResult(r: LogRecord): string {
  const status = num(r, 'response.status');
  return r.outcome === 'success' ? `it succeeded: Alexa got HTTP ${status ?? 200} with tokens after ${r.timing.totalMs} ms` : `it failed: HTTP ${status ?? '?'}${str(r, 'response.error') ? ` ${str(r, 'response.error')}` : ''}`;
}

/** The link went through: a code exchange (or, implicit grant, the callback) succeeded. */
const linkCompleted = (c: Ctx) =>
  c.timeline.records.find((x) => x.outcome === 'success' && ((x.route === 'POST /token' && str(x, 'grantType') === 'authorization_code') || (x.route === 'GET /callback' && str(x, 'tokens.accessTokenFp') !== undefined)));

/** The rules that group codes or read the timeline; every other code to fix gets its catalogue rule (`catalogueRules`). */
export const TIMELINE_RULES: readonly Rule[] = [
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
    cause: 'Alexa requires HTTP 200 for a token answer; the provider sent another 2xx (e.g. 201 Created).',
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
        const accepted = acceptedBefore(c, r);
        if (accepted) {
          return `The provider refused the client (HTTP ${num(r, 'upstream.status') ?? '?'}${str(r, 'response.error') ? `, ${str(r, 'response.error')}` : ''}) at ${r.time}, but accepted the same client id at ${accepted.time} (${stepLabel(accepted)}, ${gap(accepted, r)} earlier): the client secret changed in between (rotated or revoked at the provider, or changed in the console).`;
        }
        return `The provider refused the client (HTTP ${num(r, 'upstream.status') ?? '?'}${str(r, 'response.error') ? `, ${str(r, 'response.error')}` : ''}). Alexa authenticated with ${scheme === 'basic' ? 'HTTP Basic' : scheme === 'body' ? 'credentials in the request body' : scheme ?? 'an unknown scheme'}${up ? `, forwarded upstream as "${up}"` : ''}: either the Client ID / Secret in the console are wrong, or the provider accepts only the other client-authentication scheme (RFC 6749 §2.3.1).`;
      }
      return `Alexa's token request did not carry client credentials the way OAuth allows (${c.code}): Alexa supports only HTTP Basic and credentials in the request body (RFC 6749 §2.3.1).`;
    },
    fix: (c) => {
      const r = c.records[0]!;
      if ((c.code === 'client_rejected' || c.code === 'upstream_unauthorized') && acceptedBefore(c, r)) {
        return `${CONSOLE}: set "Your Secret" to the client secret the provider's app settings show now (a rotated secret must be entered there too); then unlink and link again.`;
      }
      const scheme = str(r, 'clientAuth');
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
    cause: (c) => `The provider's access tokens live ${num(c.records[0]!, 'tokens.expiresIn') ?? '?'} s; Alexa needs more than 5 minutes, or refreshing fails and the user is unlinked.`,
    fix: 'Raise the access-token lifetime in the provider\'s client or API settings to at least 360 s (an hour is usual).',
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
      let text = 'The provider answered invalid_grant to Alexa\'s refresh: Alexa has lost the link and the user must link again.';
      if (used) text += ` The same refresh token ${rt} was already used successfully at ${used.time}; the provider rotated it then and refuses the old one (single-use refresh tokens or reuse detection). Alexa may refresh again with a token it already sent.`;
      else if (issued) text += ` The refresh token ${rt} was issued at ${issued.time}, ${Math.round((timeMs(r) - timeMs(issued)) / 1000)} s before it was refused.`;
      const hint = messageOf(r, 'refresh_rejected').match(/Likely reason: (.*)$/)?.[1];
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
    doc: { codes: `(and, as a warning, successful exchanges whose provider took ${SLOW_UPSTREAM_MS / 1000} s or more)` },
    cause: (c) => {
      const r = c.records[0]!;
      return c.code === 'upstream_timeout'
        ? `The provider did not answer within the adapter's budget (${num(r, 'timing.upstreamMs') ?? '?'} ms spent waiting); Alexa gives up after ${ALEXA_TOKEN_DEADLINE_MS} ms, so the link fails.`
        : `The provider took ${num(r, 'upstream.latencyMs')} ms to answer: close to Alexa's ${ALEXA_TOKEN_DEADLINE_MS} ms deadline.`;
    },
    fix: 'Make the provider\'s token endpoint answer faster (cold starts, a slow user store, a far-away region); the adapter\'s budget is upstreamTimeoutMs (cdk.json) and cannot exceed Alexa\'s 4.5 s.',
    basis: VERDICTS.upstream_timeout.basis,
  },
  {
    id: 'provider_unreachable',
    severity: 'error',
    title: 'The provider\'s token endpoint cannot be reached',
    codes: ['upstream_unreachable'],
    cause: (c) => {
      const r = c.records[0]!;
      const name = str(r, 'upstream.networkError') ?? messageOf(r, 'upstream_unreachable').match(/could not be reached \(([A-Za-z0-9_]+)\)/)?.[1];
      const cause = networkCause(name);
      let text = `The connection to ${str(r, 'upstream.url') ?? 'the provider\'s token endpoint'} ${cause.what}${cause.known ? ` (${name})` : ''}; Alexa got 503 temporarily_unavailable and linking failed.`;
      const answered = before(c, r).find((x) => str(x, 'upstream.outcome') === 'answered' && str(x, 'upstream.url') === str(r, 'upstream.url'));
      if (answered) text += ` The same endpoint answered at ${answered.time}, ${gap(answered, r)} earlier: the failure comes and goes.`;
      return text;
    },
    fix: (c) => networkCause(str(c.records[0]!, 'upstream.networkError')).fix,
    basis: (c) => networkCause(str(c.records[0]!, 'upstream.networkError')).basis,
  },
  {
    id: 'upstream_broken',
    severity: 'error',
    title: 'The token endpoint does not answer like an OAuth token endpoint',
    codes: ['upstream_html', 'upstream_redirect', 'upstream_5xx', 'upstream_http_error', 'upstream_invalid_json', 'upstream_unreadable', 'upstream_too_large', 'missing_access_token'],
    cause: (c) => {
      const r = c.records[0]!;
      let text = `The provider's token endpoint failed (${c.code}): ${messageOf(r, c.code)}`;
      const answered = before(c, r).find((x) => x.outcome === 'success' && str(x, 'upstream.url') === str(r, 'upstream.url') && str(x, 'upstream.outcome') === 'answered');
      if (answered) text += `. The same endpoint answered with tokens at ${answered.time}: it fails only at times (an outage or a maintenance page).`;
      return text;
    },
    fix: 'Check tokenUrl in cdk.json (context.adapter) against the provider\'s documented token endpoint, and that the provider is up (npx alexa-link-adapter doctor probes it).',
  },
  {
    id: 'code_rejected',
    severity: 'error',
    title: 'The authorization code was refused',
    titleOf: (c) => (twiceExchanged(c) ? 'The same authorization code was exchanged twice' : 'The authorization code was refused'),
    codes: ['code_rejected', 'code_replayed', 'pkce_verifier_mismatch', 'callback_missing_code'],
    cause: (c) => {
      const r = c.records[0]!;
      const first = twiceExchanged(c);
      if (first) {
        const refusal = c.code === 'code_replayed' ? 'the adapter refused it without asking the provider' : `the provider refused it (${str(r, 'response.error') ?? 'invalid_grant'})`;
        return `The authorization code ${str(r, 'tokens.codeFp')} was exchanged twice: at ${first.time} ${exchangeResult(first)}; at ${r.time}, ${gap(first, r)} later, ${refusal}. A code is single-use (RFC 6749 §4.1.2), so the second exchange fails whatever the redirect URLs say.`;
      }
      if (c.code === 'pkce_verifier_mismatch') return 'The PKCE code_verifier does not match the code_challenge of the authorization request (RFC 7636 §4.6).';
      if (c.code === 'callback_missing_code') return 'The provider redirected back without a code.';
      if (c.code === 'code_replayed') return 'The authorization code was presented a second time (the first exchange is not in these logs); codes are single-use (RFC 6749 §4.1.2).';
      const fp = str(r, 'tokens.codeFp');
      const issued = fp ? before(c, r).find((x) => x.route === 'GET /callback' && str(x, 'codeFp') === fp) : undefined;
      const age = issued ? Math.round((timeMs(r) - timeMs(issued)) / 1000) : undefined;
      if (issued && age !== undefined && age >= 60) return `The provider refused the authorization code (invalid_grant): it came through /callback at ${issued.time} and was exchanged ${age} s later; providers keep codes for minutes at most (RFC 6749 §4.1.2: 10 minutes recommended), so it had most likely expired.`;
      return 'The provider refused the authorization code: it expired (codes live minutes), was already used, or redirect_uri differs from the one on the authorization request.';
    },
    fix: (c) => {
      const first = twiceExchanged(c);
      if (first) {
        const slow = first.outcome === 'success' && first.timing.totalMs >= SLOW_UPSTREAM_MS;
        return slow
          ? `The first exchange took ${first.timing.totalMs} ms of Alexa's ${ALEXA_TOKEN_DEADLINE_MS} ms (API Gateway and a cold start come on top): Alexa most likely gave up on it and tried again with the same code. Make the provider's token endpoint answer faster (upstreamTimeoutMs in cdk.json bounds it).`
          : `Alexa exchanges a code once and retries only when it got no answer: find what else sent this code to the Access Token URI at ${c.records[0]!.time} (a test script or a second client replaying Alexa's request, a proxy or load balancer retrying in front of the adapter) and stop it. Nothing in the console or the provider's redirect URLs needs to change.`;
      }
      if (c.code === 'pkce_verifier_mismatch') return `${CONSOLE}: PKCE must stay on (or off) for the whole link; link again.`;
      return `Link again promptly; if it repeats, compare the provider's allowed redirect URLs with the "Alexa Redirect URLs" listed in ${CONSOLE}.`;
    },
    evidence: (c) => {
      const first = twiceExchanged(c);
      return first ? [`first exchange: ${evidenceLine(first)}`] : [];
    },
  },
  {
    id: 'token_method',
    severity: 'error',
    title: 'The Access Token URI was called with another method than POST',
    codes: ['bad_method'],
    cause: (c) => {
      const r = c.records[0]!;
      const method = str(r, 'method') ?? 'another method';
      return `${method} ${str(r, 'path') ?? ''} reached the Access Token URI at ${r.time}; it accepts only POST, which is all Alexa ever sends (RFC 6749 §3.2). ${method === 'GET' ? 'A GET is what a browser sends: the Access Token URI was opened as a web page, most often because it was entered as the authorization URL.' : `A ${method} comes from a client other than Alexa.`}`;
    },
    fix: catalogueFix,
  },
  // --- The authorization leg ----------------------------------------------------------------------
  {
    id: 'state_changed',
    severity: 'error',
    title: 'The state parameter changed during linking',
    codes: ['state_mismatch'],
    cause: 'The state the adapter gave the provider did not come back unchanged, or belongs to no linking attempt of this adapter: the provider\'s answer cannot be matched to the attempt Alexa started.',
    fix: 'The provider\'s login page must pass state through untouched (no re-encoding, no truncation, no session-bound replacement); if two stacks share one callback URL, give each its own.',
  },
  {
    id: 'page_reloaded',
    severity: 'error',
    severityOf: (c) => (linkCompleted(c) ? 'warn' : 'error'),
    doc: { severity: 'error (warn once the link completed)' },
    title: 'The provider\'s answer was opened twice: the page was reloaded or the back button used',
    codes: ['state_replayed'],
    cause: (c) => {
      const r = c.records[0]!;
      const first = before(c, r).find((x) => x.route === 'GET /callback' && !codesOf(x).includes('state_replayed'));
      const done = linkCompleted(c);
      const completed = done ? ` The link itself completed: ${done.route === 'POST /token' ? `Alexa exchanged the code at ${done.time}` : `Alexa got the token at ${done.time}`}.` : '';
      if (!first) return `The provider's answer reached /callback again at ${r.time} after it had been used (the first visit is not in these logs): the page was reloaded, the back button used, or the address replayed. Each linking attempt completes only once, so this visit showed an error page.${completed}`;
      return `The provider's answer reached /callback at ${first.time} and was ${first.outcome === 'success' ? 'completed (the user went back to Alexa)' : `used (${first.outcome})`}; the same answer, with the same state, came again at ${r.time}, ${gap(first, r)} later: the page was reloaded or the back button used. The state did not change; each linking attempt completes only once, so the second visit showed an error page.${completed}`;
    },
    fix: (c) =>
      linkCompleted(c)
        ? 'Nothing to change: the link completed, and only the repeated visit showed an error page. If users hit this often, check that the provider\'s login page does not resubmit its form (a redirect after POST).'
        : 'Nothing to change in the console or at the provider (the state was not altered): the user starts linking again from the Alexa app and does not reload or go back during the login.',
  },
  {
    id: 'redirect_uri',
    severity: 'error',
    title: 'redirect_uri is not Alexa\'s, or not the one registered',
    codes: ['redirect_uri_not_alexa', 'redirect_uri_mismatch', 'vendor_id_mismatch'],
    cause: (c) =>
      c.code === 'vendor_id_mismatch'
        ? 'The redirect_uri is an Alexa redirect URL, but of another vendor id than the one this adapter is pinned to (vendorId in the configuration).'
        : c.code === 'redirect_uri_mismatch'
          ? 'The redirect_uri on the token request differs from the one on the authorization request (RFC 6749 §4.1.3); the code was not spent.'
          : 'The redirect_uri is not one of Alexa\'s (pitangui.amazon.com, layla.amazon.com, alexa.amazon.co.jp per region); the Alexa app\'s language decides which region\'s URL is used.',
    fix: (c) => (c.code === 'vendor_id_mismatch' ? catalogueFix(c) : `Register all three "Alexa Redirect URLs" shown in ${CONSOLE} with the provider, and use the skill's own vendor id.`),
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
    cause: (c) => `The authorization request was refused (${c.code}): ${messageOf(c.records[0]!, c.code)}.`,
    fix: `${CONSOLE}: check "Your Web Authorization URI" (the adapter's AuthorizationUri output) and "Authorization Grant Type".`,
  },
  {
    id: 'grant_expired',
    severity: 'error',
    title: 'The login took too long',
    codes: ['grant_expired'],
    cause: (c) => {
      const r = c.records[0]!;
      const age = num(r, 'grantAgeS');
      const started = before(c, r).find((x) => x.route === 'GET /authorize');
      if (r.route === 'POST /token') return `Alexa exchanged the code after the adapter's linking attempt had expired (grantTtlSeconds)${started ? `; the attempt started at ${started.time}, ${gap(started, r)} before` : ''}.`;
      return `The user came back from the provider ${age !== undefined ? `${age} s` : 'too long'} after Alexa started the link${started ? ` (at ${started.time})` : ''}, after the adapter's linking attempt had expired (grantTtlSeconds): the user stayed on the login page too long.`;
    },
    fix: 'Link again; if the provider\'s login really takes longer (a second factor, an e-mail link), raise grantTtlSeconds in cdk.json.',
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
    fix: (c) => (c.code === 'accept_grant_user_unknown' ? catalogueFix(c) : 'Configure the Permissions-page Alexa Client Id/Secret; if you do not send events, turn "Send Alexa Events" off under Build > Permissions.'),
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
    cause: (c) => `Event Gateway / Login with Amazon failure (${c.code}): ${messageOf(c.records[0]!, c.code)}`,
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
        : 'If this came from Alexa, report it with the record; if from a test, send a directive as in docs/smart-home.md.',
  },
  {
    id: 'deployment_key_unavailable',
    severity: 'warn',
    title: 'A function could not read the deployment key',
    codes: ['deployment_key_unavailable'],
    cause: (c) =>
      `During ${stepLabel(c.records[0]!)} the function could not read the stack's deployment key from Secrets Manager (${messageOf(c.records[0]!, c.code).match(/could not be read \(([^)]*)\)/)?.[1] ?? 'see the record'}). The request was answered, but without the state table (no refresh single-flight or grace, no code link, no grant) and with fingerprints of that instance's own (fpKey ephemeral), so its records do not join the others of the link. The next request retries the read.`,
    fix: 'Check that the secret named by DEPLOYMENT_KEY_SECRET_ARN in the function\'s environment exists (the stack\'s DeploymentKey secret) and has a value, and that the function\'s role still has secretsmanager:GetSecretValue on it; an AccessDeniedException or ResourceNotFoundException in the cause says which. A timeout points at Secrets Manager\'s availability in the region at the time shown.',
  },
  // --- Wiring -------------------------------------------------------------------------------------
  {
    id: 'wrong_access_token_uri',
    severity: 'error',
    title: 'Requests reach the adapter on a path it does not serve',
    codes: ['unknown_route'],
    cause: (c) => `A request arrived at ${str(c.records[0]!, 'method') ?? '?'} ${str(c.records[0]!, 'path') ?? '?'}, which the adapter does not serve.`,
    fix: catalogueFix,
  },
  {
    id: 'alexa_request_refused',
    severity: 'error',
    title: 'The adapter refused the token request',
    codes: ['bad_content_type', 'body_too_large', 'malformed_body', 'repeated_parameter', 'missing_grant_type', 'unsupported_grant_type', 'missing_parameter'],
    cause: (c) => `The token request was not a valid RFC 6749 request (${c.code}): ${messageOf(c.records[0]!, c.code)}`,
    fix: 'If this came from Alexa, report it with the record; a test client must send a form POST as Alexa does (`npx alexa-link-adapter simulate` sends one, and local mode\'s banner prints a `curl` line).',
  },
  {
    id: 'provider_error',
    severity: 'error',
    title: 'The provider refused the request with an OAuth error',
    codes: ['provider_error'],
    cause: (c) => {
      const r = c.records[0]!;
      if (r.route === 'GET /callback') return `The provider sent the user back with error=${str(r, 'providerError') ?? '?'} instead of a code: ${messageOf(r, c.code)}.`;
      return `The provider answered ${str(r, 'response.error') ?? 'an error'}${str(r, 'response.errorDescription') ? ` ("${str(r, 'response.errorDescription')}")` : ''}.`;
    },
    fix: catalogueFix,
  },
];

/** The first line of a catalogue meaning, as a finding's title. */
function headline(meaning: string): string {
  const cut = meaning.search(/[.:;](\s|$)/);
  return cut > 0 ? meaning.slice(0, cut) : meaning;
}

/**
 * A rule for every catalogue code that is something to fix (warn, error) and that `grouped` does not
 * key on: id the code, title and cause from its meaning (with the record's own message), fix and
 * basis from its entry. `verdicts` is the catalogue (a test passes one with an added entry).
 */
export function catalogueRules(grouped: readonly Rule[], verdicts: Readonly<Record<string, VerdictEntry>> = VERDICTS): Rule[] {
  const keyed = new Set<string>(grouped.flatMap((r) => r.codes));
  return Object.entries(verdicts)
    .filter(([code, entry]) => entry.severity !== 'info' && !keyed.has(code))
    .map(([code, entry]) => ({
      id: code,
      severity: entry.severity === 'error' ? ('error' as const) : ('warn' as const),
      title: headline(entry.meaning),
      codes: [code as VerdictCode],
      cause: (c: Ctx) => {
        const said = messageOf(c.records[0]!, code);
        return said ? `${entry.meaning} This time: ${said}.` : entry.meaning;
      },
      fix: entry.fix ?? 'Nothing to change.',
      basis: entry.basis,
    }));
}

/** Every rule: the ones above, then one per remaining catalogue code. */
export const RULES: readonly Rule[] = [...TIMELINE_RULES, ...catalogueRules(TIMELINE_RULES)];

/** The client was accepted by the provider earlier in the link (same client id fingerprint, the provider answered tokens). */
function acceptedBefore(c: Ctx, r: LogRecord): LogRecord | undefined {
  const client = str(r, 'clientIdFp');
  return client ? before(c, r).find((x) => x.outcome === 'success' && str(x, 'clientIdFp') === client && str(x, 'upstream.outcome') === 'answered') : undefined;
}

/** For a refused code: the earlier exchange of the same code in this link, if there was one. */
function twiceExchanged(c: Ctx): LogRecord | undefined {
  if (c.code !== 'code_rejected' && c.code !== 'code_replayed') return undefined;
  return earlierExchange(c, c.records[0]!);
}

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

/** The catalogue's basis of the codes, each once (codes this version does not know have none). */
function basisOf(codes: readonly string[]): string {
  return [...new Set(codes.filter(isVerdictCode).map((c) => VERDICTS[c].basis as string))].join('; ');
}

/** Applies every rule to every timeline. A healthy link yields nothing. */
export function diagnose(timelines: readonly Timeline[], rules: readonly Rule[] = RULES): Diagnosis {
  const all: Finding[] = [];
  for (const t of timelines) {
    const claimed = new Set<LogRecord>();
    for (const rule of rules) {
      const matched = t.records.filter((r) => codesOf(r).some((c) => rule.codes.includes(c as VerdictCode)) || (rule.matches?.(r) ?? false));
      if (matched.length === 0) continue;
      if (rule.severity !== 'handled') matched.forEach((r) => claimed.add(r));
      const byCode = codesOf(matched[0]!).find((c) => rule.codes.includes(c as VerdictCode));
      const code = byCode ?? rule.id;
      const ctx: Ctx = { timeline: t, records: matched, code, provider: matched.map((r) => str(r, 'provider')).find(Boolean) };
      const text = (x: Text) => (typeof x === 'string' ? x : x(ctx));
      const evidence = matched.slice(0, MAX_EVIDENCE).map(evidenceLine);
      if (matched.length > MAX_EVIDENCE) evidence.push(`… and ${matched.length - MAX_EVIDENCE} more (last at ${matched.at(-1)!.time})`);
      evidence.push(...(rule.evidence?.(ctx) ?? []));
      const severity = rule.severityOf?.(ctx) ?? rule.severity;
      const codes = [...new Set(matched.flatMap((r) => codesOf(r).filter((c) => rule.codes.includes(c as VerdictCode))))];
      all.push({
        rule: rule.id,
        // Matched without a verdict code (a slow but successful exchange): a warning, not a failure.
        severity: byCode === undefined && severity === 'error' ? 'warn' : severity,
        title: rule.titleOf?.(ctx) ?? rule.title,
        cause: text(rule.cause),
        evidence,
        fix: text(rule.fix),
        basis: rule.basis !== undefined ? text(rule.basis) : basisOf(codes.length > 0 ? codes : [code]),
        link: t.id,
        times: matched.map((r) => r.time),
        requestIds: matched.map((r) => r.requestId),
        codes,
      });
    }
    // Anything failed or warned about that no rule explains is still reported, never dropped.
    const covered = (code: string) => rules.some((x) => x.codes.includes(code as VerdictCode));
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
        basis: basisOf(vs.map((v) => v.code)),
        link: t.id,
        times: unexplained.map((r) => r.time),
        requestIds: unexplained.map((r) => r.requestId),
        codes: [...new Set(vs.map((v) => v.code))],
      });
    }
  }
  return { findings: all.filter((f) => f.severity !== 'handled'), handled: all.filter((f) => f.severity === 'handled') };
}
