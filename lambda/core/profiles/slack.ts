import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Slack `oauth.v2.access`: every answer is HTTP 200 JSON with `ok`; failures are `{ok:false,error}`;
 * the user token Alexa needs is nested under `authed_user`, the bot token sits at the top level.
 * Token endpoint (the configuration's `tokenUrl`): https://slack.com/api/oauth.v2.access
 */
export const slack = extendProfile(generic, {
  id: 'slack',
  displayName: 'Slack (oauth.v2.access)',
  authorizeUrl: 'https://slack.com/oauth/v2/authorize',
  authorize: { scopeDelimiter: ',', pkce: 'supported' },
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json', nestedTokens: 'authed_user', successWhen: { path: 'ok', equals: true } },
  errors: {
    codeMap: {
      invalid_code: 'invalid_grant',
      code_already_used: 'invalid_grant',
      bad_redirect_uri: 'invalid_grant',
      oauth_authorization_url_mismatch: 'invalid_grant',
      invalid_refresh_token: 'invalid_grant',
      bad_client_secret: 'invalid_client',
      invalid_client_id: 'invalid_client',
      invalid_grant_type: 'unsupported_grant_type',
    },
  },
  fields: { responseScopeDelimiter: ',' },
  refresh: {
    rotation: 'single_use',
    noRefreshTokenHint:
      'Slack issues refresh tokens only with token rotation turned on (app settings → OAuth & Permissions → Advanced token security); without it Slack tokens never expire, so set a long "Default Access Token Expiration Time" in the Alexa console',
  },
  sources: [
    { quirk: 'tokenUrl; tokenRequest.clientAuth client_secret_basic (Slack asks for Basic when possible); code_verifier accepted', url: 'https://api.slack.com/methods/oauth.v2.access', confidence: 'official' },
    { quirk: 'response.successWhen ok == true; errors {ok:false,error} with HTTP 200', url: 'https://github.com/slackhq/slack-api-docs/blob/master/index_web.md', confidence: 'official' },
    { quirk: 'errors.codeMap (invalid_code, bad_client_secret, invalid_client_id, bad_redirect_uri, invalid_grant_type, oauth_authorization_url_mismatch)', url: 'https://api.slack.com/methods/oauth.v2.access#errors', confidence: 'secondary' },
    { quirk: 'response.nestedTokens authed_user {access_token, token_type, refresh_token, expires_in, scope} (user token nested, bot token top-level)', url: 'https://docs.slack.dev/tools/node-slack-sdk/reference/web-api/type-aliases/OauthV2AccessResponse', confidence: 'library' },
    { quirk: 'refresh answer with top-level access_token, refresh_token, expires_in', url: 'https://docs.slack.dev/tools/node-slack-sdk/reference/oauth/interfaces/OAuthV2TokenRefreshResponse', confidence: 'library' },
    { quirk: 'refresh.rotation single_use (opt-in token rotation, 12 h access tokens; using a refresh token revokes it)', url: 'https://docs.slack.dev/authentication/using-token-rotation', confidence: 'official' },
    { quirk: 'fields.responseScopeDelimiter comma; status of refresh failures (200 ok:false vs 400 invalid_grant)', url: 'https://nango.dev/blog/slack-oauth-refresh-token-invalid-grant', confidence: 'unverified' },
  ],
});
