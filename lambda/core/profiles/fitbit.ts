import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Fitbit: Basic required for server apps; errors as `{errors:[{errorType,message}],success:false}`; single-use refresh tokens.
 * Token endpoint (the configuration's `tokenUrl`): https://api.fitbit.com/oauth2/token
 */
export const fitbit = extendProfile(generic, {
  id: 'fitbit',
  displayName: 'Fitbit',
  authorizeUrl: 'https://www.fitbit.com/oauth2/authorize',
  authorize: { pkce: 'supported' },
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  errors: {
    codePaths: ['error', 'errors.0.errorType'],
    descriptionPaths: ['error_description', 'errors.0.message'],
    codeMap: { expired_token: 'invalid_grant', invalid_token: 'invalid_grant' },
  },
  refresh: {
    rotation: 'single_use',
    invalidGrantHint: 'Fitbit refresh tokens are single-use: a refresh whose answer was lost leaves only the new token valid (Fitbit-approved apps can use /oauth2/recover)',
  },
  sources: [
    { quirk: 'tokenRequest.clientAuth client_secret_basic (server apps must use Basic); form request; PKCE recommended', url: 'https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/', confidence: 'official' },
    { quirk: 'errors.codePaths errors.0.errorType / errors.0.message', url: 'https://github.com/requests/requests-oauthlib/blob/f33dac32/requests_oauthlib/compliance_fixes/fitbit.py', confidence: 'library' },
    { quirk: 'refresh returns a new access and refresh token', url: 'https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/', confidence: 'official' },
    { quirk: 'refresh.rotation single_use (old refresh token dies)', url: 'https://www.dowling.ca/part-3-import-fitbit-data/', confidence: 'secondary' },
  ],
});
