/**
 * The LWA token service: stores each user's Login with Amazon tokens sealed under the user key, and
 * returns a valid access token, refreshing 5 minutes before expiry (as Amazon's sample_async.py and
 * Home Assistant do), single-flight across instances (store/single-flight.ts): N concurrent senders
 * with an expiring token cause one LWA refresh. `invalid_grant` on refresh means the user disabled
 * the skill (Alexa docs: alexa-authorization.html): the tokens are deleted and the link is marked
 * revoked.
 */
import type { StateStore } from '../../store/state-store';
import { singleFlight } from '../../store/single-flight';
import { fingerprint } from '../fingerprint';
import { noteSecret } from '../secret-scope';
import { open, seal, secretKey } from '../sealed';
import { isSecretSet, type GatewayRegion } from './config';
import { callLwa, type LwaCredentials, type LwaTokens } from './lwa-client';
import { note, verdict } from '../../contract/verdicts';
import { finishRecord, newRecord, type SmartHomeSink } from './records';

export const REFRESH_BEFORE_MS = 5 * 60 * 1000;
/** LWA refresh tokens do not expire while the skill stays enabled; the item is renewed on every refresh. */
const TOKENS_TTL_SECONDS = 400 * 24 * 3600;
/** How long a refreshed token is served to followers from the single-flight record. */
const FLIGHT_KEEP_SECONDS = 30;

export interface StoredLwaTokens extends LwaTokens {
  /** Market of the Event Gateway, from the region the grant arrived in (or config). */
  region: GatewayRegion;
}

export interface LwaServiceDeps {
  store: StateStore;
  lwaTokenUrl: string;
  lwaTimeoutMs: number;
  clientId: string;
  clientSecret: () => Promise<string | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
  log: SmartHomeSink;
  requestId: string;
  sleep?: (ms: number) => Promise<void>;
}

const tokensPk = (userKey: string) => `lwa#${secretKey(userKey, 'lwa')}`;
const flightPk = (userKey: string) => `lwa-refresh#${secretKey(userKey, 'lwa-refresh')}`;
const SK = 'tokens';

export async function saveTokens(store: StateStore, userKey: string, tokens: StoredLwaTokens, nowMs: number): Promise<void> {
  await store.put({
    pk: tokensPk(userKey),
    sk: SK,
    status: 'active',
    region: tokens.region,
    payload: seal(JSON.stringify(tokens), userKey, 'lwa-tokens'),
    expiresAt: Math.floor(nowMs / 1000) + TOKENS_TTL_SECONDS,
  });
}

export type LoadResult = { state: 'active'; tokens: StoredLwaTokens } | { state: 'revoked'; revokedAt?: number } | { state: 'absent' };

export async function loadTokens(store: StateStore, userKey: string): Promise<LoadResult> {
  const item = await store.get(tokensPk(userKey), SK);
  if (!item) return { state: 'absent' };
  if (item.status === 'revoked') return { state: 'revoked', revokedAt: typeof item.revokedAt === 'number' ? item.revokedAt : undefined };
  if (!(item.payload instanceof Uint8Array)) return { state: 'absent' };
  try {
    return { state: 'active', tokens: JSON.parse(Buffer.from(open(item.payload, userKey, 'lwa-tokens')).toString('utf8')) as StoredLwaTokens };
  } catch {
    return { state: 'absent' };
  }
}

/** Deletes the tokens and leaves a revoked marker (no secret in it), so senders learn why. */
export async function revokeTokens(store: StateStore, userKey: string, nowMs: number, reason: string): Promise<void> {
  await store.put({ pk: tokensPk(userKey), sk: SK, status: 'revoked', revokedAt: nowMs, reason, expiresAt: Math.floor(nowMs / 1000) + TOKENS_TTL_SECONDS });
}

export type AccessTokenResult =
  | { ok: true; accessToken: string; region: GatewayRegion; refreshed: boolean }
  | { ok: false; reason: 'absent' | 'revoked' | 'refresh_failed'; detail: string };

/**
 * A valid LWA access token for the user. `rejected`: the token the gateway just refused with 401;
 * forces a refresh unless the stored token is already a newer one.
 */
export async function getAccessToken(deps: LwaServiceDeps, userKey: string, rejected?: string): Promise<AccessTokenResult> {
  const now = deps.now ?? Date.now;
  const loaded = await loadTokens(deps.store, userKey);
  if (loaded.state === 'absent') return { ok: false, reason: 'absent', detail: 'no Login with Amazon tokens for this user (AcceptGrant never succeeded)' };
  if (loaded.state === 'revoked') return { ok: false, reason: 'revoked', detail: 'the link was revoked (the user disabled the skill); the user must re-enable it' };
  const usable = (t: StoredLwaTokens) => t.accessToken !== rejected && t.expiresAt - now() > REFRESH_BEFORE_MS;
  if (usable(loaded.tokens)) return { ok: true, accessToken: loaded.tokens.accessToken, region: loaded.tokens.region, refreshed: false };

  const outcome = await singleFlight<AccessTokenResult>(
    {
      store: deps.store,
      pk: flightPk(userKey),
      inProgressUntil: now() + deps.lwaTimeoutMs + 2000,
      waitUntil: now() + deps.lwaTimeoutMs + 1500,
      now,
      sleep: deps.sleep,
    },
    async () => {
      // Leader: someone may have refreshed between our read and our lead.
      const again = await loadTokens(deps.store, userKey);
      if (again.state !== 'active') {
        return { value: { ok: false, reason: again.state, detail: again.state === 'revoked' ? 'the link was revoked' : 'no Login with Amazon tokens for this user' } };
      }
      if (usable(again.tokens)) {
        const value: AccessTokenResult = { ok: true, accessToken: again.tokens.accessToken, region: again.tokens.region, refreshed: false };
        return { value, payload: seal(JSON.stringify(value), userKey, 'lwa-flight'), keepSeconds: FLIGHT_KEEP_SECONDS };
      }
      const value = await refresh(deps, userKey, again.tokens);
      return value.ok ? { value, payload: seal(JSON.stringify(value), userKey, 'lwa-flight'), keepSeconds: FLIGHT_KEEP_SECONDS } : { value };
    },
  );
  switch (outcome.role) {
    case 'leader':
    case 'degraded':
      return outcome.value;
    case 'follower':
      try {
        const value = JSON.parse(Buffer.from(open(outcome.payload, userKey, 'lwa-flight')).toString('utf8')) as AccessTokenResult;
        return value.ok ? { ...value, refreshed: false } : value;
      } catch {
        return { ok: false, reason: 'refresh_failed', detail: 'the shared refresh result could not be read' };
      }
    case 'timeout':
      return { ok: false, reason: 'refresh_failed', detail: 'another instance was refreshing the LWA token and did not finish in time' };
    case 'unavailable': // only strict flights; LWA refresh tokens stay valid until revoked, so this one degrades instead
      return { ok: false, reason: 'refresh_failed', detail: 'the state table was unavailable' };
  }
}

/** One LWA refresh (grant_type=refresh_token) and its `lwa_refresh` record. */
async function refresh(deps: LwaServiceDeps, userKey: string, current: StoredLwaTokens): Promise<AccessTokenResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = newRecord('lwa_refresh', deps.requestId, start);
  record.userKeyFp = fingerprint(userKey);
  try {
    const secret = await deps.clientSecret();
    noteSecret(secret);
    if (!isSecretSet(secret)) {
      record.outcome = 'config_error';
      record.verdicts.push(verdict('lwa_refresh_failed', 'error', 'the Alexa Client Secret is not set; fill the secret (docs/smart-home.md) and retry'));
      return { ok: false, reason: 'refresh_failed', detail: 'the Alexa Client Secret is not set' };
    }
    const creds: LwaCredentials = { clientId: deps.clientId, clientSecret: secret };
    const r = await callLwa({ grant_type: 'refresh_token', refresh_token: current.refreshToken }, creds, { url: deps.lwaTokenUrl, timeoutMs: deps.lwaTimeoutMs, fetch: deps.fetch, now });
    record.lwa = { ...r.summary, grantType: 'refresh_token' };
    record.timing.upstreamMs = r.summary.latencyMs;
    if (r.ok) {
      const tokens: StoredLwaTokens = { ...r.tokens, region: current.region };
      record.lwaTokens = { accessTokenFp: fingerprint(tokens.accessToken), refreshTokenFp: fingerprint(tokens.refreshToken), expiresIn: r.expiresIn };
      await saveTokens(deps.store, userKey, tokens, now());
      record.verdicts.push(note('lwa_refreshed', 'info', { expiresIn: r.expiresIn }));
      return { ok: true, accessToken: tokens.accessToken, region: tokens.region, refreshed: true };
    }
    if (r.kind === 'invalid_grant') {
      await revokeTokens(deps.store, userKey, now(), 'lwa_invalid_grant');
      record.outcome = 'provider_error';
      record.verdicts.push(
        verdict('lwa_revoked', 'warn', 'Login with Amazon refused the refresh token (invalid_grant): the user disabled the skill or removed its permission. Tokens deleted; events stop until the user re-enables the skill and AcceptGrant runs again'),
      );
      return { ok: false, reason: 'revoked', detail: 'the link was revoked (LWA invalid_grant on refresh)' };
    }
    record.outcome = r.kind === 'invalid_client' ? 'config_error' : 'upstream_error';
    record.verdicts.push(
      verdict(
        'lwa_refresh_failed',
        'error',
        r.kind === 'invalid_client'
          ? `${r.detail}: check smartHome.alexaClientId and the secret: they are the Alexa Client Id/Secret from the skill's Permissions page, not the account-linking ones`
          : `${r.detail}; the stored tokens are kept and the next call retries`,
      ),
    );
    return { ok: false, reason: 'refresh_failed', detail: r.detail };
  } catch (err) {
    record.outcome = 'adapter_error';
    record.verdicts.push(verdict('lwa_refresh_failed', 'error', `refresh failed unexpectedly (${err instanceof Error ? err.name : typeof err})`));
    return { ok: false, reason: 'refresh_failed', detail: 'refresh failed unexpectedly' };
  } finally {
    deps.log(finishRecord(record, start, now));
  }
}
