/**
 * Google's token endpoint (https://oauth2.googleapis.com/token) as Google documents it (the google
 * profile's sources, lambda/core/profiles/google.ts):
 * form request, client credentials in the body or Basic; JSON answers; errors are HTTP 400 JSON
 * (`invalid_grant`, `redirect_uri_mismatch`) or 401 `invalid_client`; a refresh token only on the
 * first offline consent (`issueRefreshTokens` switch), and refresh answers WITHOUT refresh_token.
 */
import { clientCredentials, sendJson, startFakeServer, type FakeServer } from './fake-server';

export interface FakeGoogleOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface FakeGoogle extends FakeServer {
  /** false: the code exchange answers without refresh_token (the user consented before, no prompt=consent). */
  issueRefreshTokens: boolean;
  /** Registers a code; the exchange answers these tokens. */
  addCode(code: string, tokens: { accessToken: string; refreshToken: string; idToken?: string }): void;
  /** Registers a refresh token; each refresh answers `accessToken` (and no refresh_token). */
  addRefreshToken(refreshToken: string, accessToken: string): void;
  /** Revokes a refresh token (the 7-day "Testing" expiry, a user revocation). */
  revoke(refreshToken: string): void;
}

const SCOPE = 'openid https://www.googleapis.com/auth/userinfo.email';

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const codes = new Map<string, { accessToken: string; refreshToken: string; idToken?: string }>();
  const refreshTokens = new Map<string, string>();
  let self!: FakeGoogle;
  const server = await startFakeServer((req, res) => {
    if (req.method !== 'POST' || req.path !== '/token') {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const creds = clientCredentials(req);
    if (creds.via === 'both') {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'client authentication specified twice' });
      return;
    }
    if (creds.clientId !== options.clientId || creds.clientSecret !== options.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
      return;
    }
    const grantType = req.body['grant_type'];
    if (grantType === 'authorization_code') {
      if (req.body['redirect_uri'] !== options.redirectUri) {
        sendJson(res, 400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
        return;
      }
      const grant = codes.get(req.body['code'] ?? '');
      if (!grant) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
        return;
      }
      codes.delete(req.body['code']!);
      if (self.issueRefreshTokens) refreshTokens.set(grant.refreshToken, `${grant.accessToken}-r`);
      sendJson(res, 200, {
        access_token: grant.accessToken,
        expires_in: 3599,
        ...(self.issueRefreshTokens ? { refresh_token: grant.refreshToken } : {}),
        scope: SCOPE,
        token_type: 'Bearer',
        ...(grant.idToken ? { id_token: grant.idToken } : {}),
      });
      return;
    }
    if (grantType === 'refresh_token') {
      const access = refreshTokens.get(req.body['refresh_token'] ?? '');
      if (!access) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        return;
      }
      // Google does not rotate: the answer carries no refresh_token.
      sendJson(res, 200, { access_token: access, expires_in: 3599, scope: SCOPE, token_type: 'Bearer' });
      return;
    }
    sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` });
  });
  self = Object.assign(server, {
    issueRefreshTokens: true,
    addCode(code: string, tokens: { accessToken: string; refreshToken: string; idToken?: string }) {
      codes.set(code, tokens);
    },
    addRefreshToken(refreshToken: string, accessToken: string) {
      refreshTokens.set(refreshToken, accessToken);
    },
    revoke(refreshToken: string) {
      refreshTokens.delete(refreshToken);
    },
  });
  return self;
}
