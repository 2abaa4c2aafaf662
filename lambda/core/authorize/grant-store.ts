/**
 * Grant state of the authorization leg in the StateStore, nothing secret in clear:
 *
 * - the grant (written at /authorize, taken exactly once at /callback): keyed by a hash of OUR state,
 *   its payload (Alexa's state, redirect_uri, PKCE challenge, our provider-side verifier) sealed
 *   with a key derived from our state, which only the browser carries;
 * - the code link (written at /callback, taken exactly once at /token): keyed by a hash of the
 *   provider's code, payload sealed with the code, which only Alexa carries.
 *
 * Taking an item leaves a `used` marker under the same key, so a second attempt can be told apart
 * from an unknown value (replay vs. mismatch) without keeping the payload.
 */
import { open, seal, secretKey } from '../sealed';
import type { StateStore } from '../../store/state-store';
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
  | { status: 'found'; payload: T; linkId: string; createdAt: number }
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

/** Exactly-once take; leaves a `used` marker (same TTL) so a replay is recognisable. */
async function take<T>(store: StateStore, kind: string, secret: string, nowMs: number): Promise<Lookup<T>> {
  const pk = keyOf(kind, secret);
  const result = await store.take(pk, kind);
  if (result.status === 'absent') {
    // A concurrent winner writes its marker right after its take: look again briefly before calling it unknown.
    for (const pause of [0, 50, 150]) {
      if (pause) await new Promise((r) => setTimeout(r, pause));
      const used = await store.get(pk, USED);
      if (used) return { status: 'replayed', linkId: String(used.linkId ?? '') };
    }
    return { status: 'unknown' };
  }
  const linkId = String(result.item.linkId ?? '');
  const createdAt = Number(result.item.createdAt ?? 0);
  if (result.status === 'expired') return { status: 'expired', linkId, createdAt };
  await store.put({ pk, sk: USED, linkId, expiresAt: Math.max(result.item.expiresAt, Math.floor(nowMs / 1000) + 60) });
  const payload = JSON.parse(Buffer.from(open(result.item.payload as Uint8Array, secret, kind)).toString('utf8')) as T;
  return { status: 'found', payload, linkId, createdAt };
}

export const putGrant = (store: StateStore, state: string, linkId: string, payload: GrantPayload, ttlSeconds: number, nowMs: number) =>
  put(store, GRANT, state, linkId, payload, ttlSeconds, nowMs);
export const takeGrant = (store: StateStore, state: string, nowMs: number) => take<GrantPayload>(store, GRANT, state, nowMs);
export const putCodeLink = (store: StateStore, code: string, linkId: string, payload: CodeLinkPayload, ttlSeconds: number, nowMs: number) =>
  put(store, CODE, code, linkId, payload, ttlSeconds, nowMs);
export const takeCodeLink = (store: StateStore, code: string, nowMs: number) => take<CodeLinkPayload>(store, CODE, code, nowMs);
