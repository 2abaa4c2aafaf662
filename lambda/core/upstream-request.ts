/**
 * Builds the request to the provider's token endpoint from Alexa's validated request and the
 * provider profile: encoding, client authentication, extra parameters and headers.
 */
import { basicAuthorization, type BasicEncoding } from './basic-auth';
import { encodeForm, encodeFormComponent } from './form';
import type { ProviderProfile } from './profiles/types';
import type { TokenRequest } from './token-request';

export interface UpstreamRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** How we authenticated upstream, for the log. */
  clientAuth: 'basic' | 'body' | 'none';
  /**
   * Basic only: `forwarded` (Alexa's header, byte for byte), or the encoding the adapter built it
   * with (`form`, RFC 6749 §2.3.1; `raw`), for the log.
   */
  basicEncoding?: 'forwarded' | BasicEncoding;
  /** The adapter built a `form` Basic header and the encoding changed the id or the secret. */
  basicEncodingMattered?: boolean;
}

/** Mints a client secret for a client id (Sign in with Apple's ES256 JWT). */
export type ClientSecretMinter = (clientId: string) => Promise<string>;

/**
 * `buildUpstreamRequest`, after minting the client secret when the profile's client authentication
 * is `apple_jwt` (the secret Alexa sent is then not forwarded).
 */
export async function prepareUpstreamRequest(profile: ProviderProfile, tokenUrl: string, req: TokenRequest, mint?: ClientSecretMinter): Promise<UpstreamRequest> {
  if (profile.tokenRequest.clientAuth.method !== 'apple_jwt' || !req.credentials) return buildUpstreamRequest(profile, tokenUrl, req);
  if (!mint) throw new Error('the profile mints its client secret but no minter is configured');
  return buildUpstreamRequest(profile, tokenUrl, req, await mint(req.credentials.clientId));
}

export function buildUpstreamRequest(profile: ProviderProfile, tokenUrl: string, req: TokenRequest, mintedSecret?: string): UpstreamRequest {
  const shaping = profile.tokenRequest;
  const params: [string, string][] = [['grant_type', req.grantType]];
  for (const [name, value] of req.params) {
    if (name === 'redirect_uri' && !shaping.sendRedirectUri) continue;
    params.push([name, value]);
  }
  for (const [name, value] of Object.entries(shaping.extraParams)) params.push([name, value]);

  const headers: Record<string, string> = { 'user-agent': 'alexa-link-adapter', ...shaping.headers };
  let clientAuth: UpstreamRequest['clientAuth'] = 'none';
  let basic: Pick<UpstreamRequest, 'basicEncoding' | 'basicEncodingMattered'> = {};
  const creds = req.credentials;
  if (creds) {
    const auth = shaping.clientAuth;
    const useBasic =
      creds.clientSecret !== undefined &&
      (auth.method === 'client_secret_basic' || (auth.method === 'as_received' && req.scheme === 'basic'));
    if (useBasic && req.scheme === 'basic' && req.basicToken !== undefined) {
      // Same scheme on both sides: Alexa's credentials go up byte for byte, never decoded and re-encoded
      // (RFC 6749 §2.3.1 leaves the server to decode; re-encoding breaks servers that do not).
      headers['authorization'] = `Basic ${req.basicToken}`;
      clientAuth = 'basic';
      basic = { basicEncoding: 'forwarded' };
    } else if (useBasic) {
      // Alexa sent body credentials: build Basic, form-encoded per RFC 6749 §2.3.1 unless the profile says raw.
      // RFC 7617 §2: a raw user-id cannot contain ":", so such an id is always form-encoded.
      const wanted = auth.method === 'client_secret_basic' ? (auth.encoding ?? 'form') : 'form';
      const encoding = wanted === 'raw' && creds.clientId.includes(':') ? 'form' : wanted;
      const secret = creds.clientSecret!;
      headers['authorization'] = basicAuthorization({ clientId: creds.clientId, clientSecret: secret }, encoding);
      clientAuth = 'basic';
      const mattered = encodeFormComponent(creds.clientId) !== creds.clientId || encodeFormComponent(secret) !== secret;
      basic = { basicEncoding: encoding, ...(encoding === 'form' && mattered ? { basicEncodingMattered: true } : {}) };
    } else if (auth.method === 'apple_jwt') {
      // The minted JWT replaces whatever secret Alexa sent; credentials in the body (Apple's token endpoint).
      params.push(['client_id', creds.clientId]);
      if (mintedSecret !== undefined) {
        params.push(['client_secret', mintedSecret]);
        clientAuth = 'body';
      }
    } else if (auth.method === 'none') {
      params.push([auth.idParam ?? 'client_id', creds.clientId]);
    } else {
      const idParam = auth.method === 'client_secret_post' ? (auth.idParam ?? 'client_id') : 'client_id';
      const secretParam = auth.method === 'client_secret_post' ? (auth.secretParam ?? 'client_secret') : 'client_secret';
      params.push([idParam, creds.clientId]);
      if (creds.clientSecret !== undefined) {
        params.push([secretParam, creds.clientSecret]);
        clientAuth = 'body';
      }
    }
  }

  if (shaping.bodyEncoding === 'query' || shaping.method === 'GET') {
    const url = new URL(tokenUrl);
    for (const [k, v] of params) url.searchParams.append(k, v);
    return { url: url.toString(), method: shaping.method, headers, clientAuth, ...basic };
  }
  if (shaping.bodyEncoding === 'json') {
    headers['content-type'] = 'application/json';
    return { url: tokenUrl, method: 'POST', headers, body: JSON.stringify(Object.fromEntries(params)), clientAuth, ...basic };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  return { url: tokenUrl, method: 'POST', headers, body: encodeForm(params), clientAuth, ...basic };
}
