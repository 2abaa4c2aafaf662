/**
 * Who a grantee token belongs to. The grantee token of AcceptGrant is the access token our token
 * route handed to Alexa (Alexa docs: device-apis/alexa-authorization.html). After every successful
 * token answer the token route records:
 *
 *   grantee#H(access_token)  → user key, sealed with that access token   (TTL: GRANTEE_TTL_SECONDS)
 *   lineage#H(refresh_token) → user key, sealed with that refresh token  (TTL: LINEAGE_TTL_SECONDS)
 *
 * The user key is a random id created at the code exchange and carried across refreshes through
 * the refresh token's lineage, so every access token Alexa ever holds for that link maps to the
 * same user (and to the same LWA tokens). Nothing in the table opens without the token it is keyed
 * by and the deployment key; the H() is `secretKey()` (HMAC-SHA256 under the deployment key, with a purpose).
 */
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../../store/state-store';
import { writeOutcomeOf, type WriteOutcome } from '../../store/single-flight';
import { open, seal, secretKey } from '../sealed';

/** Access-token mappings live 30 days: enough for AcceptGrant (sent right after linking) and for event senders addressing the user by a recent token. */
export const GRANTEE_TTL_SECONDS = 30 * 24 * 3600;
/** Refresh-token lineage lives a year and is renewed on each refresh. */
export const LINEAGE_TTL_SECONDS = 365 * 24 * 3600;

const granteePk = (accessToken: string) => `grantee#${secretKey(accessToken, 'grantee')}`;
const lineagePk = (refreshToken: string) => `lineage#${secretKey(refreshToken, 'lineage')}`;

async function readSealed(store: StateStore, pk: string, secret: string, purpose: string): Promise<string | undefined> {
  const item = await store.get(pk, 'user');
  if (!item || !(item.payload instanceof Uint8Array)) return undefined;
  try {
    return Buffer.from(open(item.payload, secret, purpose)).toString('utf8');
  } catch {
    return undefined;
  }
}

export interface GranteeInput {
  grantType: string;
  /** The refresh token Alexa presented (refresh_token grant). */
  presentedRefreshToken?: string;
  /** The JSON body of the token route's 200 answer to Alexa. */
  answerBody: string;
  now?: () => number;
}

async function record(store: StateStore, input: GranteeInput): Promise<void> {
  let body: { access_token?: unknown; refresh_token?: unknown };
  try {
    body = JSON.parse(input.answerBody) as typeof body;
  } catch {
    return;
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') return;
  const nowS = Math.floor((input.now ?? Date.now)() / 1000);
  let userKey: string | undefined;
  if (input.grantType === 'refresh_token' && input.presentedRefreshToken) {
    userKey = await readSealed(store, lineagePk(input.presentedRefreshToken), input.presentedRefreshToken, 'lineage');
  }
  userKey ??= randomBytes(24).toString('base64url');
  const refresh = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : input.presentedRefreshToken;
  // Independent items: written side by side, one round trip of the request's time.
  await Promise.all([
    store.put({ pk: granteePk(body.access_token), sk: 'user', payload: seal(userKey, body.access_token, 'grantee'), expiresAt: nowS + GRANTEE_TTL_SECONDS }),
    refresh ? store.put({ pk: lineagePk(refresh), sk: 'user', payload: seal(userKey, refresh, 'lineage'), expiresAt: nowS + LINEAGE_TTL_SECONDS }) : undefined,
  ]);
}

/**
 * The token route's one hook: maps the issued access token to a stable user key. Best effort: a
 * store failure never changes Alexa's answer (AcceptGrant then reports `accept_grant_user_unknown`).
 * The token route passes a store bounded by its request deadline (bounded-store.ts), so a write
 * that would miss Alexa's 4.5 s is skipped or left undone, and the record says which.
 */
export async function recordGrantee(store: (() => Promise<StateStore>) | undefined, input: GranteeInput): Promise<WriteOutcome | undefined> {
  if (!store) return undefined;
  try {
    await record(await store(), input);
    return 'written';
  } catch (err) {
    return writeOutcomeOf(err);
  }
}

/** The user key a grantee token maps to, or undefined (unknown, expired, or not ours). */
export async function resolveUser(store: StateStore, granteeToken: string): Promise<string | undefined> {
  return readSealed(store, granteePk(granteeToken), granteeToken, 'grantee');
}
