import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Withings: `action=requesttoken`, every answer HTTP 200 `{status, body}`; non-zero status is an error.
 * Token endpoint (the configuration's `tokenUrl`): https://wbsapi.withings.net/v2/oauth2
 */
export const withings = extendProfile(generic, {
  id: 'withings',
  displayName: 'Withings',
  authorizeUrl: 'https://account.withings.com/oauth2_user/authorize2',
  authorize: { scopeDelimiter: ',' },
  tokenRequest: { clientAuth: { method: 'client_secret_post' }, extraParams: { action: 'requesttoken' } },
  response: { format: 'json', envelope: 'body', successWhen: { path: 'status', equals: 0 } },
  errors: { codePaths: ['error'], descriptionPaths: ['error'] },
  fields: { responseScopeDelimiter: ',' },
  refresh: {
    rotation: 'rotating',
    invalidGrantHint: 'Withings refresh tokens live one year; the previous one dies 8 h after a new one is issued or once the new access token is used',
  },
  sources: [
    { quirk: 'tokenRequest.extraParams action=requesttoken; client credentials in the body', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/withings.ts', confidence: 'library' },
    { quirk: 'response.envelope body; successWhen status == 0 (HTTP 200 even for errors)', url: 'https://github.com/simov/grant/blob/500ab206/lib/flow/oauth2.js', confidence: 'library' },
    { quirk: 'error text is not an RFC code (mapped to invalid_grant)', url: 'https://apis.io/examples/withings/withings-oauth2-token-example/', confidence: 'secondary' },
    { quirk: 'fields.responseScopeDelimiter comma', url: 'https://github.com/pilcrowonpaper/arctic/blob/5baf108~1/src/providers/withings.ts', confidence: 'library' },
    { quirk: 'refresh.rotation rotating (3 h access token, 1 year refresh token, old one dies 8 h later)', url: 'https://developer.withings.com/developer-guide/v3/integration-guide/public-health-data-api/get-access/access-and-refresh-tokens-no-recover', confidence: 'official' },
  ],
});
