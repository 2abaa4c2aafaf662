import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Spotify: Basic; refresh tokens end 6 months after the original consent, whatever the adapter does.
 * Token endpoint (the configuration's `tokenUrl`): https://accounts.spotify.com/api/token
 */
export const spotify = extendProfile(generic, {
  id: 'spotify',
  displayName: 'Spotify',
  authorizeUrl: 'https://accounts.spotify.com/authorize',
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  refresh: {
    rotation: 'none',
    invalidGrantHint:
      'Spotify refresh tokens expire 6 months after the user\'s original authorization and refreshing does not extend them (new apps from 2026-06-18, existing apps from 2026-07-20): the user must link again',
  },
  sources: [
    { quirk: 'refresh.invalidGrantHint (hard 6-month refresh-token expiry)', url: 'https://developer.spotify.com/blog/2026-06-18-refresh-token-expiration', confidence: 'official' },
    { quirk: 'tokenUrl; tokenRequest.clientAuth client_secret_basic (Authorization: Basic base64(client_id:client_secret) at /api/token)', url: 'https://developer.spotify.com/documentation/web-api/tutorials/client-credentials-flow', confidence: 'official' },
    { quirk: 'the same Basic header on the authorization-code exchange', url: 'https://developer.spotify.com/documentation/web-api/tutorials/code-flow', confidence: 'secondary' },
    { quirk: 'invalid_grant with 400', url: 'https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens', confidence: 'official' },
    { quirk: 'refresh answers may omit refresh_token (the adapter returns the one Alexa presented)', url: 'https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens', confidence: 'unverified' },
  ],
});
