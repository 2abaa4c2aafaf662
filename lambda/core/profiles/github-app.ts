import { extendProfile } from './extend';
import { github } from './github';

/**
 * GitHub App with expiring user tokens: same endpoint and form-encoded default as the OAuth App, but
 * access tokens last 8 h and each refresh token is single-use with a hard 6-month lifetime.
 */
export const githubApp = extendProfile(github, {
  id: 'github-app',
  displayName: 'GitHub App (expiring user tokens)',
  refresh: {
    rotation: 'single_use',
    noRefreshTokenHint:
      'the GitHub App has "Expire user authorization tokens" turned off, so GitHub issues no refresh token: turn it on in the app settings (Optional features), or use the github profile with a long default expiry',
    invalidGrantHint:
      'GitHub App refresh tokens are single-use and expire 6 months (15897600 s) after they were issued; after that the user must link again',
  },
  sources: [
    { quirk: 'expires_in 28800, refresh_token_expires_in 15897600, scope always empty', url: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app', confidence: 'official' },
    { quirk: 'refresh.rotation single_use (old refresh and access token stop working)', url: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens', confidence: 'official' },
    { quirk: 'refresh answers also form-encoded without Accept: application/json', url: 'https://github.com/NVIDIA/OpenShell/discussions/3918', confidence: 'secondary' },
  ],
});
