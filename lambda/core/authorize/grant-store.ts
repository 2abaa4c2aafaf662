/**
 * Grant state of the authorization leg in the StateStore, nothing secret in clear:
 *
 * - the grant (written at /authorize, taken exactly once at /callback): keyed by a hash of OUR state,
 *   its payload (Alexa's state, redirect_uri, PKCE challenge, our provider-side verifier) sealed
 *   with a key derived from our state, which only the browser carries;
 * - the code link (written at /callback, taken exactly once at /token): keyed by a hash of the
 *   provider's code, payload sealed with the code, which only Alexa carries.
 *
 * Using an item overwrites it, in one conditional write, with a `used` marker (no payload) under the
 * same key: exactly one caller wins, and a second attempt reads as a replay, not as an unknown
 * value, without a second key to poll. Reading and using are separate steps, so the token route can
 * check Alexa's request against the code link before it spends it (RFC 7636 §4.6; RFC 6749 §4.1.3).
 */
import { open, seal, secretKey } from '../sealed';
import { ConditionFailedError, type StateStore } from '../../store/state-store';
import type { PkceMethod } from './pkce';

export interface GrantPayload {
  alexaState: string;
  alexaRedirectUri: string;
  responseType: 'code' | 'token';
  clientId: string;
  scope?: string;
  alexaChallenge?: string;
  alexaChallengeMethod?: PkceMethod;
  providerVerifier?: string;
  /** Our /callback URL as sent to the provider (RFC 6749 §4.1.3: repeated on the code exchange). */
  providerRedirectUri: string;
}

export interface CodeLinkPayload {
  alexaRedirectUri: string;
  clientId: string;
  alexaChallenge?: string;
  alexaChallengeMethod?: PkceMethod;
  providerVerifier?: string;
  providerRedirectUri: string;
}

export type Lookup<T> =
  | { status: 'found'; payload: T; linkId: string; createdAt: number; expiresAt: number }
  | { status: 'expired'; linkId: string; createdAt: number }
  | { status: 'replayed'; linkId: string }
  | { status: 'unknown' };

const GRANT = 'grant';
const CODE = 'code-link';
const USED = 'used';

const keyOf = (kind: string, secret: string) => `${kind}#${secretKey(secret, kind)}`;
const encode = (payload: object, secret: string, purpose: string) => seal(JSON.stringify(payload), secret, purpose);

async function put(store: StateStore, kind: string, secret: string, linkId: string, payload: object, ttlSeconds: number, nowMs: number): Promise<void> {
  await store.put(
    { pk: keyOf(kind, secret), sk: kind, linkId, createdAt: nowMs, payload: encode(payload, secret, kind), expiresAt: Math.floor(nowMs / 1000) + ttlSeconds },
    { ifAbsent: true },
  );
}

/** One consistent read: the live item (payload opened), an expired one, a used marker (replay), or nothing. */
async function lookup<T>(store: StateStore, kind: string, secret: string, nowMs: number): Promise<Lookup<T>> {
  const item = await store.get(keyOf(kind, secret), kind, { includeExpired: true });
  if (!item) return { status: 'unknown' };
  const linkId = String(item.linkId ?? '');
  if (item.status === USED) return { status: 'replayed', linkId };
  const createdAt = Number(item.createdAt ?? 0);
  if (item.expiresAt * 1000 <= nowMs) return { status: 'expired', linkId, createdAt };
  const payload = JSON.parse(Buffer.from(open(item.payload as Uint8Array, secret, kind)).toString('utf8')) as T;
  return { status: 'found', payload, linkId, createdAt, expiresAt: item.expiresAt };
}

/**
 * Uses a found item: overwrites it with a `used` marker if it is still the item that was read (its
 * `createdAt`, which a marker does not carry). True for exactly one caller (RFC 6749 §4.1.2: single use).
 */
async function use(store: StateStore, kind: string, secret: string, found: { linkId: string; createdAt: number; expiresAt: number }, nowMs: number): Promise<boolean> {
  try {
    await store.put(
      { pk: keyOf(kind, secret), sk: kind, status: USED, linkId: found.linkId, usedAt: nowMs, expiresAt: Math.max(found.expiresAt, Math.floor(nowMs / 1000) + 60) },
      { ifMatches: { createdAt: found.createdAt } },
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionFailedError) return false;
    throw err;
  }
}

/** Read and use in one go (the grant at /callback: nothing to check first). */
async function take<T>(store: StateStore, kind: string, secret: string, nowMs: number): Promise<Lookup<T>> {
  const found = await lookup<T>(store, kind, secret, nowMs);
  if (found.status !== 'found') return found;
  return (await use(store, kind, secret, found, nowMs)) ? found : { status: 'replayed', linkId: found.linkId };
}

export const putGrant = (store: StateStore, state: string, linkId: string, payload: GrantPayload, ttlSeconds: number, nowMs: number) =>
  put(store, GRANT, state, linkId, payload, ttlSeconds, nowMs);
export const takeGrant = (store: StateStore, state: string, nowMs: number) => take<GrantPayload>(store, GRANT, state, nowMs);
export const putCodeLink = (store: StateStore, code: string, linkId: string, payload: CodeLinkPayload, ttlSeconds: number, nowMs: number) =>
  put(store, CODE, code, linkId, payload, ttlSeconds, nowMs);
/** The code link, read without using it (the token route checks Alexa's request first). */
export const findCodeLink = (store: StateStore, code: string, nowMs: number) => lookup<CodeLinkPayload>(store, CODE, code, nowMs);
/** Uses the code link found by findCodeLink; false: another request used it first. */
export const useCodeLink = (store: StateStore, code: string, found: { linkId: string; createdAt: number; expiresAt: number }, nowMs: number) => use(store, CODE, code, found, nowMs);
