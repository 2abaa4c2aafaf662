/**
 * A token endpoint with single-use, rotating refresh tokens, as GitHub App user tokens and Fitbit
 * work (the github-app and fitbit profiles' sources): every refresh answers a new access token AND a new refresh token, and the
 * presented refresh token dies at once (GitHub: "using it kills old RT + AT"); presenting a dead one
 * answers HTTP 400 `invalid_grant` (RFC 6749 §5.2). Client authentication: HTTP Basic (Fitbit
 * "server" apps require it) or body credentials; a wrong secret answers 401 `invalid_client`.
 *
 * Every token it mints starts with `canary-` so tests can search storage for them. `delayMs` holds
 * each answer back, so concurrent requests really overlap. `callsWith(token)` counts the calls that
 * presented one refresh token (single use: never more than 1); `issueCode` registers a code whose
 * exchange answers fresh tokens once.
 */
import { randomBytes } from 'node:crypto';
import { clientCredentials, sendJson, startFakeServer, type FakeServer } from './fake-server';

export interface FakeRotatingOptions {
  clientId: string;
  clientSecret: string;
  /** Milliseconds each refresh answer is held back (default 150). */
  delayMs?: number;
}

export interface FakeRotating extends FakeServer {
  /** Registers a live refresh token (as if a code exchange had issued it). */
  issue(refreshToken: string): void;
  /** Refresh calls that reached the endpoint (valid or not). */
  refreshCalls(): number;
  /** Refresh calls that presented this refresh token (a single-use token must see at most 1). */
  callsWith(refreshToken: string): number;
  /** Registers a code (as if the authorization endpoint had issued it); exchanging it answers fresh tokens once. */
  issueCode(code: string): void;
  /** Every token minted or registered so far (the canaries). */
  minted: string[];
  delayMs: number;
}

export async function startFakeRotating(options: FakeRotatingOptions): Promise<FakeRotating> {
  const live = new Set<string>();
  const codes = new Set<string>();
  const minted: string[] = [];
  const mint = (kind: string) => {
    const t = `canary-${kind}-${randomBytes(12).toString('hex')}`;
    minted.push(t);
    return t;
  };
  let self!: FakeRotating;
  const server = await startFakeServer(async (req, res) => {
    if (req.method !== 'POST' || req.path !== '/token') return sendJson(res, 404, { error: 'not_found' });
    const creds = clientCredentials(req);
    if (creds.via === 'both') return sendJson(res, 400, { error: 'invalid_request', error_description: 'client authentication specified twice' });
    if (creds.clientId !== options.clientId || creds.clientSecret !== options.clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (req.body['grant_type'] === 'authorization_code') {
      await new Promise((r) => setTimeout(r, self.delayMs));
      if (!codes.delete(req.body['code'] ?? '')) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The authorization code is invalid or was already used' });
      const refreshToken = mint('rt');
      live.add(refreshToken);
      return sendJson(res, 200, { access_token: mint('at'), token_type: 'bearer', expires_in: 28800, refresh_token: refreshToken, scope: '' });
    }
    if (req.body['grant_type'] !== 'refresh_token') return sendJson(res, 400, { error: 'unsupported_grant_type' });
    await new Promise((r) => setTimeout(r, self.delayMs));
    const presented = req.body['refresh_token'] ?? '';
    if (!live.delete(presented)) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid or was already used' });
    }
    const refreshToken = mint('rt');
    live.add(refreshToken);
    sendJson(res, 200, { access_token: mint('at'), token_type: 'bearer', expires_in: 28800, refresh_token: refreshToken, refresh_token_expires_in: 15897600, scope: '' });
  });
  self = {
    ...server,
    minted,
    delayMs: options.delayMs ?? 150,
    issue(refreshToken) {
      live.add(refreshToken);
      minted.push(refreshToken);
    },
    refreshCalls: () => server.received.filter((r) => r.body['grant_type'] === 'refresh_token').length,
    callsWith: (refreshToken) => server.received.filter((r) => r.body['grant_type'] === 'refresh_token' && r.body['refresh_token'] === refreshToken).length,
    issueCode(code) {
      codes.add(code);
      minted.push(code);
    },
  };
  return self;
}
