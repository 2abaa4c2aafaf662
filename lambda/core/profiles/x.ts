import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * X (Twitter) OAuth 2.0: PKCE required, Basic required for confidential clients, single-use refresh tokens.
 * Token endpoint (the configuration's `tokenUrl`): https://api.x.com/2/oauth2/token
 */
export const x = extendProfile(generic, {
  id: 'x',
  displayName: 'X (Twitter) OAuth 2.0',
  authorizeUrl: 'https://x.com/i/oauth2/authorize',
  authorize: { addScopes: ['offline.access'], pkce: 'required' },
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  // X answers invalid_request for a bad or used code or refresh token; the adapter has already checked
  // the request itself, so it is the grant that failed (RFC 6749 §5.2 invalid_grant).
  errors: { codeMap: { invalid_request: 'invalid_grant' } },
  refresh: {
    rotation: 'single_use',
    noRefreshTokenHint: 'X returns a refresh token only with the offline.access scope: add offline.access to the skill\'s scopes',
  },
  sources: [
    { quirk: 'authorize.pkce required; access token 2 h; offline.access for a refresh token', url: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code', confidence: 'official' },
    { quirk: 'tokenRequest.clientAuth client_secret_basic (confidential clients)', url: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token', confidence: 'official' },
    { quirk: '401 unauthorized_client without Basic on refresh', url: 'https://github.com/unasuke/omniauth-twitter2/issues/4', confidence: 'secondary' },
    { quirk: 'refresh.rotation single_use', url: 'https://github.com/r-lib/httr2/issues/197', confidence: 'secondary' },
    { quirk: 'error body {error, error_description, errors:[…]}; errors.codeMap invalid_request (bad code) → invalid_grant', url: 'https://github.com/plhery/node-twitter-api-v2/issues/496', confidence: 'secondary' },
  ],
});
