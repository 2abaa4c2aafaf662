/**
 * Pins where the authorization leg may send a browser: only to one of Alexa's redirect URLs,
 * `https://<Alexa host>/api/skill/link/<vendorId>` (Alexa docs: configure-authorization-code-grant,
 * "Alexa Redirect URLs"). No route of the adapter may act as an open redirector (RFC 6749 §10.15), so the check is
 * strict and parser-based:
 *
 * - the raw string must equal the WHATWG URL parser's re-serialisation of itself: this rejects
 *   mixed-case hosts, trailing dots, default ports written out, backslashes, percent-encoding of any
 *   kind, dot segments, whitespace and control characters, without enumerating them;
 * - scheme exactly `https:`, no userinfo, no port, host in the exact allowlist (no suffix match);
 * - path exactly `/api/skill/link/<vendorId>`, vendorId `^[A-Za-z0-9]+$`; no query, no fragment.
 *
 * Hosts are compared lowercase as Amazon documents them; a host spelled with capitals is refused
 * (not normalised), because Alexa itself sends the lowercase spelling.
 */
import { VENDOR_ID } from './config';

/** Alexa's redirect hosts (US/NA, EU, JP/AU). */
export const ALEXA_REDIRECT_HOSTS: readonly string[] = ['pitangui.amazon.com', 'layla.amazon.com', 'alexa.amazon.co.jp'];

const PATH = /^\/api\/skill\/link\/([^/]*)$/;
/** Longest redirect_uri considered at all (Alexa's are < 80 characters). */
const MAX_LENGTH = 512;

export type RedirectCheck =
  | { ok: true; uri: string; host: string; vendorId: string }
  | { ok: false; code: 'redirect_uri_not_alexa' | 'vendor_id_mismatch'; reason: string };

export interface RedirectPolicy {
  extraHosts?: readonly string[];
  /** When set, the vendor id in the path must be exactly this. */
  vendorId?: string;
}

const refuse = (reason: string): RedirectCheck => ({ ok: false, code: 'redirect_uri_not_alexa', reason });

export function checkAlexaRedirectUri(raw: string | undefined, policy: RedirectPolicy = {}): RedirectCheck {
  if (raw === undefined || raw === '') return refuse('redirect_uri is missing');
  if (raw.length > MAX_LENGTH) return refuse(`redirect_uri is longer than ${MAX_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('redirect_uri is not an absolute URL');
  }
  if (url.href !== raw) return refuse('redirect_uri is not in canonical form (case, encoding, dots, port or separators differ from how Alexa sends it)');
  if (url.protocol !== 'https:') return refuse('redirect_uri must use https');
  if (url.username !== '' || url.password !== '') return refuse('redirect_uri must not contain user information');
  if (url.port !== '') return refuse('redirect_uri must not name a port');
  const hosts = [...ALEXA_REDIRECT_HOSTS, ...(policy.extraHosts ?? [])];
  if (!hosts.includes(url.hostname)) return refuse(`redirect_uri host is not one of Alexa's (${hosts.join(', ')})`);
  // raw is the parser's own serialisation (checked above), so any query or fragment, even an empty one, shows as "?" or "#".
  if (raw.includes('?')) return refuse('redirect_uri must not carry a query');
  if (raw.includes('#')) return refuse('redirect_uri must not carry a fragment');
  const m = PATH.exec(url.pathname);
  if (!m) return refuse('redirect_uri path must be /api/skill/link/<vendorId>');
  const vendorId = m[1]!;
  if (!VENDOR_ID.test(vendorId)) return refuse('the vendor id in redirect_uri must be alphanumeric');
  if (policy.vendorId !== undefined && vendorId !== policy.vendorId) {
    return { ok: false, code: 'vendor_id_mismatch', reason: 'redirect_uri names another vendor id than the one this adapter is pinned to (config vendorId)' };
  }
  return { ok: true, uri: raw, host: url.hostname, vendorId };
}
