import { createHash } from 'node:crypto';

/**
 * A short, stable, non-reversible stand-in for a secret (token, code, client secret) so that log
 * records can say "the same refresh token as before" without holding it: `fp:` + 12 hex chars of
 * SHA-256 (48 bits: enough to correlate within one account's logs, too short to be a lookup key).
 */
export function fingerprint(secret: string | undefined | null): string | undefined {
  if (secret === undefined || secret === null || secret === '') return undefined;
  return `fp:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12)}`;
}
