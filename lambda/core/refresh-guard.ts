/**
 * Refresh safety around the provider call of a `grant_type=refresh_token` exchange
 * (docs/refresh-safety.md), for providers whose refresh tokens change when used (profile
 * `refresh.rotation` `rotating` or `single_use`). A token that never changes (`none`: Google,
 * Cognito, Apple…) needs none of it: it cannot be spent twice and a replay of it is a valid request
 * of its own, so such a refresh goes straight to the provider and touches no table (role `direct`).
 *
 * - single-flight: concurrent refreshes with one refresh token, across Lambda instances, make one
 *   provider call; the others wait, inside the deadline, for its answer (lambda/store/single-flight.ts);
 * - rotation grace: a successful answer is kept for `refreshGraceSeconds`, so Alexa replaying the old
 *   token of a single-use provider (after a lost answer or a timeout) gets the same answer instead of
 *   the provider's invalid_grant (RFC 6749 §6 lets the server revoke the old token once rotated);
 * - when the table fails: for a provider whose refresh tokens are single use (profile
 *   `refresh.rotation: single_use`), no request but the one holding the in-progress marker ever calls
 *   the provider with the token; any other answers 503 temporarily_unavailable, leaving Alexa a live
 *   token. For reusable tokens the provider is called directly (degrade) and the record says so.
 *
 * Nothing usable is stored: the item key is a hash of the refresh token (`secretKey`), the answer is
 * sealed under a key derived from the token (`seal`, HKDF + AES-256-GCM), and every item carries its
 * TTL. The stored answer holds only what a follower or a replay needs (`Stored`), so the item stays
 * within one DynamoDB write unit (1 KB) for tokens of usual size. The cached answer is bound to the client credentials that obtained it: a request with the same
 * refresh token but other credentials is never served from the cache (RFC 6749 §6: the server must
 * authenticate the client on refresh), it goes to the provider, which judges.
 */
import { IN_PROGRESS_MARGIN_MS } from './deadline';
import { singleFlight, type WriteOutcome } from '../store/single-flight';
import { StoreUnavailableError, type StateStore } from '../store/state-store';
import { verdict, type Verdict } from '../contract/verdicts';
import type { ExchangeRecord, RefreshSummary, TokenSummary } from './exchange-record';
import { OAuthError, errorAnswer, type HttpAnswer } from './oauth-error';
import type { ProviderProfile } from './profiles/types';
import { SealError, open, seal, secretKey } from './sealed';

/** What a finished refresh leaves for followers and replays. Secret-free except `answer` (sealed). */
export interface RefreshAnswer {
  answer: HttpAnswer;
  outcome: ExchangeRecord['outcome'];
  verdicts: Verdict[];
  tokens: TokenSummary;
}

/**
 * What is sealed into the table for followers and replays: the answer Alexa gets, and for the
 * follower's record the leader's outcome, token summary (fingerprints join the link's timeline) and
 * verdict codes. Not the verdicts' prose (it is in the leader's record), and of a success body only
 * the members RFC 6749 §5.1 defines (Alexa reads no other; an `id_token` alone is 1–2 KB).
 * Items written before (v 1: full verdicts and body) read the same way.
 */
interface Stored {
  v: 2;
  /** Epoch ms when the leader's answer was ready. */
  completedAt: number;
  /** Hash of the client credentials that obtained the answer. */
  client: string;
  answer: HttpAnswer;
  outcome: RefreshAnswer['outcome'];
  verdicts: { code: string; severity: Verdict['severity']; message?: string }[];
  tokens: TokenSummary;
  /** Members of the provider's success body other than RFC 6749 §5.1's were left out. */
  trimmed?: true;
}

/** The members of a token answer Alexa reads (RFC 6749 §5.1). */
const ANSWER_MEMBERS = ['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'];
/** Message of a leader's verdict in a follower's record: the prose stays in the leader's record. */
export const LEADER_VERDICT = 'verdict of the request that called the provider (its record has the details)';

export interface RefreshGuardOptions {
  /** The state table, its calls already bounded by the request's deadline; undefined: no coordination (stateless). */
  store?: () => Promise<StateStore>;
  refreshToken: string;
  clientId?: string;
  clientSecret?: string;
  /** 0: answers are shared with requests in flight only. */
  graceSeconds: number;
  /**
   * Profile `refresh.rotation`: `none`, the token never changes, nothing to guard; `single_use`, only
   * the marker holder may call the provider with it; `rotating`, guarded, degrading when the table fails.
   */
  rotation: ProviderProfile['refresh']['rotation'];
  /** Epoch ms: the request's deadline. Waiting ends there; this request's marker is honoured until it plus IN_PROGRESS_MARGIN_MS. */
  deadline: number;
  now: () => number;
  pollMs?: number;
}

export type GuardOutcome<T> =
  /** The provider was called by this request (leader, degraded, bypass, stateless, direct); `recorded`: the leader's write of the answer. */
  | { kind: 'called'; value: T; refresh: RefreshSummary; verdicts: Verdict[]; recorded?: WriteOutcome; sleptMs: number }
  /** Another request's answer was served (follower, grace), none came in time (timeout), or the provider could not be called safely (refused). */
  | { kind: 'served'; served: RefreshAnswer; refresh: RefreshSummary; verdicts: Verdict[]; translated: string[]; sleptMs: number };

/** Answers other than success are shared with requests in flight only, for this long (s). */
export const IN_FLIGHT_KEEP_SECONDS = 2;
const PURPOSE_KEY = 'refresh';
/** Purpose of the sealed answer (sealed.ts). */
export const PURPOSE_SEAL = 'refresh-grace';

/** Whether a refresh of this profile uses the table (and needs time for a write after the provider's answer). */
export function guardsRefresh(rotation: ProviderProfile['refresh']['rotation']): boolean {
  return rotation !== 'none';
}

export function refreshItemKey(refreshToken: string): string {
  return `refresh#${secretKey(refreshToken, PURPOSE_KEY)}`;
}

/** The client credentials a cached answer is bound to: a keyed hash (they are secrets). */
export function clientBinding(clientId: string | undefined, clientSecret: string | undefined): string {
  return secretKey(`${clientId ?? ''}\u0000${clientSecret ?? ''}`, 'refresh-client');
}

/** How long a leader's answer is kept: successes for the grace window, anything else only for the requests in flight. */
export function keepSecondsOf(status: number, graceSeconds: number): number {
  return status === 200 && graceSeconds > 0 ? graceSeconds : IN_FLIGHT_KEEP_SECONDS;
}

function storeReason(err: unknown): string {
  return err instanceof StoreUnavailableError ? err.reason : err instanceof Error ? err.name : 'unknown';
}

function degradedVerdict(reason: string): Verdict {
  return verdict(
    'refresh_store_degraded',
    'warn',
    `the state table was unavailable (${reason}); the refresh went straight to the provider without rotation grace or single-flight: if Alexa's answer is lost, a retry with this refresh token may be rejected by a provider with single-use refresh tokens`,
  );
}

/** RFC 6749 §5.2 / RFC 9110 §15.6.4: a transient 503; Alexa keeps the refresh token it holds, which was not used. */
function unavailableAnswer(description: string): RefreshAnswer {
  const err = new OAuthError('temporarily_unavailable', description, { status: 503, headers: { 'retry-after': '1' } });
  return { answer: errorAnswer(err), outcome: 'upstream_error', verdicts: [], tokens: {} };
}

/** A single-use token this request must not spend: 503, provider not called (docs/refresh-safety.md). */
function refused(why: 'store' | 'other_client', reason: string | undefined, base: RefreshSummary, sleptMs: number): GuardOutcome<never> {
  const message =
    why === 'store'
      ? `the state table could not be used (${reason}) and this provider's refresh tokens are single use: calling the provider without holding the in-progress marker could spend the token twice, so this request answered 503 temporarily_unavailable without using it. Alexa keeps a live refresh token and can retry`
      : 'this refresh token is being, or was just, exchanged by a request with other client credentials, and this provider\'s refresh tokens are single use: a second provider call could spend it twice, so this request answered 503 temporarily_unavailable without using it';
  return {
    kind: 'served',
    served: unavailableAnswer(why === 'store' ? 'the adapter\'s state table is unavailable; the refresh token was not used, retry shortly' : 'a refresh with this refresh token by another client is in progress or just finished; the refresh token was not used by this request'),
    refresh: { ...base, role: 'refused', ...(reason ? { degraded: true, storeError: reason } : {}) },
    verdicts: [verdict('refresh_not_coordinated', 'error', message)],
    translated: [],
    sleptMs,
  };
}

/** The refresh token of a success answer, if it carries one other than `presented`. */
function rotatedAway(answer: HttpAnswer, presented: string): boolean {
  if (answer.status !== 200) return false;
  try {
    const rt = (JSON.parse(answer.body) as { refresh_token?: unknown }).refresh_token;
    return typeof rt === 'string' && rt !== presented;
  } catch {
    return false;
  }
}

/** A profile that says `rotation: none` for a provider that rotated: nothing protected this answer. */
const unexpectedRotation = (): Verdict =>
  verdict(
    'refresh_rotation_unexpected',
    'warn',
    'the provider answered with a new refresh token, but the profile says its refresh tokens never change (refresh.rotation none), so no rotation grace or single-flight protected this refresh: if Alexa loses such an answer, its retry with the old token may be rejected. Set refresh.rotation to single_use (or rotating, if the old token stays valid) in a custom profile',
  );

/** The sealed form of a leader's answer (see Stored). */
function toStored(parts: RefreshAnswer, completedAt: number, client: string): Stored {
  const stored: Stored = {
    v: 2,
    completedAt,
    client,
    answer: parts.answer,
    outcome: parts.outcome,
    verdicts: parts.verdicts.map(({ code, severity }) => ({ code, severity })),
    tokens: parts.tokens,
  };
  if (parts.answer.status !== 200) return stored;
  try {
    const body = JSON.parse(parts.answer.body) as Record<string, unknown>;
    const kept = Object.fromEntries(ANSWER_MEMBERS.filter((k) => Object.hasOwn(body, k)).map((k) => [k, body[k]]));
    if (Object.keys(kept).length < Object.keys(body).length) {
      stored.answer = { ...parts.answer, body: JSON.stringify(kept) };
      stored.trimmed = true;
    }
  } catch {
    /* a success body is the translator's JSON; kept as it is otherwise */
  }
  return stored;
}

/** A cached answer as Alexa should see it now: `expires_in` counts from when the provider issued it. */
function aged(answer: HttpAnswer, ageS: number, translated: string[]): HttpAnswer {
  if (answer.status !== 200 || ageS < 1) return answer;
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    if (typeof body.expires_in !== 'number') return answer;
    const left = Math.max(1, body.expires_in - ageS);
    translated.push(`expires_in ${body.expires_in} → ${left} (cached answer is ${ageS} s old)`);
    return { ...answer, body: JSON.stringify({ ...body, expires_in: left }) };
  } catch {
    return answer;
  }
}

/**
 * Runs `work` (the provider call and its translation, with a budget it takes from the request's
 * deadline) at most once per refresh token across instances, and serves its answer to concurrent
 * and repeated requests.
 */
export async function guardRefresh<T>(options: RefreshGuardOptions, work: () => Promise<T>, describe: (value: T) => RefreshAnswer): Promise<GuardOutcome<T>> {
  const { now } = options;
  const started = now();
  const base = { waitedMs: 0, graceHit: false, degraded: false };
  const direct = async (refresh: RefreshSummary, verdicts: Verdict[], sleptMs = 0): Promise<GuardOutcome<T>> => ({
    kind: 'called',
    value: await work(),
    refresh: { ...refresh, waitedMs: now() - started },
    verdicts,
    sleptMs,
  });

  const token = options.refreshToken;
  if (!guardsRefresh(options.rotation)) {
    // Reusable and unchanging: no double spend to prevent, and a replay is a valid request of its own.
    const value = await work();
    return { kind: 'called', value, refresh: { role: 'direct', ...base }, verdicts: rotatedAway(describe(value).answer, token) ? [unexpectedRotation()] : [], sleptMs: 0 };
  }
  const singleUse = options.rotation === 'single_use';
  if (!options.store) return direct({ role: 'stateless', ...base }, []);
  let store: StateStore;
  try {
    store = await options.store();
  } catch (err) {
    const reason = storeReason(err);
    if (singleUse) return refused('store', reason, { role: 'refused', ...base, waitedMs: now() - started }, 0);
    return direct({ role: 'degraded', ...base, degraded: true, storeError: reason }, [degradedVerdict(reason)]);
  }

  const client = clientBinding(options.clientId, options.clientSecret);
  let workStarted = started;
  const flight = await singleFlight(
    {
      store,
      pk: refreshItemKey(token),
      inProgressUntil: options.deadline + IN_PROGRESS_MARGIN_MS,
      waitUntil: options.deadline,
      strict: singleUse,
      pollMs: options.pollMs,
      now,
    },
    async () => {
      workStarted = now();
      const value = await work();
      const parts = describe(value);
      // Only successes are kept for the grace window; any other answer is shared with the requests
      // waiting right now (one provider call for all), then released, so a later retry asks again.
      return { value, payload: seal(JSON.stringify(toStored(parts, now(), client)), token, PURPOSE_SEAL), keepSeconds: keepSecondsOf(parts.answer.status, options.graceSeconds) };
    },
  );
  const notServed = (sleptMs: number, waitedMs: number) =>
    singleUse ? refused('other_client', undefined, { role: 'refused', ...base, waitedMs }, sleptMs) : direct({ role: 'bypass', ...base }, [], sleptMs);

  switch (flight.role) {
    case 'leader':
      return {
        kind: 'called',
        value: flight.value,
        refresh: { role: 'leader', ...base, waitedMs: workStarted - started, ...(flight.tookOver ? { tookOver: true } : {}) },
        verdicts: [],
        recorded: flight.recorded,
        sleptMs: 0,
      };
    case 'degraded':
      return { kind: 'called', value: flight.value, refresh: { role: 'degraded', ...base, degraded: true, storeError: flight.reason, waitedMs: workStarted - started }, verdicts: [degradedVerdict(flight.reason)], sleptMs: 0 };
    case 'unavailable':
      return refused('store', flight.reason, { role: 'refused', ...base, waitedMs: flight.waitedMs }, 0);
    case 'timeout': {
      const polls = flight.storeError ? ` (reading the table failed too: ${flight.storeError})` : '';
      return {
        kind: 'served',
        served: unavailableAnswer('a refresh with this refresh token is in progress; the refresh token was not used by this request, retry shortly'),
        refresh: { role: 'timeout', ...base, waitedMs: flight.waitedMs, ...(flight.storeError ? { storeError: flight.storeError } : {}) },
        verdicts: [
          verdict('refresh_single_flight_timeout', 'error', `another request with the same refresh token was calling the provider and had no answer after ${flight.waitedMs} ms${polls}; this request answered 503 temporarily_unavailable instead of spending the refresh token a second time (single-use tokens would die). The provider or the table is slow: check the provider's latency and the table's throttling`),
        ],
        translated: [],
        sleptMs: flight.sleptMs,
      };
    }
    case 'follower': {
      let cached: Stored;
      try {
        cached = JSON.parse(new TextDecoder().decode(open(flight.payload, token, PURPOSE_SEAL))) as Stored;
      } catch (err) {
        if (!(err instanceof SealError) && !(err instanceof SyntaxError)) throw err;
        return notServed(flight.sleptMs, flight.waitedMs);
      }
      // Other client credentials: never served from the cache; the provider judges the request
      // (reusable tokens), or, single use, the token is left alone (it is or was being spent).
      if (cached.client !== client) return notServed(flight.sleptMs, flight.waitedMs);
      const ageS = Math.max(0, Math.floor((now() - cached.completedAt) / 1000));
      const translated = ['answer served from the refresh cache'];
      if (cached.trimmed) translated.push('members other than RFC 6749 §5.1\'s were not kept in the cache');
      const served: RefreshAnswer = {
        answer: aged(cached.answer, ageS, translated),
        outcome: cached.outcome,
        // Codes and severities as the leader wrote them (the catalogue itself stays out of the bundle).
        verdicts: cached.verdicts.map(({ code, severity, message }) => ({ code, severity, message: message ?? LEADER_VERDICT }) as Verdict),
        tokens: cached.tokens,
      };
      const waitedMs = flight.waitedMs;
      if (cached.completedAt < started) {
        const graceVerdict = rotatedAway(cached.answer, token)
          ? verdict('refresh_grace_served', 'info', `refresh token rotated; old one replayed within the grace window, cached answer served (issued ${ageS} s ago, window ${options.graceSeconds} s): Alexa probably lost the first answer or retried`)
          : verdict('refresh_grace_served', 'info', `the same refresh token was presented again within the grace window; the answer cached ${ageS} s ago was served without calling the provider`);
        return { kind: 'served', served, refresh: { role: 'grace', ...base, waitedMs, graceHit: true, cachedAgeS: ageS }, verdicts: [graceVerdict], translated, sleptMs: flight.sleptMs };
      }
      return {
        kind: 'served',
        served,
        refresh: { role: 'follower', ...base, waitedMs, cachedAgeS: ageS },
        verdicts: [verdict('refresh_single_flight_follower', 'info', `another request with the same refresh token was already calling the provider; this one waited ${waitedMs} ms and served its answer (one provider call for both)`)],
        translated,
        sleptMs: flight.sleptMs,
      };
    }
  }
}
