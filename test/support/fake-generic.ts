/**
 * A plain RFC 6749 token endpoint: form request; client authentication by HTTP Basic (decoded per
 * §2.3.1) or body, never both (§2.3); §5.1 JSON answers with Cache-Control: no-store; §5.2 errors,
 * `invalid_client` as 401 with WWW-Authenticate when the client used Basic; refresh tokens rotate
 * when `rotateRefreshTokens` is on (§6).
 */
import { randomBytes } from 'node:crypto';
import { clientCredentials, sendJson, startFakeServer, type FakeServer } from './fake-server';

export interface FakeGenericOptions {
  clients: Record<string, string>;
  redirectUri: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresIn?: number;
  scope?: string;
  tokenType?: string;
}

export interface FakeGeneric extends FakeServer {
  rotateRefreshTokens: boolean;
  /** Echo the request's code / refresh token / verifier / secret in error_description (canary tests). */
  echoSecretsInErrors: boolean;
  /** Echo the raw (form-encoded) request body in error_description, as some servers do (canary tests). */
  echoRawBodyInErrors: boolean;
  /** Registers a code (optionally PKCE-bound); the exchange answers `tokens`. */
  addCode(code: string, tokens: IssuedTokens, codeVerifier?: string): void;
  addRefreshToken(refreshToken: string, tokens: IssuedTokens): void;
  /** Tokens issued by the last successful exchange or refresh. */
  lastIssued?: IssuedTokens;
}

function tokenAnswer(t: IssuedTokens): Record<string, unknown> {
  return {
    access_token: t.accessToken,
    token_type: t.tokenType ?? 'Bearer',
    expires_in: t.expiresIn ?? 3600,
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    ...(t.idToken ? { id_token: t.idToken } : {}),
    ...(t.scope ? { scope: t.scope } : {}),
  };
}

export async function startFakeGeneric(options: FakeGenericOptions): Promise<FakeGeneric> {
  const codes = new Map<string, { tokens: IssuedTokens; codeVerifier?: string }>();
  const refreshTokens = new Map<string, IssuedTokens>();
  let self!: FakeGeneric;
  const server = await startFakeServer((req, res) => {
    if (req.method !== 'POST' || req.path !== '/token') {
      sendJson(res, 404, { error: 'invalid_request', error_description: 'no such endpoint' });
      return;
    }
    const echo = (text: string) => {
      let out = text;
      if (self.echoSecretsInErrors) {
        out += ` (got code=${req.body['code'] ?? ''} refresh_token=${req.body['refresh_token'] ?? ''} code_verifier=${req.body['code_verifier'] ?? ''} secret=${clientCredentials(req).clientSecret ?? ''})`;
      }
      if (self.echoRawBodyInErrors) out += ` request: ${req.rawBody.toString('utf8')}`;
      return out;
    };
    if (req.bodyEncoding !== 'form') {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
      return;
    }
    const creds = clientCredentials(req);
    if (creds.via === 'both') {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'more than one client authentication method' });
      return;
    }
    const known = creds.clientId !== undefined && Object.hasOwn(options.clients, creds.clientId);
    if (!known || options.clients[creds.clientId!] !== creds.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client', error_description: echo('client authentication failed') }, creds.via === 'basic' ? { 'www-authenticate': 'Basic realm="fake"' } : {});
      return;
    }
    const grantType = req.body['grant_type'];
    let issued: IssuedTokens | undefined;
    if (grantType === 'authorization_code') {
      const entry = codes.get(req.body['code'] ?? '');
      if (!entry || req.body['redirect_uri'] !== options.redirectUri || (entry.codeVerifier !== undefined && entry.codeVerifier !== req.body['code_verifier'])) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: echo('the authorization code is invalid or expired') });
        return;
      }
      codes.delete(req.body['code']!);
      issued = entry.tokens;
    } else if (grantType === 'refresh_token') {
      const presented = req.body['refresh_token'] ?? '';
      const entry = refreshTokens.get(presented);
      if (!entry) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: echo('the refresh token is invalid') });
        return;
      }
      issued = { ...entry, accessToken: `${entry.accessToken}.${randomBytes(4).toString('hex')}` };
      if (self.rotateRefreshTokens) {
        refreshTokens.delete(presented);
        issued.refreshToken = `${presented}.r${randomBytes(4).toString('hex')}`;
      } else {
        issued.refreshToken = presented;
      }
    } else {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    if (issued.refreshToken) refreshTokens.set(issued.refreshToken, issued);
    self.lastIssued = issued;
    sendJson(res, 200, tokenAnswer(issued), { pragma: 'no-cache' });
  });
  self = Object.assign(server, {
    rotateRefreshTokens: false,
    echoSecretsInErrors: false,
    echoRawBodyInErrors: false,
    addCode(code: string, tokens: IssuedTokens, codeVerifier?: string) {
      codes.set(code, { tokens, ...(codeVerifier !== undefined ? { codeVerifier } : {}) });
    },
    addRefreshToken(refreshToken: string, tokens: IssuedTokens) {
      refreshTokens.set(refreshToken, { ...tokens, refreshToken });
    },
  }) as FakeGeneric;
  return self;
}
