/**
 * Loopback fakes of the two Amazon services the smart-home Lambda talks to, behaving as their
 * documentation (Alexa docs: alexa-authorization, send-events; Login with Amazon) and observed behaviour say. Used by local mode and by tests.
 *
 * Login with Amazon (POST /auth/o2/token, form body; smapi/access-token-api.html):
 * - `authorization_code` with a code from `issueCode()` (single use, 5 minutes) → 200
 *   {access_token "Atza|…", refresh_token "Atzr|…", token_type "bearer", expires_in};
 * - `refresh_token` → 200 with a new access token and the refresh token; after `revoke()` → 400;
 * - bad or used code / revoked refresh token → 400 {"error":"invalid_grant",…} with
 *   `X-Amzn-ErrorType: OA2InvalidGrantException`;
 * - wrong client id/secret → 401 {"error":"invalid_client",…};
 * - `mode`: `5xx` (503 HTML-less JSON), `html` (200 text/html), `hang` (never answers).
 *
 * Event Gateway (POST /v3/events; smarthome/send-events.html): 202 on success; the Bearer token must
 * be a live access token of the LWA fake and equal the message's scope token. Errors have the body
 * {"header":{"namespace":"System","name":"Exception","messageId"},"payload":{"code","description"}}:
 * 401 INVALID_ACCESS_TOKEN_EXCEPTION, 400 INVALID_REQUEST_EXCEPTION, and, by `mode`, 403
 * SKILL_DISABLED_EXCEPTION / SKILL_NEVER_ENABLED_EXCEPTION / INSUFFICIENT_PERMISSION_EXCEPTION,
 * 429 THROTTLING_EXCEPTION.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type RunningServer } from './adapter';

export const FAKE_ALEXA_CLIENT_ID = 'amzn1.application-oa2-client.localfake';
export const FAKE_ALEXA_CLIENT_SECRET = 'local-alexa-client-secret';

export type LwaMode = 'normal' | '5xx' | 'html' | 'hang';
/** `echo_token`: a misbehaving 400 whose description quotes the bearer token (tests redaction). */
export type GatewayMode = 'normal' | 'skill_disabled' | 'never_enabled' | 'insufficient_permission' | 'throttle' | 'echo_token';

export interface FakeLwa extends RunningServer {
  tokenUrl: string;
  mode: LwaMode;
  expiresIn: number;
  /** A fresh single-use code (or registers `code`). */
  issueCode(code?: string): string;
  /** Counts of successful exchanges, by grant type. */
  counts: { authorization_code: number; refresh_token: number };
  /** Makes every refresh token invalid (the user disabled the skill). */
  revoke(): void;
  /** Ends every access token issued so far (as if they expired). */
  expireAccessTokens(): void;
  isLive(accessToken: string): boolean;
}

export interface FakeGateway extends RunningServer {
  eventsUrl: string;
  mode: GatewayMode;
  /** How `echo_token` writes the token back (tests of the scrubber's encodings); as is by default. */
  echoEncode?: (token: string) => string;
  received: { authorization?: string; body: unknown }[];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeLwa(options: { port?: number; host?: string; clientId?: string; clientSecret?: string; /** Text put into every minted token (canary tests). */ tokenTag?: string } = {}): Promise<FakeLwa> {
  const clientId = options.clientId ?? FAKE_ALEXA_CLIENT_ID;
  const clientSecret = options.clientSecret ?? FAKE_ALEXA_CLIENT_SECRET;
  const codes = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const access = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const invalidGrant = (res: ServerResponse, what: string) =>
    json(res, 400, { error_description: `The request has an invalid grant parameter : ${what}`, error: 'invalid_grant' }, { 'x-amzn-errortype': 'OA2InvalidGrantException:' });
  const issue = (refresh?: string) => {
    const accessToken = `Atza|${options.tokenTag ?? ''}${randomBytes(24).toString('base64url')}`;
    const refreshToken = refresh ?? `Atzr|${options.tokenTag ?? ''}${randomBytes(24).toString('base64url')}`;
    access.set(accessToken, Date.now() + fake.expiresIn * 1000);
    refreshTokens.add(refreshToken);
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'bearer', expires_in: fake.expiresIn };
  };
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/auth/o2/token') return json(res, 404, { error: 'not_found' });
      if (fake.mode === 'hang') {
        hanging.add(res);
        return;
      }
      if (fake.mode === '5xx') return json(res, 503, { error: 'ServiceUnavailable' });
      if (fake.mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>Amazon is having trouble</body></html>');
      }
      const p = new URLSearchParams(text);
      if (p.get('client_id') !== clientId || p.get('client_secret') !== clientSecret) {
        return json(res, 401, { error_description: 'Client authentication failed', error: 'invalid_client' }, { 'x-amzn-errortype': 'OA2InvalidClientException:' });
      }
      if (p.get('grant_type') === 'authorization_code') {
        const code = p.get('code') ?? '';
        const until = codes.get(code);
        codes.delete(code);
        if (until === undefined || until < Date.now()) return invalidGrant(res, 'code');
        fake.counts.authorization_code++;
        return json(res, 200, issue());
      }
      if (p.get('grant_type') === 'refresh_token') {
        const rt = p.get('refresh_token') ?? '';
        if (!refreshTokens.has(rt)) return invalidGrant(res, 'refresh_token');
        fake.counts.refresh_token++;
        return json(res, 200, issue(rt));
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    })();
  });
  const running = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const fake: FakeLwa = {
    ...running,
    close: async () => {
      for (const r of hanging) r.destroy();
      await running.close();
    },
    tokenUrl: `${running.url}/auth/o2/token`,
    mode: 'normal',
    expiresIn: 3600,
    counts: { authorization_code: 0, refresh_token: 0 },
    issueCode: (given?: string) => {
      const code = given ?? `ANcode${randomBytes(12).toString('hex')}`;
      codes.set(code, Date.now() + 5 * 60_000);
      return code;
    },
    revoke: () => refreshTokens.clear(),
    expireAccessTokens: () => access.clear(),
    isLive: (t) => (access.get(t) ?? 0) > Date.now(),
  };
  return fake;
}

export async function startFakeGateway(lwa: Pick<FakeLwa, 'isLive'>, options: { port?: number; host?: string } = {}): Promise<FakeGateway> {
  const exception = (res: ServerResponse, status: number, code: string, description: string) =>
    json(res, status, { header: { namespace: 'System', name: 'Exception', messageId: randomUUID() }, payload: { code, description } });
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v3/events') return exception(res, 404, 'NOT_FOUND', 'no such path');
      let body: { event?: { endpoint?: { scope?: { token?: unknown } }; payload?: { scope?: { token?: unknown } }; header?: unknown } };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return exception(res, 400, 'INVALID_REQUEST_EXCEPTION', 'The request body is not valid JSON.');
      }
      fake.received.push({ authorization: req.headers.authorization, body });
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !lwa.isLive(bearer)) return exception(res, 401, 'INVALID_ACCESS_TOKEN_EXCEPTION', 'Access token is not valid.');
      if (fake.mode === 'skill_disabled') return exception(res, 403, 'SKILL_DISABLED_EXCEPTION', 'The skill is disabled by the customer.');
      if (fake.mode === 'never_enabled') return exception(res, 403, 'SKILL_NEVER_ENABLED_EXCEPTION', 'The skill was never enabled by the customer.');
      if (fake.mode === 'insufficient_permission') return exception(res, 403, 'INSUFFICIENT_PERMISSION_EXCEPTION', 'The skill does not have permission to send events.');
      if (fake.mode === 'echo_token') return exception(res, 400, 'INVALID_REQUEST_EXCEPTION', `Bad token ${(fake.echoEncode ?? String)(bearer)} in request`);
      if (fake.mode === 'throttle') return exception(res, 429, 'THROTTLING_EXCEPTION', 'Rate exceeded.');
      const scopeToken = body.event?.endpoint?.scope?.token ?? body.event?.payload?.scope?.token;
      if (!body.event?.header || scopeToken !== bearer) return exception(res, 400, 'INVALID_REQUEST_EXCEPTION', 'The scope token is missing or does not match.');
      res.writeHead(202);
      res.end();
    })();
  });
  const running = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const fake: FakeGateway = { ...running, eventsUrl: `${running.url}/v3/events`, mode: 'normal', received: [] };
  return fake;
}
