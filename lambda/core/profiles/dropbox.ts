import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Dropbox: refresh tokens only with token_access_type=offline; refresh answers omit the refresh token.
 * Token endpoint (the configuration's `tokenUrl`): https://api.dropboxapi.com/oauth2/token
 */
export const dropbox = extendProfile(generic, {
  id: 'dropbox',
  displayName: 'Dropbox',
  authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
  authorize: { extraParams: { token_access_type: 'offline' }, pkce: 'supported' },
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  refresh: {
    rotation: 'none',
    noRefreshTokenHint: 'Dropbox issues a refresh token only with token_access_type=offline on the authorize request: add it to the Authorization URI',
  },
  sources: [
    { quirk: 'authorize.extraParams token_access_type=offline; short-lived access tokens', url: 'https://dropbox.tech/developers/using-oauth-2-0-with-offline-access', confidence: 'official' },
    { quirk: 'tokenRequest.clientAuth client_secret_basic', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/dropbox.ts', confidence: 'library' },
    { quirk: 'refresh answers omit refresh_token (refresh answer: access_token + expires_in)', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/docs/pages/providers/dropbox.md', confidence: 'library' },
    { quirk: 'JSON answers and 400 JSON errors; PKCE support', url: 'https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token', confidence: 'unverified' },
  ],
});
