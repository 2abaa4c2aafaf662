/**
 * How texts from outside (a provider's error, a request's parameters, a gateway's description) are
 * made fit for a record or an error answer: scrubbed of every known secret in every encoding
 * (scrub.ts), control characters neutralised, clipped. Scrubbing always comes before clipping, so
 * a clip can never leave half a secret behind.
 */
import { fingerprint } from './fingerprint';
import { SecretSet, neutralizeControls } from './scrub';
import { currentSecrets } from './secret-scope';

type Secrets = Iterable<string | undefined | null>;

/** The request's secrets (secret-scope.ts) plus `extra`; `extra` is noted in the request's scope too. */
function secretsWith(extra: Secrets): SecretSet {
  return currentSecrets().add(...extra);
}

/** Replaces every copy of the request's secrets and of `secrets` in the text by their fingerprints. */
export function redact(text: string, secrets: Secrets = []): string {
  return secretsWith(secrets).scrub(text);
}

/** Shortens a text for a log record or an error_description; control characters become spaces. */
export function clip(text: string, max = 200): string {
  const clean = neutralizeControls(text);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Runs of 32 or more token characters with a 32-character segment mixing letters and digits: what
 * access tokens, refresh tokens, JWTs and client secrets look like, and what prose never does.
 */
const TOKEN_SHAPED = /[A-Za-z0-9_~+/=.-]{32,}/g;
const isTokenShaped = (run: string) => run.split(/[./]/).some((seg) => seg.length >= 32 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg));

/**
 * Prose from outside (a provider's error_description, a gateway's description), kept in a record or
 * an answer: scrubbed of the known secrets, token-shaped runs replaced by their fingerprints too
 * (a provider may echo a secret the adapter never saw, e.g. one of its own), clipped.
 */
export function prose(text: string, max = 200, secrets: Secrets = []): string {
  const scrubbed = redact(text, secrets).replace(TOKEN_SHAPED, (run) => (isTokenShaped(run) ? fingerprint(run)! : run));
  return clip(scrubbed, max);
}
