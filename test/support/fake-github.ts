/**
 * A GitHub OAuth App token endpoint as GitHub documents it (the github profile's sources,
 * lambda/core/profiles/github.ts):
 * - POST /login/oauth/access_token with client_id, client_secret, code, redirect_uri;
 * - the answer is application/x-www-form-urlencoded unless the request says `Accept: application/json`;
 * - errors (`bad_verification_code`, `incorrect_client_credentials`, `redirect_uri_mismatch`) come with HTTP 200;
 * - `scope` in the answer is comma-separated, `token_type` is lower-case `bearer`, no expires_in, no refresh token;
 * - codes are single use.
 * Switches: `lieAboutContentType` labels a JSON body as form and a form body as JSON (GitHub community
 * discussion 101123); `ignoreAccept` answers form-encoded even when JSON was asked for.
 */
import type { ServerResponse } from 'node:http';
import { clientCredentials, startFakeServer, type FakeServer } from './fake-server';

export const GITHUB_TOKEN_PATH = '/login/oauth/access_token';

export interface FakeGitHubOptions {
  clientId: string;
  clientSecret: string;
  /** Accepted codes → the token answered for them. */
  codes?: Record<string, { accessToken: string; scope?: string }>;
  redirectUri?: string;
}

export interface FakeGitHub extends FakeServer {
  lieAboutContentType: boolean;
  ignoreAccept: boolean;
  /** Put the received code into error descriptions (canary tests). */
  echoCodeInErrors: boolean;
  addCode(code: string, accessToken: string, scope?: string): void;
}

function answer(res: ServerResponse, wantsJson: boolean, lie: boolean, fields: Record<string, string>): void {
  const asJson = wantsJson;
  const body = asJson ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  const honest = asJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8';
  const liar = asJson ? 'application/x-www-form-urlencoded; charset=utf-8' : 'application/json; charset=utf-8';
  // GitHub answers errors with HTTP 200 too.
  res.writeHead(200, { 'content-type': lie ? liar : honest });
  res.end(body);
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const codes = new Map(Object.entries(options.codes ?? {}));
  // The handler reads the switches from the returned object, so tests can flip them at any time.
  let state!: FakeGitHub;
  const server = await startFakeServer((req, res) => {
    if (req.method !== 'POST' || req.path !== GITHUB_TOKEN_PATH) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Not Found</body></html>');
      return;
    }
    const wantsJson = !state.ignoreAccept && /application\/json/i.test(req.headers['accept'] ?? '');
    const send = (fields: Record<string, string>) => answer(res, wantsJson, state.lieAboutContentType, fields);
    const creds = clientCredentials(req);
    if (creds.clientId !== options.clientId || creds.clientSecret !== options.clientSecret) {
      send({
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials',
      });
      return;
    }
    const code = req.body['code'] ?? '';
    if (options.redirectUri !== undefined && req.body['redirect_uri'] !== undefined && req.body['redirect_uri'] !== options.redirectUri) {
      send({ error: 'redirect_uri_mismatch', error_description: 'The redirect_uri MUST match the registered callback URL for this application.' });
      return;
    }
    const grant = codes.get(code);
    if (!grant) {
      send({
        error: 'bad_verification_code',
        error_description: state.echoCodeInErrors ? `The code ${code} passed is incorrect or expired.` : 'The code passed is incorrect or expired.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
      });
      return;
    }
    codes.delete(code);
    send({ access_token: grant.accessToken, scope: grant.scope ?? 'repo,gist', token_type: 'bearer' });
  }, GITHUB_TOKEN_PATH);
  state = Object.assign(server, {
    lieAboutContentType: false,
    ignoreAccept: false,
    echoCodeInErrors: false,
    addCode(code: string, accessToken: string, scope?: string) {
      codes.set(code, { accessToken, ...(scope !== undefined ? { scope } : {}) });
    },
  });
  return state;
}
