import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Google: refresh token only with access_type=offline on first consent; refresh answers omit it.
 * Token endpoint (the configuration's `tokenUrl`): https://oauth2.googleapis.com/token
 */
export const google = extendProfile(generic, {
  id: 'google',
  displayName: 'Google',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  authorize: { extraParams: { access_type: 'offline', prompt: 'consent' }, pkce: 'supported' },
  response: { format: 'json' },
  refresh: {
    rotation: 'none',
    noRefreshTokenHint:
      'Google issues a refresh token only with access_type=offline, and only on the first consent: add access_type=offline&prompt=consent to the Authorization URI, or remove the app\'s access at https://myaccount.google.com/permissions and link again',
    invalidGrantHint:
      'Google refresh tokens expire after 7 days while the OAuth consent screen is in "Testing", after 6 months unused, or when the per-client token limit is exceeded',
  },
  sources: [
    { quirk: 'authorize.extraParams access_type=offline', url: 'https://developers.google.com/identity/protocols/oauth2/web-server#offline', confidence: 'official' },
    { quirk: 'authorize.extraParams prompt=consent (refresh token only on first consent)', url: 'https://github.com/googleapis/google-api-php-client/issues/2591', confidence: 'secondary' },
    { quirk: 'refresh answers omit refresh_token (the adapter returns the one Alexa presented)', url: 'https://developers.google.com/identity/protocols/oauth2/web-server#offline', confidence: 'secondary' },
    { quirk: 'refresh.invalidGrantHint (7-day expiry in Testing)', url: 'https://developers.google.com/identity/protocols/oauth2#expiration', confidence: 'secondary' },
    { quirk: 'tokenRequest.clientAuth as_received (Basic and body both accepted)', url: 'https://github.com/nextauthjs/next-auth/blob/a1a16a5a/packages/core/src/lib/actions/callback/oauth/callback.ts', confidence: 'library' },
    { quirk: 'JSON answers, 400 JSON errors; PKCE for web clients', url: 'https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code', confidence: 'unverified' },
  ],
});
