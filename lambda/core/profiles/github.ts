import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * GitHub OAuth App: form-encoded answers, errors with HTTP 200, comma-separated scope, no expiry, no refresh token.
 * Token endpoint (the configuration's `tokenUrl`): https://github.com/login/oauth/access_token
 */
export const github = extendProfile(generic, {
  id: 'github',
  displayName: 'GitHub (OAuth App)',
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  tokenRequest: {
    clientAuth: { method: 'client_secret_post' },
    headers: { accept: 'application/json' },
  },
  response: { format: 'sniff' },
  errors: {
    codeMap: {
      bad_verification_code: 'invalid_grant',
      redirect_uri_mismatch: 'invalid_grant',
      incorrect_client_credentials: 'invalid_client',
      unverified_user_email: 'invalid_grant',
      bad_refresh_token: 'invalid_grant',
    },
  },
  fields: { responseScopeDelimiter: ',' },
  refresh: {
    // An OAuth App never refreshes; a refresh at this endpoint is a GitHub App's expiring user token, single use.
    rotation: 'single_use',
    noRefreshTokenHint:
      'GitHub OAuth App tokens do not expire and come without a refresh token: set the console\'s "Default Access Token Expiration Time" to a long value (e.g. 31536000), or use a GitHub App with expiring user tokens',
  },
  sources: [
    { quirk: 'response.format (form-encoded unless Accept: application/json)', url: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps', confidence: 'official' },
    { quirk: 'response.format sniff (Content-Type may not match the body)', url: 'https://github.com/orgs/community/discussions/101123', confidence: 'secondary' },
    { quirk: 'errors with HTTP 200', url: 'https://github.com/octokit/auth-oauth-app.js/issues/13', confidence: 'secondary' },
    { quirk: 'errors.codeMap', url: 'https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors', confidence: 'official' },
    { quirk: 'fields.responseScopeDelimiter (comma)', url: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps', confidence: 'official' },
    { quirk: 'refresh.rotation single_use (the only refresh tokens this endpoint issues are GitHub Apps\' expiring user tokens: once used, they stop working)', url: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens', confidence: 'official' },
    { quirk: 'no expires_in, no refresh token', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/docs/pages/providers/github.md', confidence: 'library' },
  ],
});
