/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: the client id and secret are
 * each encoded with application/x-www-form-urlencoded (Appendix B) and then used as the Basic
 * user-id and password (RFC 7617). Decoding must therefore undo both layers.
 */
import { decodeFormComponent, encodeFormComponent, type FormParseError } from './form';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Credentials from a Basic header, with the base64 token exactly as it arrived. */
export interface BasicCredentials extends ClientCredentials {
  /** The `token68` of the header, unchanged: forwarded byte for byte when the provider also takes Basic. */
  token: string;
}

/**
 * How id and secret become the Basic user-id and password toward a provider:
 * `form`: application/x-www-form-urlencoded first, as RFC 6749 §2.3.1 requires (and as oauth4webapi
 * and openid-client send); `raw`: unencoded, for servers that do not form-decode Basic.
 */
export type BasicEncoding = 'form' | 'raw';

export class BasicAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BasicAuthError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an `Authorization` header value; returns undefined when it is not the Basic scheme. */
export function parseBasicAuthorization(header: string): BasicCredentials | undefined {
  const value = header.trim();
  if (!/^Basic(?:[ \t]|$)/i.test(value)) return undefined;
  const match = /^Basic[ \t]+(\S+)$/i.exec(value);
  if (!match) {
    // The value is trimmed: credentials are empty exactly when nothing follows the scheme name.
    throw new BasicAuthError(/^Basic$/i.test(value) ? 'Basic credentials are empty' : 'Basic credentials are malformed (expected one base64 token)');
  }
  const token = match[1]!;
  // RFC 7617 §2 uses base64 of RFC 4648 §4, whose padding is required (§3.2): unpadded is refused.
  if (token.length % 4 !== 0 || !BASE64.test(token)) {
    throw new BasicAuthError('Basic credentials are not valid base64');
  }
  let decoded: string;
  try {
    decoded = strictUtf8.decode(Buffer.from(token, 'base64'));
  } catch {
    throw new BasicAuthError('Basic credentials are not valid UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new BasicAuthError('Basic credentials have no ":" between client id and secret');
  const clientId = formDecoded(decoded.slice(0, colon), 'Basic client id');
  const clientSecret = formDecoded(decoded.slice(colon + 1), 'Basic client secret');
  if (clientId === '') throw new BasicAuthError('Basic client id is empty');
  return { clientId, clientSecret, token };
}

/** RFC 6749 §2.3.1: id and secret are form-encoded inside Basic; a bad escape is a BasicAuthError. */
function formDecoded(text: string, what: string): string {
  try {
    return decodeFormComponent(new TextEncoder().encode(text), what);
  } catch (err) {
    // decodeFormComponent throws FormParseError only.
    throw new BasicAuthError((err as FormParseError).message);
  }
}

/** Builds a Basic header: `form` the way RFC 6749 §2.3.1 says a client must; `raw` for servers that do not form-decode. */
export function basicAuthorization({ clientId, clientSecret }: ClientCredentials, encoding?: BasicEncoding): string {
  const pair = encoding === 'raw' ? `${clientId}:${clientSecret}` : `${encodeFormComponent(clientId)}:${encodeFormComponent(clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}
