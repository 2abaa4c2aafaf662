/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: the client id and secret are
 * each encoded with application/x-www-form-urlencoded (Appendix B) and then used as the Basic
 * user-id and password (RFC 7617). Decoding must therefore undo both layers.
 */
import { decodeFormComponent, encodeFormComponent, FormParseError } from './form';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export class BasicAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BasicAuthError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an `Authorization` header value; returns undefined when it is not the Basic scheme. */
export function parseBasicAuthorization(header: string): ClientCredentials | undefined {
  const value = header.trim();
  if (!/^Basic(?:[ \t]|$)/i.test(value)) return undefined;
  const match = /^Basic[ \t]+(\S+)$/i.exec(value);
  if (!match) {
    throw new BasicAuthError(/^Basic[ \t]*$/i.test(value) ? 'Basic credentials are empty' : 'Basic credentials are malformed (expected one base64 token)');
  }
  const token = match[1]!;
  if (token.length === 0 || token.length % 4 !== 0 || !BASE64.test(token)) {
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
  const enc = new TextEncoder();
  try {
    const clientId = decodeFormComponent(enc.encode(decoded.slice(0, colon)), 'Basic client id');
    const clientSecret = decodeFormComponent(enc.encode(decoded.slice(colon + 1)), 'Basic client secret');
    if (clientId === '') throw new BasicAuthError('Basic client id is empty');
    return { clientId, clientSecret };
  } catch (err) {
    if (err instanceof FormParseError) throw new BasicAuthError(err.message);
    throw err;
  }
}

/** Builds a Basic header the way RFC 6749 §2.3.1 says a client must. */
export function basicAuthorization({ clientId, clientSecret }: ClientCredentials): string {
  const pair = `${encodeFormComponent(clientId)}:${encodeFormComponent(clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}
