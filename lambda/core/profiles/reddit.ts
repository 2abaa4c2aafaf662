import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Reddit: Basic required; errors with HTTP 200; refresh tokens only with duration=permanent.
 * Token endpoint (the configuration's `tokenUrl`): https://www.reddit.com/api/v1/access_token
 */
export const reddit = extendProfile(generic, {
  id: 'reddit',
  displayName: 'Reddit',
  authorizeUrl: 'https://www.reddit.com/api/v1/authorize',
  authorize: { extraParams: { duration: 'permanent' } },
  tokenRequest: { clientAuth: { method: 'client_secret_basic' } },
  response: { format: 'json' },
  // A wrong client answers 401 {"message":"Unauthorized","error":401}: the numeric error is the code.
  errors: { codeMap: { '401': 'invalid_client' } },
  refresh: {
    rotation: 'none',
    noRefreshTokenHint: 'Reddit issues a refresh token only with duration=permanent on the authorize request: add duration=permanent to the Authorization URI',
  },
  sources: [
    { quirk: 'tokenUrl; tokenRequest.clientAuth client_secret_basic', url: 'https://github.com/praw-dev/prawcore/blob/06e47308/prawcore/auth.py', confidence: 'library' },
    { quirk: 'authorize.extraParams duration=permanent', url: 'https://github.com/reddit-archive/reddit/wiki/OAuth2', confidence: 'official' },
    { quirk: 'errors with HTTP 200', url: 'https://github.com/praw-dev/prawcore/blob/06e47308/prawcore/auth.py', confidence: 'library' },
    { quirk: 'refresh answers may omit refresh_token (the adapter returns the one Alexa presented)', url: 'https://github.com/praw-dev/prawcore/blob/06e47308/prawcore/auth.py', confidence: 'library' },
    { quirk: 'errors.codeMap 401 → invalid_client ({"message": "Unauthorized", "error": 401}, 41 bytes, on bad credentials)', url: 'https://github.com/csu/export-saved-reddit/issues/48', confidence: 'secondary' },
    { quirk: 'body of that 401', url: 'https://github.com/andrewbanchich/shreddit/issues/163', confidence: 'secondary' },
    { quirk: 'expires_in 3600 vs 86400; refresh-token rotation', url: 'https://github.com/reddit-archive/reddit/wiki/OAuth2', confidence: 'unverified' },
  ],
});
