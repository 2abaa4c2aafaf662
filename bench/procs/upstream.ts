/**
 * The providers, in a process of their own, answering at once (the provider's wait is a parameter
 * of the cost model, not something to sleep through here). Token shapes and sizes follow the
 * providers' documentation (each profile's sources, lambda/core/profiles/):
 *
 * - POST /github/token: a GitHub OAuth App. `gho_` + 36 characters; form-encoded answer unless
 *   `Accept: application/json` (GitHub's default), no expiry, no refresh token.
 * - POST /google/token: Google. JSON; a refresh answers `ya29.` access token (~220 characters),
 *   `expires_in` 3599, scope, token_type and, for an `openid` scope, an `id_token` (an RS256 JWT of
 *   ~900 characters), and no refresh token (Google does not rotate).
 * - POST /rotating/token: a GitHub App with expiring user tokens: every refresh token is single-use
 *   (a spent one answers 400 invalid_grant); answers `ghu_` access + `ghr_` refresh token (76
 *   characters after the prefix), expires_in 28800, refresh_token_expires_in 15897600.
 * - GET /github/authorize: never called by the adapter (the browser goes there); answers 200.
 * - POST / with X-Amz-Target secretsmanager.GetSecretValue: Secrets Manager's answer holding the
 *   Alexa Client Secret of the LWA fake (the smart-home Lambda reads it through the SDK).
 * - The Login with Amazon fake of local mode (local/smart-home-fakes.ts) on a port of its own;
 *   GET /__lwa/codes?n=K registers K fresh single-use grant codes there and answers them.
 *
 * Every answer carries fresh random tokens; every request is checked for client credentials.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { FAKE_ALEXA_CLIENT_SECRET, startFakeLwa } from '../../local/smart-home-fakes';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i]! % ALNUM.length];
  return s;
}
const b64 = (n: number) => randomBytes(n).toString('base64url');

/** An id_token-sized JWT: header, Google-like claims, 256-byte RS256 signature. */
function idToken(): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: alnum(40).toLowerCase(), typ: 'JWT' })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://accounts.google.com',
    azp: `${alnum(12)}-${alnum(32).toLowerCase()}.apps.googleusercontent.com`,
    aud: `${alnum(12)}-${alnum(32).toLowerCase()}.apps.googleusercontent.com`,
    sub: String(100000000000000000000 + Math.floor(Math.random() * 1e9)),
    email: 'someone@example.com',
    email_verified: true,
    at_hash: b64(16),
    iat: now,
    exp: now + 3600,
  };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${b64(256)}`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function credentials(req: IncomingMessage, p: URLSearchParams): string | undefined {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0];
  return p.get('client_id') ?? undefined;
}

function answer(res: ServerResponse, status: number, body: Record<string, string | number>, form: boolean): void {
  if (form) {
    res.writeHead(status, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    res.end(new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString());
  } else {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });
    res.end(JSON.stringify(body));
  }
}

const spent = new Set<string>();

async function main(): Promise<void> {
  const lwa = await startFakeLwa({});
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/__lwa/codes') {
        const n = Number(url.searchParams.get('n') ?? '1');
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(Array.from({ length: n }, () => lwa.issueCode())));
      }
      if (req.method === 'GET' && url.pathname === '/github/authorize') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>login</body></html>');
      }
      if (req.method === 'POST' && req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        for await (const _ of req) void _;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:alexa-client-secret-AbCdEf', Name: 'alexa-client-secret', SecretString: FAKE_ALEXA_CLIENT_SECRET, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1.7e9 }));
      }
      const p = await readForm(req);
      const json = (req.headers.accept ?? '').includes('json');
      if (!credentials(req, p)) return answer(res, 401, { error: 'invalid_client' }, false);
      const grant = p.get('grant_type');
      switch (url.pathname) {
        case '/github/token':
          if (grant !== 'authorization_code' || !p.get('code')) return answer(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }, !json);
          return answer(res, 200, { access_token: `gho_${alnum(36)}`, token_type: 'bearer', scope: 'read:user,user:email' }, !json);
        case '/google/token':
          if (grant === 'refresh_token' && p.get('refresh_token')) {
            return answer(res, 200, { access_token: `ya29.a0${b64(160)}`, expires_in: 3599, scope: 'openid https://www.googleapis.com/auth/userinfo.email', token_type: 'Bearer', id_token: idToken() }, false);
          }
          return answer(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' }, false);
        case '/rotating/token': {
          const rt = p.get('refresh_token') ?? '';
          if (grant !== 'refresh_token' || !rt) return answer(res, 400, { error: 'unsupported_grant_type' }, !json);
          // Single-use (GitHub docs: "refreshing user access tokens"): a spent token is dead.
          if (spent.has(rt)) return answer(res, 400, { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' }, !json);
          spent.add(rt);
          return answer(res, 200, { access_token: `ghu_${alnum(36)}`, expires_in: 28800, refresh_token: `ghr_${alnum(76)}`, refresh_token_expires_in: 15897600, scope: '', token_type: 'bearer' }, !json);
        }
        default:
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end('{"error":"not_found"}');
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send!({ ready: `http://127.0.0.1:${port}`, lwaTokenUrl: lwa.tokenUrl });
  });
}

void main();
process.on('disconnect', () => process.exit(0));
