/**
 * The checks Alexa makes on a link, as one module for the link simulator (local/simulator) and
 * `npx alexa-link-adapter simulate`: the browser comes back to Alexa's redirect URL with the state
 * unchanged (seed tip 3), the token answer is JSON with HTTP 200 within 4.5 s (Alexa docs:
 * configure-authorization-code-grant; RFC 6749 §5.1), token_type Bearer, expires_in of at least
 * 360 s, a refresh token, a refresh that works, and a replayed refresh that still works within the
 * adapter's rotation grace (seed: "not invalidating refresh tokens too early"). Pure: no I/O.
 */
import type { TokenAnswerDescription, TokenLeg } from './alexa-client';
import { ALEXA_TOKEN_DEADLINE_MS } from './constants';

/** Shortest access-token lifetime Alexa copes with (the seed: "more than 5 minutes"; Alexa+ FAQ: 360 s). */
export const MIN_EXPIRES_IN_S = 360;

export type LinkCheckId = 'state_unchanged' | 'alexa_redirect' | 'token_answer' | 'token_type' | 'expires_in' | 'refresh_token' | 'refresh_works' | 'replay_works' | 'provider_answer';
export type LinkCheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface LinkCheck {
  id: LinkCheckId;
  name: string;
  status: LinkCheckStatus;
  detail: string;
}

export const CHECK_NAMES: Readonly<Record<LinkCheckId, string>> = {
  state_unchanged: 'state unchanged',
  alexa_redirect: 'redirect to the Alexa URL',
  token_answer: `token answer: JSON, HTTP 200, within ${ALEXA_TOKEN_DEADLINE_MS / 1000} s`,
  token_type: 'token_type Bearer',
  expires_in: `expires_in ≥ ${MIN_EXPIRES_IN_S} s`,
  refresh_token: 'refresh token present',
  refresh_works: 'refresh works',
  replay_works: 'replay within grace works',
  provider_answer: "the provider's own answer, judged as Alexa would",
};

const check = (id: LinkCheckId, status: LinkCheckStatus, detail: string): LinkCheck => ({ id, name: CHECK_NAMES[id], status, detail });

const field = (a: TokenAnswerDescription, name: string) => a.fields.find((f) => f.name === name)?.value;

/** Why Alexa would not accept this token answer; empty when it would (status, format, access_token, time). */
export function tokenAnswerProblems(a: TokenAnswerDescription): string[] {
  if (a.status === undefined) return [a.problem ?? 'no answer'];
  const problems: string[] = [];
  if (a.status !== 200) problems.push(`HTTP ${a.status}, not 200`);
  if (a.format !== 'json') problems.push(`${a.contentType ?? 'no content type'}${a.format === 'empty' ? ', empty body' : ''}, not a JSON object`);
  else if (field(a, 'access_token') === undefined) problems.push(field(a, 'error') !== undefined ? `error=${field(a, 'error')}${field(a, 'error_description') ? ` (${field(a, 'error_description')})` : ''}` : 'no access_token');
  if (a.elapsedMs > ALEXA_TOKEN_DEADLINE_MS) problems.push(`${a.elapsedMs} ms, over Alexa's ${ALEXA_TOKEN_DEADLINE_MS} ms`);
  return problems;
}

const summary = (a: TokenAnswerDescription) => `HTTP ${a.status ?? '–'} ${a.format === 'json' ? 'JSON' : (a.contentType ?? a.format)} in ${a.elapsedMs} ms`;

export interface ReturnObservation {
  /** The redirect_uri Alexa sent (where the browser must come back). */
  redirectUri: string;
  /** The state Alexa sent. */
  sentState: string;
  /** The URL the browser came back to, if it came back. */
  returnedUrl?: string;
  /** Where the browser stopped instead (e.g. "the adapter's /callback answered a page (state_mismatch)"). */
  stoppedAt?: string;
}

/** Seed tip 3: the browser comes back to Alexa's redirect URL, with a code and the state unchanged. */
export function returnChecks(o: ReturnObservation): LinkCheck[] {
  if (o.returnedUrl === undefined) {
    const why = `the browser never came back to Alexa${o.stoppedAt ? `: ${o.stoppedAt}` : ''}`;
    return [check('alexa_redirect', 'fail', why), check('state_unchanged', 'fail', why)];
  }
  const back = new URL(o.returnedUrl);
  const base = `${back.origin}${back.pathname}`;
  const q = back.searchParams;
  const checks: LinkCheck[] = [];
  if (base !== o.redirectUri) checks.push(check('alexa_redirect', 'fail', `came back to ${base}, not to the redirect_uri Alexa sent (${o.redirectUri})`));
  else if (q.get('error') !== null) checks.push(check('alexa_redirect', 'fail', `came back with error=${q.get('error')}${q.get('error_description') ? ` (${q.get('error_description')})` : ''} instead of a code`));
  else if (!q.get('code')) checks.push(check('alexa_redirect', 'fail', 'came back without a code'));
  else checks.push(check('alexa_redirect', 'pass', `${base} with a code`));
  const state = q.get('state');
  if (state === o.sentState) checks.push(check('state_unchanged', 'pass', `the ${o.sentState.length}-character state came back unchanged`));
  else if (state === null) checks.push(check('state_unchanged', 'fail', 'no state came back; Alexa refuses the link'));
  else {
    let i = 0;
    while (i < state.length && i < o.sentState.length && state[i] === o.sentState[i]) i++;
    checks.push(check('state_unchanged', 'fail', `sent ${o.sentState.length} characters, got back ${state.length}, different from character ${i + 1} on; Alexa refuses the link`));
  }
  return checks;
}

/** The code exchange: token_answer, token_type, expires_in, refresh_token. */
export function tokenChecks(a: TokenAnswerDescription | undefined, notSent?: string): LinkCheck[] {
  if (a === undefined) {
    // Not sent because an earlier step failed (`notSent` says which): not reached, not failed.
    const why = notSent ?? 'no token request was made';
    return [check('token_answer', notSent ? 'skip' : 'fail', why), ...(['token_type', 'expires_in', 'refresh_token'] as const).map((id) => check(id, 'skip', why))];
  }
  const problems = tokenAnswerProblems(a);
  if (problems.length > 0) {
    const skipped = 'no usable token answer';
    return [check('token_answer', 'fail', `${problems.join('; ')} (${summary(a)})`), ...(['token_type', 'expires_in', 'refresh_token'] as const).map((id) => check(id, 'skip', skipped))];
  }
  const out = [check('token_answer', 'pass', summary(a))];
  const type = field(a, 'token_type');
  out.push(type !== undefined && type.toLowerCase() === 'bearer' ? check('token_type', 'pass', `token_type ${type}`) : check('token_type', 'fail', type === undefined ? 'no token_type; Alexa supports only Bearer' : `token_type ${type}; Alexa supports only Bearer`));
  const raw = field(a, 'expires_in');
  const expires = raw === undefined ? undefined : Number(raw);
  if (raw === undefined) out.push(check('expires_in', 'warn', "no expires_in: Alexa uses the console's Default Access Token Expiration Time"));
  else if (!Number.isFinite(expires) || !/^\d+$/.test(raw)) out.push(check('expires_in', 'fail', `expires_in ${raw} is not a number of seconds`));
  else if (expires! < MIN_EXPIRES_IN_S) out.push(check('expires_in', 'fail', `expires_in ${expires} s: shorter than ${MIN_EXPIRES_IN_S} s, so refreshing fails and the user is unlinked`));
  else out.push(check('expires_in', 'pass', `expires_in ${expires} s`));
  const rt = field(a, 'refresh_token');
  out.push(rt !== undefined ? check('refresh_token', 'pass', `refresh_token ${rt}`) : check('refresh_token', 'fail', 'no refresh_token: Alexa cannot renew the access token, so the user has to link again when it expires'));
  return out;
}

/** RFC 6749 §6: the refresh answer must be as good as the first one. */
export function refreshCheck(a: TokenAnswerDescription | undefined, presentedFp: string | undefined, notSent?: string): LinkCheck {
  if (a === undefined) return check('refresh_works', notSent ? 'skip' : 'fail', notSent ?? 'no refresh was made');
  const problems = tokenAnswerProblems(a);
  const type = field(a, 'token_type');
  if (problems.length === 0 && (type === undefined || type.toLowerCase() !== 'bearer')) problems.push(`token_type ${type ?? 'missing'}, not Bearer`);
  if (problems.length > 0) return check('refresh_works', 'fail', `${problems.join('; ')} (${summary(a)})`);
  const rt = field(a, 'refresh_token');
  const rotation = rt === undefined ? 'no refresh_token in the answer: Alexa keeps the one it has' : rt === presentedFp ? 'the same refresh_token back' : `a new refresh_token ${rt} (rotated)`;
  return check('refresh_works', 'pass', `${summary(a)}; ${rotation}`);
}

/** A replay of the refresh just made (Alexa retrying after a lost answer) must still work. */
export function replayCheck(a: TokenAnswerDescription | undefined, refreshed: TokenAnswerDescription | undefined, notSent?: string): LinkCheck {
  if (a === undefined) return check('replay_works', notSent ? 'skip' : 'fail', notSent ?? 'no replay was made');
  const problems = tokenAnswerProblems(a);
  if (problems.length > 0) return check('replay_works', 'fail', `${problems.join('; ')} (${summary(a)}): a retried refresh unlinks the user`);
  const same = refreshed !== undefined && field(a, 'access_token') === field(refreshed, 'access_token');
  return check('replay_works', 'pass', `${summary(a)}${same ? '; the same answer as the refresh (the adapter\'s rotation grace)' : '; a fresh answer'}`);
}

/** The provider's answer as an exchange record summarises it (`upstream`), judged by Alexa's rules. */
export interface RecordedUpstream {
  outcome?: string;
  status?: number;
  format?: string;
  latencyMs?: number;
}

export function providerAnswerCheck(u: RecordedUpstream): LinkCheck {
  if (u.outcome !== undefined && u.outcome !== 'answered') return check('provider_answer', 'fail', u.outcome === 'timeout' ? `no answer within the adapter's budget (${u.latencyMs ?? '?'} ms)` : `no answer (${u.outcome})`);
  const problems: string[] = [];
  if (u.status !== 200) problems.push(`HTTP ${u.status ?? '?'}, not 200`);
  if (u.format !== 'json') problems.push(`${u.format ?? 'unknown'} body, not JSON`);
  if ((u.latencyMs ?? 0) > ALEXA_TOKEN_DEADLINE_MS) problems.push(`${u.latencyMs} ms, over ${ALEXA_TOKEN_DEADLINE_MS} ms`);
  return problems.length ? check('provider_answer', 'fail', `${problems.join('; ')}: Alexa would refuse this answer without the adapter`) : check('provider_answer', 'pass', `HTTP 200 JSON in ${u.latencyMs ?? '?'} ms`);
}

/** A direct answer from the provider (no adapter in between), judged by Alexa's rules. */
export function directAnswerCheck(a: TokenAnswerDescription): LinkCheck {
  const problems = tokenAnswerProblems(a);
  return problems.length ? check('provider_answer', 'fail', `${problems.join('; ')} (${summary(a)}): without the adapter, Alexa would get this`) : check('provider_answer', 'pass', summary(a));
}

/**
 * Alexa's checks on a whole token leg (alexa-client.ts `alexaTokenLeg`): the code exchange, the
 * refresh, the replay. `notSent` says why no token request was made when an earlier step failed.
 */
export function tokenLegChecks(leg: TokenLeg, notSent?: string): { token: LinkCheck[]; refresh: LinkCheck; replay: LinkCheck } {
  const codeless = leg.token === undefined && leg.refreshFp !== undefined;
  const noRefresh =
    leg.token && !leg.refresh
      ? tokenAnswerProblems(leg.token.answer).length > 0
        ? 'no usable token answer to refresh from'
        : 'no refresh token to refresh with'
      : (notSent ?? (leg.token || codeless ? undefined : 'no code exchange'));
  return {
    token: codeless ? [] : tokenChecks(leg.token?.answer, notSent),
    refresh: refreshCheck(leg.refresh?.answer, leg.refreshFp, noRefresh),
    replay: replayCheck(leg.replay?.answer, leg.refresh?.answer, noRefresh),
  };
}
