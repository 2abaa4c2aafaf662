import { extendProfile } from './extend';
import { generic } from './generic';

/** Auth0: `https://{domain}/oauth/token` (config `tokenUrl`); invalid refresh tokens answer 403 invalid_grant. */
export const auth0 = extendProfile(generic, {
  id: 'auth0',
  displayName: 'Auth0',
  authorize: { addScopes: ['offline_access'], pkce: 'supported' },
  response: { format: 'json' },
  // A wrong client secret answers 401 {"error":"access_denied","error_description":"Unauthorized"}.
  errors: { statusMap: { '403': 400 }, codeMap: { access_denied: 'invalid_client' } },
  refresh: {
    rotation: 'none',
    noRefreshTokenHint: 'Auth0 issues a refresh token only with the offline_access scope and "Allow Offline Access" on the API: add both',
    invalidGrantHint: 'the refresh token was revoked, expired (absolute or inactivity lifetime), or, with rotation on, reused',
  },
  sources: [
    { quirk: '403 invalid_grant for an unknown refresh token (statusMap 403 → 400)', url: 'https://github.com/auth0/Auth0.Android/issues/334', confidence: 'secondary' },
    { quirk: 'tokenUrl per tenant domain; JSON answers', url: 'https://auth0.com/docs/api/authentication#authorization-code-flow', confidence: 'secondary' },
    { quirk: 'errors.codeMap access_denied → invalid_client (401 on a wrong client secret)', url: 'https://github.com/auth0-samples/auth0-angular-samples/issues/201', confidence: 'secondary' },
    { quirk: 'access_denied "Unauthorized" means a wrong client id or secret (Auth0 maintainer)', url: 'https://github.com/auth0/laravel-auth0/issues/42', confidence: 'secondary' },
    { quirk: 'client auth method, rotation and offline_access are per-application settings (as_received)', url: 'https://auth0.com/docs/secure/tokens/refresh-tokens', confidence: 'unverified' },
  ],
});
