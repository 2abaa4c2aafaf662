/**
 * Local mode only: the link simulator's stand-in for Alexa's redirect URL.
 *
 * In local mode the last redirect of the authorization leg cannot go to https://layla.amazon.com
 * (the page does not exist for a skill under test, and its code would be lost), so local mode adds
 * ONE extra target: `<simulator origin>/api/skill/link/<vendorId>`, where the simulator plays
 * Alexa's side. The allowance is a handler dependency, never a configuration field: the schema is
 * strict (an unknown field is refused at synth and at cold start), and the Lambda entry points
 * never pass it, so a deployment's redirect allowlist is exactly Alexa's (redirect-uri.ts).
 */
import { VENDOR_ID } from './config';
import type { RedirectCheck } from './redirect-uri';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The origin must be plain http on a loopback address with a port: the only place local mode listens. */
export function assertLoopbackOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`local return origin is not a URL: ${origin}`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.port === '' || url.origin !== origin) {
    throw new Error(`local return origin must be http://127.0.0.1:<port> (or localhost / [::1]), got ${origin}`);
  }
  return origin;
}

/**
 * Whether `raw` is exactly the simulator's return URL (`<origin>/api/skill/link/<vendorId>`, in the
 * canonical form the WHATWG parser gives, no query, no fragment). Undefined when it is not, so the
 * caller falls back to the Alexa check.
 */
export function checkLocalReturn(raw: string | undefined, origin: string, vendorId?: string): RedirectCheck | undefined {
  if (raw === undefined || !raw.startsWith(`${origin}/`)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.href !== raw || url.origin !== origin || url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) return undefined;
  const m = /^\/api\/skill\/link\/([^/]+)$/.exec(url.pathname);
  if (!m || !VENDOR_ID.test(m[1]!)) return undefined;
  if (vendorId !== undefined && m[1] !== vendorId) {
    return { ok: false, code: 'vendor_id_mismatch', reason: 'redirect_uri names another vendor id than the one this adapter is pinned to (config vendorId)' };
  }
  return { ok: true, uri: raw, host: url.host, vendorId: m[1]! };
}
