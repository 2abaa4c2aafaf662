/**
 * The secrets one request has seen, so that the one scrubber (scrub.ts) can remove every encoded
 * copy of them from everything the request writes to the log or sends back in an error.
 *
 * A request-scoped set (AsyncLocalStorage): each route runs inside `withSecretScope`, and every
 * place a secret enters the adapter notes it — `fingerprint()` does so for everything it
 * fingerprints (codes, tokens, states, user keys), the token route for client secrets and PKCE
 * verifiers, the Apple minter for the JWT it mints. Outside a scope (unit tests calling the core
 * directly) noting is a no-op and the scrubber knows only the secrets it is given.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { SecretSet } from './scrub';

const scope = new AsyncLocalStorage<SecretSet>();

/** Runs `fn` with a fresh secret set (one per request). */
export function withSecretScope<T>(fn: () => T): T {
  return scope.run(new SecretSet(), fn);
}

/** Notes secrets of the current request (strings shorter than SecretSet's minimum are ignored). */
export function noteSecret(...values: readonly (string | undefined | null)[]): void {
  scope.getStore()?.add(...values);
}

/** The current request's secrets, or an empty set outside a scope. */
export function currentSecrets(): SecretSet {
  return scope.getStore() ?? new SecretSet();
}
