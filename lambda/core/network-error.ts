/**
 * What a failed connection is called by the layer that failed: `ECONNREFUSED`, `ENOTFOUND`,
 * `ECONNRESET`, `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, … fetch wraps it in a
 * TypeError("fetch failed") whose `cause` carries the code; node:http and node:tls errors carry it
 * themselves; a connection tried on several addresses (happy eyeballs) fails with an AggregateError
 * of the attempts. The name, never the message (which may quote what the provider sent), goes into
 * the record as `upstream.networkError`; `diagnose` explains it (cli/network-errors.ts).
 */
import { identifierName } from './log-values';

/** The first error code found in the error, its causes and aggregated errors; else the error's class name. */
export function networkErrorName(err: unknown): string {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 8) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return identifierName(code);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
    queue.push((e as { cause?: unknown }).cause);
  }
  return identifierName(err instanceof Error ? err.name : undefined);
}
