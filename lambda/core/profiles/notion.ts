import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Notion: JSON request body with HTTP Basic; no expires_in; refresh (current docs) rotates both tokens, the old refresh token is refused after.
 * Token endpoint (the configuration's `tokenUrl`): https://api.notion.com/v1/oauth/token
 */
export const notion = extendProfile(generic, {
  id: 'notion',
  displayName: 'Notion',
  authorizeUrl: 'https://api.notion.com/v1/oauth/authorize',
  authorize: { extraParams: { owner: 'user' } },
  tokenRequest: { bodyEncoding: 'json', clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  refresh: {
    rotation: 'single_use',
    noRefreshTokenHint: 'older Notion integrations get no refresh token (their tokens do not expire): set a long "Default Access Token Expiration Time" in the Alexa console',
  },
  sources: [
    { quirk: 'tokenRequest.bodyEncoding json; clientAuth client_secret_basic; no expires_in; bot_id/workspace_* fields', url: 'https://developers.notion.com/reference/create-a-token', confidence: 'official' },
    { quirk: 'refresh returns a new access and refresh token', url: 'https://developers.notion.com/reference/refresh-a-token', confidence: 'official' },
    { quirk: 'refresh.rotation single_use (an old refresh token used after rotation answers invalid_grant; the docs do not say it survives)', url: 'https://nango.dev/blog/notion-oauth-refresh-token-invalid-grant', confidence: 'secondary' },
    { quirk: 'authorize.extraParams owner=user', url: 'https://developers.notion.com/docs/authorization', confidence: 'official' },
    { quirk: 'no refresh token for older integrations', url: 'https://nango.dev/docs/api-integrations/notion/how-to-register-your-own-notion-oauth-app', confidence: 'secondary' },
    { quirk: 'error status 400 invalid_grant', url: 'https://developers.notion.com/reference/create-a-token', confidence: 'secondary' },
  ],
});
