import { extendProfile } from './extend';
import { generic } from './generic';

/** Amazon Cognito user pools: `https://{domain}/oauth2/token` (config `tokenUrl`); refresh answers omit the refresh token. */
export const cognito = extendProfile(generic, {
  id: 'cognito',
  displayName: 'Amazon Cognito (user pools)',
  authorize: { pkce: 'supported' },
  response: { format: 'json' },
  refresh: {
    rotation: 'none',
    invalidGrantHint: 'Cognito refresh tokens expire after the app client\'s refresh-token validity (30 days by default)',
  },
  sources: [
    { quirk: 'form only; client_secret_basic or client_secret_post (as_received); refresh without refresh_token unless rotation is on', url: 'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html', confidence: 'official' },
    { quirk: 'refresh-token validity 30 days default', url: 'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html', confidence: 'official' },
    { quirk: 'refresh answer {id_token, access_token, expires_in, token_type}; 400 invalid_grant', url: 'https://www.repost.aws/questions/QUPHUpitClS8GCVJ0PQVyLxQ', confidence: 'secondary' },
  ],
});
