import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Sign in with Apple: the client secret is an ES256 JWT the adapter mints per request from the team's
 * private key; refresh answers carry neither a refresh token nor an id_token.
 * Token endpoint (the configuration's `tokenUrl`): https://appleid.apple.com/auth/token
 */
export const apple = extendProfile(generic, {
  id: 'apple',
  displayName: 'Sign in with Apple',
  authorizeUrl: 'https://appleid.apple.com/auth/authorize',
  authorize: { pkce: 'unsupported', responseMode: 'form_post' },
  tokenRequest: { clientAuth: { method: 'apple_jwt' } },
  response: { format: 'json' },
  refresh: {
    rotation: 'none',
    invalidGrantHint: 'the user revoked the app at appleid.apple.com, or the refresh token was validated too often (Apple: at most once a day)',
  },
  sources: [
    { quirk: 'tokenUrl; form request; errors ∈ invalid_request/invalid_client/invalid_grant/unauthorized_client/unsupported_grant_type/invalid_scope', url: 'https://developer.apple.com/documentation/signinwithapplerestapi/generate-and-validate-tokens', confidence: 'official' },
    { quirk: 'tokenRequest.clientAuth apple_jwt (ES256, kid header; iss team id, iat, exp ≤ 15777000 s, aud https://appleid.apple.com, sub client_id)', url: 'https://github.com/LoginRadius/apple-client-secret-generator', confidence: 'secondary' },
    { quirk: 'client secret exp at most 15777000 s after iat', url: 'https://github.com/Danil27/apple-client-secret-generator', confidence: 'secondary' },
    { quirk: 'client credentials in the body (client_secret_post)', url: 'https://github.com/nextauthjs/next-auth/blob/a1a16a5a/packages/core/src/providers/apple.ts', confidence: 'library' },
    { quirk: 'refresh answers omit refresh_token (access_token, token_type, expires_in only); error status 400', url: 'https://developer.apple.com/forums/thread/123909', confidence: 'secondary' },
    { quirk: 'authorize.responseMode form_post with name/email scopes', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/docs/pages/providers/apple.md', confidence: 'library' },
    { quirk: 'authorize.pkce (support not documented)', url: 'https://developer.apple.com/documentation/signinwithapplerestapi/generate-and-validate-tokens', confidence: 'unverified' },
  ],
});
