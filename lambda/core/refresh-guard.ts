/**
 * Refresh safety around the provider call of a `grant_type=refresh_token` exchange
 * (README "Refresh safety"):
 *
 * - single-flight: concurrent refreshes with one refresh token, across Lambda instances, make one
 *   provider call; the others wait, inside the deadline, for its answer (lambda/store/single-flight.ts);
 * - rotation grace: a successful answer is kept for `refreshGraceSeconds`, so Alexa replaying the old
 *   token of a single-use provider (after a lost answer or a timeout) gets the same answer instead of
 *   the provider's invalid_grant (RFC 6749 §6 lets the server revoke the old token once rotated);
 * - degrade: when the table fails, the provider is called directly and the record says so.
 *
 * Nothing usable is stored: the item key is a hash of the refresh token (`secretKey`), the answer is
 * sealed under a key derived from the token (`seal`, HKDF + AES-256-GCM), and every item carries its
 * TTL. The cached answer is bound to the client credentials that obtained it: a request with the same
 * refresh token but other credentials is never served from the cache (RFC 6749 §6: the server must
 * authenticate the client on refresh), it goes to the provider, which judges.
 */
import { singleFlight } from '../store/single-flight';
import { boundedStore } from '../store/bounded-store';
import { StoreUnavailableError, type StateStore } from '../store/state-store';
import type { ExchangeRecord, RefreshSummary, TokenSummary, Verdict } from './exchange-record';
import { OAuthError, errorAnswer, type HttpAnswer } from './oauth-error';
import { SealError, open, seal, secretKey } from './sealed';

/** What a finished refresh leaves for followers and replays. Secret-free except `answer` (sealed). */
export interface RefreshAnswer {
  answer: HttpAnswer;
  outcome: ExchangeRecord['outcome'];
  verdicts: Verdict[];
  tokens: TokenSummary;
}

interface CachedAnswer extends RefreshAnswer {
  v: 1;
  /** Epoch ms when the leader's answer was ready. */
  completedAt: number;
  /** Hash of the client credentials that obtained the answer. */
  client: string;
}

export interface RefreshGuardOptions {
  /** The state table; undefined: no coordination (stateless). */
  store?: () => Promise<StateStore>;
  refreshToken: string;
  clientId?: string;
  clientSecret?: string;
  /** 0: answers are shared with requests in flight only. */
  graceSeconds: number;
  /** How long a leader's in-progress marker is honoured: the upstream budget plus a margin. */
  inProgressMs: number;
  /** Epoch ms by which this request must have its provider answer (waiting included). */
  deadline: number;
  now: () => number;
  pollMs?: number;
  /** Bound on each store call before the store counts as unavailable. */
  storeTimeoutMs?: number;
}

export type GuardOutcome<T> =
  /** The provider was called by this request (leader, degraded, bypass, stateless). */
  | { kind: 'called'; value: T; refresh: RefreshSummary; verdicts: Verdict[] }
  /** Another request's answer was served (follower, grace) or none came in time (timeout). */
  | { kind: 'served'; served: RefreshAnswer; refresh: RefreshSummary; verdicts: Verdict[]; translated: string[] };

/** Answers other than success are shared with requests in flight only, for this long (s). */
const IN_FLIGHT_KEEP_SECONDS = 2;
const DEFAULT_STORE_TIMEOUT_MS = 1000;
const PURPOSE_KEY = 'refresh';
const PURPOSE_SEAL = 'refresh-grace';

const v = (code: string, severity: Verdict['severity'], message: string): Verdict => ({ code, severity, message });

export function refreshItemKey(refreshToken: string): string {
  return `refresh#${secretKey(refreshToken, PURPOSE_KEY)}`;
}

function clientBinding(clientId: string | undefined, clientSecret: string | undefined): string {
  return secretKey(`${clientId ?? ''}\u0000${clientSecret ?? ''}`, 'refresh-client');
}

function degradedVerdict(reason: string): Verdict {
  return v(
    'refresh_store_degraded',
    'warn',
    `the state table was unavailable (${reason}); the refresh went straight to the provider without rotation grace or single-flight: if Alexa's answer is lost, a retry with this refresh token may be rejected by a provider with single-use refresh tokens`,
  );
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
 * Runs `work` (the provider call and its translation, given the time it may take) at most once per
 * refresh token across instances, and serves its answer to concurrent and repeated requests.
 */
export async function guardRefresh<T>(
  options: RefreshGuardOptions,
  work: (timeoutMs: number) => Promise<T>,
  describe: (value: T) => RefreshAnswer,
): Promise<GuardOutcome<T>> {
  const { now } = options;
  const started = now();
  const timeLeft = () => Math.max(50, options.deadline - now());
  const base = { waitedMs: 0, graceHit: false, degraded: false };
  const direct = async (refresh: RefreshSummary, verdicts: Verdict[]): Promise<GuardOutcome<T>> => ({
    kind: 'called',
    value: await work(timeLeft()),
    refresh: { ...refresh, waitedMs: now() - started },
    verdicts,
  });

  if (!options.store) return direct({ role: 'stateless', ...base }, []);
  let store: StateStore;
  try {
    store = boundedStore(await options.store(), options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
  } catch (err) {
    const reason = err instanceof StoreUnavailableError ? err.reason : err instanceof Error ? err.name : 'unknown';
    return direct({ role: 'degraded', ...base, degraded: true, storeError: reason }, [degradedVerdict(reason)]);
  }

  const token = options.refreshToken;
  const client = clientBinding(options.clientId, options.clientSecret);
  let workStarted = started;
  const flight = await singleFlight(
    { store, pk: refreshItemKey(token), inProgressMs: options.inProgressMs, waitUntil: options.deadline, pollMs: options.pollMs, now },
    async () => {
      workStarted = now();
      const value = await work(timeLeft());
      const parts = describe(value);
      const cached: CachedAnswer = { v: 1, completedAt: now(), client, ...parts };
      // Only successes are kept for the grace window; any other answer is shared with the requests
      // waiting right now (one provider call for all), then released, so a later retry asks again.
      const keepSeconds = parts.answer.status === 200 && options.graceSeconds > 0 ? options.graceSeconds : IN_FLIGHT_KEEP_SECONDS;
      return { value, payload: seal(JSON.stringify(cached), token, PURPOSE_SEAL), keepSeconds };
    },
  );

  switch (flight.role) {
    case 'leader':
      return { kind: 'called', value: flight.value, refresh: { role: 'leader', ...base, waitedMs: workStarted - started, ...(flight.tookOver ? { tookOver: true } : {}) }, verdicts: [] };
    case 'degraded':
      return { kind: 'called', value: flight.value, refresh: { role: 'degraded', ...base, degraded: true, storeError: flight.reason, waitedMs: workStarted - started }, verdicts: [degradedVerdict(flight.reason)] };
    case 'timeout': {
      const err = new OAuthError('temporarily_unavailable', 'a refresh with this refresh token is in progress; retry shortly', { status: 503 });
      return {
        kind: 'served',
        served: { answer: errorAnswer(err), outcome: 'upstream_error', verdicts: [], tokens: {} },
        refresh: { role: 'timeout', ...base, waitedMs: flight.waitedMs },
        verdicts: [
          v('refresh_single_flight_timeout', 'error', `another request with the same refresh token was calling the provider and had no answer after ${flight.waitedMs} ms; this request answered 503 temporarily_unavailable instead of spending the refresh token a second time (single-use tokens would die). The provider is slow: check its latency`),
        ],
        translated: [],
      };
    }
    case 'follower': {
      let cached: CachedAnswer;
      try {
        cached = JSON.parse(new TextDecoder().decode(open(flight.payload, token, PURPOSE_SEAL))) as CachedAnswer;
      } catch (err) {
        if (!(err instanceof SealError) && !(err instanceof SyntaxError)) throw err;
        return direct({ role: 'bypass', ...base }, []);
      }
      // Other client credentials: never served from the cache; the provider judges the request.
      if (cached.client !== client) return direct({ role: 'bypass', ...base }, []);
      const ageS = Math.max(0, Math.floor((now() - cached.completedAt) / 1000));
      const translated = ['answer served from the refresh cache'];
      const served: RefreshAnswer = { ...cached, answer: aged(cached.answer, ageS, translated) };
      const waitedMs = flight.waitedMs;
      if (cached.completedAt < started) {
        let rotated = false;
        try {
          const rt = (JSON.parse(cached.answer.body) as { refresh_token?: unknown }).refresh_token;
          rotated = typeof rt === 'string' && rt !== token;
        } catch {
          rotated = false;
        }
        const verdict = rotated
          ? v('refresh_grace_served', 'info', `refresh token rotated; old one replayed within the grace window, cached answer served (issued ${ageS} s ago, window ${options.graceSeconds} s): Alexa probably lost the first answer or retried`)
          : v('refresh_grace_served', 'info', `the same refresh token was presented again within the grace window; the answer cached ${ageS} s ago was served without calling the provider`);
        return { kind: 'served', served, refresh: { role: 'grace', ...base, waitedMs, graceHit: true, cachedAgeS: ageS }, verdicts: [verdict], translated };
      }
      return {
        kind: 'served',
        served,
        refresh: { role: 'follower', ...base, waitedMs, cachedAgeS: ageS },
        verdicts: [v('refresh_single_flight_follower', 'info', `another request with the same refresh token was already calling the provider; this one waited ${waitedMs} ms and served its answer (one provider call for both)`)],
        translated,
      };
    }
  }
}
