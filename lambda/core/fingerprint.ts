import { createHmac } from 'node:crypto';
import { fingerprintKey } from './deployment-key';
import { noteSecret } from './secret-scope';

/** What a fingerprint looks like: `fp:` + 12 lower-case hex digits. */
export const FINGERPRINT = /^fp:[0-9a-f]{12}$/;

function keyed(value: string): string {
  return `fp:${createHmac('sha256', fingerprintKey()).update(value, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * A short, stable, non-reversible stand-in for a secret (token, code, state, user key) so that log
 * records can say "the same refresh token as before" without holding it: `fp:` + 12 hex digits of
 * HMAC-SHA256 under the deployment's fingerprint key (deployment-key.ts). Equal secrets give equal
 * fingerprints within one deployment; without the key, a fingerprint cannot be tested against
 * guesses, so even a 6-digit code cannot be recovered from it.
 *
 * The secret is also noted in the request's secret scope (secret-scope.ts): whatever the adapter
 * fingerprints, the scrubber removes from every text of the record and of the answer.
 */
export function fingerprint(secret: string | undefined | null): string | undefined {
  if (secret === undefined || secret === null || secret === '') return undefined;
  noteSecret(secret);
  return keyed(secret);
}

/**
 * The fingerprint of a value that is not secret but should not be logged in clear either (the
 * client id: every user of the skill shares it). Not noted as a secret, so texts mentioning it
 * (a provider's "unknown client_id …") are left alone.
 */
export function publicFingerprint(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return keyed(value);
}
