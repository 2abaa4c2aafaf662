import { extendProfile } from './extend';
import { generic } from './generic';

/** Okta: `https://{org}/oauth2/{authServerId}/v1/token` (config `tokenUrl`); persistent or rotating refresh tokens. */
export const okta = extendProfile(generic, {
  id: 'okta',
  displayName: 'Okta',
  authorize: { addScopes: ['offline_access'], pkce: 'supported' },
  response: { format: 'json' },
  refresh: {
    rotation: 'single_use',
    noRefreshTokenHint: 'Okta issues a refresh token only with the offline_access scope and the Refresh Token grant enabled on the app',
    invalidGrantHint: 'with rotation on, reusing an old refresh token after the grace period revokes the whole token family; idle and absolute lifetimes also apply',
  },
  sources: [
    { quirk: 'refresh.rotation single_use (persistent, or rotating with reuse detection: a reuse after the grace period revokes the whole token family, so the strict rule applies)', url: 'https://developer.okta.com/docs/guides/refresh-tokens/main/', confidence: 'official' },
    { quirk: 'tokenUrl /oauth2/{authServerId}/v1/token or /oauth2/v1/token', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/okta.ts', confidence: 'library' },
    { quirk: 'client auth method fixed per app (as_received); error statuses', url: 'https://developer.okta.com/docs/reference/api/oidc/#token', confidence: 'unverified' },
  ],
});
