import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Strava: credentials in the body, comma scopes, `expires_at` next to `expires_in`, non-RFC errors, single-use refresh tokens once rotated.
 * Token endpoint (the configuration's `tokenUrl`): https://www.strava.com/oauth/token
 */
export const strava = extendProfile(generic, {
  id: 'strava',
  displayName: 'Strava',
  authorizeUrl: 'https://www.strava.com/oauth/authorize',
  authorize: { scopeDelimiter: ',', extraParams: { approval_prompt: 'auto' } },
  tokenRequest: { clientAuth: { method: 'client_secret_post' } },
  response: { format: 'json' },
  errors: {
    // {"message":"Bad Request","errors":[{"resource":"Application","field":"client_id","code":"invalid"}]}
    codePaths: ['error', 'errors.0.resource'],
    descriptionPaths: ['error_description', 'message'],
    codeMap: { Application: 'invalid_client', AuthorizationCode: 'invalid_grant', RefreshToken: 'invalid_grant', Athlete: 'invalid_grant' },
  },
  fields: { responseScopeDelimiter: ',', expiresAtField: 'expires_at' },
  refresh: { rotation: 'single_use' },
  sources: [
    { quirk: 'tokenRequest.clientAuth client_secret_post', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/strava.ts', confidence: 'library' },
    { quirk: 'response expires_at and expires_in, athlete object; refresh returns a refresh token to store', url: 'https://developers.strava.com/docs/authentication/', confidence: 'official' },
    { quirk: 'fields.expiresAtField expires_at (used when expires_in is missing)', url: 'https://git.drupalcode.org/project/strava/-/merge_requests/4', confidence: 'secondary' },
    { quirk: 'scope delimiter comma', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/strava.ts', confidence: 'library' },
    { quirk: 'errors.codePaths errors.0.resource: 400 {message, errors:[{resource: AuthorizationCode, field: code, code: invalid}]}', url: 'https://github.com/yihong0618/running_page/issues/523', confidence: 'secondary' },
    { quirk: 'errors.codeMap RefreshToken → invalid_grant (400 resource RefreshToken, field refresh_token)', url: 'https://github.com/dreeveapp/dreeve/issues/1449', confidence: 'secondary' },
    { quirk: 'errors.codeMap Application → invalid_client (400 resource Application, field client_id)', url: 'https://github.com/dreeveapp/dreeve/issues/372', confidence: 'secondary' },
    { quirk: 'refresh.rotation single_use (when the refresh token changes, the old one becomes invalid)', url: 'https://www.npmjs.com/package/strava', confidence: 'library' },
  ],
});
