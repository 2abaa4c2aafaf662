import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Login with Amazon: form with `;charset=UTF-8`, Basic or body; each refresh returns a new refresh token.
 * Token endpoint (the configuration's `tokenUrl`): https://api.amazon.com/auth/o2/token
 */
export const lwa = extendProfile(generic, {
  id: 'lwa',
  displayName: 'Login with Amazon',
  authorizeUrl: 'https://www.amazon.com/ap/oa',
  authorize: { pkce: 'supported' },
  response: { format: 'json' },
  refresh: { rotation: 'rotating' },
  sources: [
    { quirk: 'tokenUrl (also api.amazon.co.uk, api.amazon.co.jp); form ;charset=UTF-8; Basic or body (as_received)', url: 'https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html', confidence: 'official' },
    { quirk: 'refresh.rotation rotating (refresh returns a new access and refresh token; refresh tokens stay valid until revoked)', url: 'https://developer.amazon.com/docs/login-with-amazon/refresh-token.html', confidence: 'official' },
    { quirk: 'error body and status', url: 'https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html', confidence: 'unverified' },
  ],
});
