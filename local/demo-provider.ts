/**
 * A built-in demo OAuth provider that misbehaves the way GitHub's token endpoint does, so local
 * mode shows the adapter's translations without a GitHub account or network access.
 *
 * Modelled on https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * and, for refresh, on GitHub Apps with expiring user tokens
 * (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens):
 * - POST /login/oauth/access_token takes a form body (client_id and client_secret in the body or as
 *   HTTP Basic, code, redirect_uri; grant_type optional) and answers
 *   `application/x-www-form-urlencoded` (`access_token=…&scope=repo%2Cgist&token_type=bearer`) unless
 *   the request says `Accept: application/json` (or `application/xml`);
 * - errors come with HTTP 200: `bad_verification_code`, `incorrect_client_credentials`,
 *   `redirect_uri_mismatch`, `bad_refresh_token`, `unsupported_grant_type`, each with
 *   `error_description` and `error_uri`;
 * - `grant_type=refresh_token` works like a GitHub App with expiring tokens: `expires_in=28800`,
 *   a new single-use `refresh_token` and `refresh_token_expires_in=15897600`; a used one answers
 *   `bad_refresh_token`;
 * - codes are single-use and expire after 10 minutes.
 * The only client is `demo-client` / `demo-secret`. Deviation on purpose: GitHub OAuth App tokens
 * carry `scope=repo,gist` but no expiry; GitHub App tokens expire but have `scope=` (empty). The demo
 * sends both a comma-separated scope and an expiry so one run shows every translation.
 *
 * GET /login/oauth/authorize?client_id=…&redirect_uri=…&state=…[&code_challenge=…] shows a login
 * page (plain HTML form, no JavaScript); POSTing it with the demo user (`demo` / `demo`) mints a code
 * and redirects back, "Deny" redirects back with `error=access_denied` (RFC 6749 §4.1.2.1), a wrong
 * password shows the page again with the error on it (as Alexa requires of login pages). Codes
 * minted with a `code_challenge` (S256, RFC 7636) need the matching `code_verifier`.
 * GET /demo/code and `mintCode()` mint one directly, for curl and tests.
 *
 * `armBehaviour()` switches misbehaviours on for the NEXT approved login only, within 10 minutes (the
 * link simulator's failure presets; an abandoned link does not leave them armed for later logins): the code it mints, and every refresh token descending from it, carry them; other
 * codes (curl, /demo/code) keep the provider's configured behaviour.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from './adapter';

export const DEMO_CLIENT_ID = 'demo-client';
export const DEMO_CLIENT_SECRET = 'demo-secret';
/** The scope every demo grant carries, comma-separated like GitHub's. */
export const DEMO_SCOPE = 'repo,gist';
/** The demo provider's only user (login page). */
export const DEMO_USER = 'demo';
export const DEMO_PASSWORD = 'demo';
export const CODE_TTL_MS = 10 * 60 * 1000;
/** GitHub App user tokens: 8 hours; their refresh tokens: 6 months. */
export const ACCESS_TOKEN_TTL_S = 28_800;
export const REFRESH_TOKEN_TTL_S = 15_897_600;

export const TOKEN_PATH = '/login/oauth/access_token';
export const AUTHORIZE_PATH = '/login/oauth/authorize';

const TROUBLESHOOTING = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const ERRORS = {
  incorrect_client_credentials: ['The client_id and/or client_secret passed are incorrect.', `${TROUBLESHOOTING}/#incorrect-client-credentials`],
  redirect_uri_mismatch: ['The redirect_uri MUST match the registered callback URL for this application.', `${TROUBLESHOOTING}/#redirect-uri-mismatch2`],
  bad_verification_code: ['The code passed is incorrect or expired.', `${TROUBLESHOOTING}/#bad-verification-code`],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.', 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens'],
  unsupported_grant_type: ['The grant type is not supported.', 'https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps'],
} as const;
type DemoErrorCode = keyof typeof ERRORS;

export interface DemoProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only by default. */
  host?: string;
  /**
   * `accept` (default, like GitHub): JSON for `Accept: application/json`, XML for `application/xml`,
   * form-encoded otherwise. `form`: form-encoded whatever the Accept header says, which is what it
   * takes to see the form → JSON translation through the `github` profile, because that profile
   * asks for JSON (as every careful GitHub client does).
   * `json`: always JSON (a well-behaved provider).
   */
  answerFormat?: 'accept' | 'form' | 'json';
  /** Issue expiring tokens with a refresh token, like a GitHub App (default true). False: OAuth App tokens, no expiry. */
  expiringTokens?: boolean;
  now?: () => number;
}

/** What one linking attempt's grant does differently (local/simulator presets). */
export interface DemoBehaviour {
  /** Token answers: always JSON, always form-encoded, or by the Accept header as GitHub does. */
  answerFormat?: 'json' | 'form' | 'accept';
  /** HTTP status of a successful token answer (201 Created is what some providers send; Alexa wants 200). */
  successStatus?: number;
  /** Wait this long before every token answer of the grant, in ms. */
  delayMs?: number;
  /**
   * `single-use`: each refresh rotates the refresh token and the presented one dies at once (GitHub
   * Apps); `reusable`: a new one is issued and the presented one stays valid until it expires;
   * `none`: no refresh token at all.
   */
  refreshTokens?: 'single-use' | 'reusable' | 'none';
  /** Send the state back cut to 32 characters (providers that limit its length break the link this way). */
  truncateState?: boolean;
}

export interface MintCodeOptions {
  /** When given, the token request must carry the same redirect_uri (if it carries one), as on GitHub. */
  redirectUri?: string;
  clientId?: string;
  scope?: string;
  /** RFC 7636 S256 challenge the token request's code_verifier must match. */
  codeChallenge?: string;
  behaviour?: DemoBehaviour;
}

export interface DemoProvider {
  /** Base URL, e.g. http://127.0.0.1:3001 */
  url: string;
  /** The token endpoint (the adapter's `tokenUrl`). */
  tokenUrl: string;
  authorizeUrl: string;
  /** A fresh single-use authorization code for demo-client. */
  mintCode(options?: MintCodeOptions): string;
  /** Misbehave this way for the next approved login within `forMs` (default 10 minutes), and for the tokens that come from it; undefined disarms. */
  armBehaviour(behaviour: DemoBehaviour | undefined, forMs?: number): void;
  /** Counts of token requests by outcome, for tests and the bench. */
  stats: { tokenRequests: number; errors: Partial<Record<DemoErrorCode, number>> };
  close(): Promise<void>;
}

interface CodeGrant {
  clientId: string;
  redirectUri?: string;
  codeChallenge?: string;
  scope: string;
  expiresAt: number;
  behaviour?: DemoBehaviour;
}

interface RefreshGrant {
  clientId: string;
  scope: string;
  expiresAt: number;
  behaviour?: DemoBehaviour;
}

const token = (prefix: string) => `${prefix}_${randomBytes(27).toString('base64url')}`;

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

const LOGIN_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;padding:1.25rem;color:#1f1f1f;line-height:1.4}main{max-width:26rem;margin:0 auto}',
  'h1{font-size:1.35rem}label{display:block;margin:.9rem 0 .3rem;font-weight:600}',
  'input{box-sizing:border-box;width:100%;min-height:48px;padding:.5rem .75rem;font-size:1rem;border:1px solid #767676;border-radius:6px}',
  '.actions{display:flex;flex-direction:column;gap:.75rem;margin-top:1.25rem}',
  'button{min-height:48px;padding:.6rem 1rem;font-size:1.05rem;border-radius:6px;cursor:pointer}',
  '.allow{background:#0b57d0;color:#fff;border:2px solid #0b57d0;font-weight:600}',
  '.deny{background:#fff;color:#1f1f1f;border:2px solid #767676}',
  'input:focus-visible,button:focus-visible{outline:3px solid #f4b400;outline-offset:2px}',
  'p.err{color:#b3261e;font-weight:600}p.hint{color:#555;font-size:.9rem}',
].join('');

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage, max = 64 * 1024): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isAllowedRedirect(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

/** What one demo provider holds: its settings, its grants in flight, its counters. */
interface DemoState {
  now: () => number;
  answerFormat: NonNullable<DemoProviderOptions['answerFormat']>;
  expiring: boolean;
  codes: Map<string, CodeGrant>;
  refreshTokens: Map<string, RefreshGrant>;
  /** The misbehaviour armed for the next approved login (armBehaviour). */
  armed?: { behaviour: DemoBehaviour; until: number };
  stats: DemoProvider['stats'];
}

function sweep(state: DemoState): void {
  const t = state.now();
  for (const [k, v] of state.codes) if (v.expiresAt <= t) state.codes.delete(k);
  for (const [k, v] of state.refreshTokens) if (v.expiresAt <= t) state.refreshTokens.delete(k);
}

function mintCode(state: DemoState, o: MintCodeOptions = {}): string {
  if (state.codes.size > 10_000) sweep(state);
  // GitHub codes are 20 hex characters.
  const code = randomBytes(10).toString('hex');
  state.codes.set(code, {
    clientId: o.clientId ?? DEMO_CLIENT_ID,
    ...(o.redirectUri !== undefined ? { redirectUri: o.redirectUri } : {}),
    ...(o.codeChallenge !== undefined ? { codeChallenge: o.codeChallenge } : {}),
    scope: o.scope ?? DEMO_SCOPE,
    expiresAt: state.now() + CODE_TTL_MS,
    ...(o.behaviour ? { behaviour: o.behaviour } : {}),
  });
  return code;
}

// --- The token endpoint -------------------------------------------------------------------------

/** GitHub's answer: 200 in the format the Accept header asks for (unless answerFormat is `form`, or the grant's behaviour says otherwise). */
function answer(state: DemoState, req: IncomingMessage, res: ServerResponse, fields: Record<string, string | number>, behaviour: DemoBehaviour = {}, status = 200): void {
  const accept = (req.headers.accept ?? '').toLowerCase();
  const format = behaviour.answerFormat ?? state.answerFormat;
  const headers = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (format === 'json' || (format === 'accept' && accept.includes('application/json'))) {
    res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(fields));
  } else if (format === 'accept' && accept.includes('application/xml')) {
    res.writeHead(status, { ...headers, 'content-type': 'application/xml; charset=utf-8' });
    res.end(`<OAuth>${Object.entries(fields).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`).join('')}</OAuth>`);
  } else {
    res.writeHead(status, { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    res.end(new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString());
  }
}

function fail(state: DemoState, req: IncomingMessage, res: ServerResponse, code: DemoErrorCode, behaviour?: DemoBehaviour): void {
  state.stats.errors[code] = (state.stats.errors[code] ?? 0) + 1;
  const [description, uri] = ERRORS[code];
  // GitHub answers errors with HTTP 200.
  answer(state, req, res, { error: code, error_description: description, error_uri: uri }, behaviour);
}

/** Tokens for a grant: an OAuth App token (no expiry), or a GitHub App one with a single-use refresh token unless the behaviour says otherwise. */
async function issue(state: DemoState, req: IncomingMessage, res: ServerResponse, clientId: string, scope: string, behaviour: DemoBehaviour = {}): Promise<void> {
  if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
  const status = behaviour.successStatus ?? 200;
  if (!state.expiring) {
    answer(state, req, res, { access_token: token('gho'), scope, token_type: 'bearer' }, behaviour, status);
    return;
  }
  const accessToken = { access_token: token('ghu'), expires_in: ACCESS_TOKEN_TTL_S };
  if (behaviour.refreshTokens === 'none') {
    answer(state, req, res, { ...accessToken, scope, token_type: 'bearer' }, behaviour, status);
    return;
  }
  const refresh = token('ghr');
  state.refreshTokens.set(refresh, { clientId, scope, expiresAt: state.now() + REFRESH_TOKEN_TTL_S * 1000, ...(behaviour ? { behaviour } : {}) });
  answer(state, req, res, { ...accessToken, refresh_token: refresh, refresh_token_expires_in: REFRESH_TOKEN_TTL_S, scope, token_type: 'bearer' }, behaviour, status);
}

/** The token request's parameters: the query string, then the form (or JSON) body, which wins as on GitHub. */
function tokenParams(req: IncomingMessage, raw: string): URLSearchParams {
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://x').search);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'application/json' && raw.trim() !== '') {
    try {
      for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) params.set(k, String(v));
    } catch {
      /* unreadable JSON: treated as no parameters, like an empty form */
    }
  } else {
    for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
  }
  return params;
}

function refreshGrant(state: DemoState, req: IncomingMessage, res: ServerResponse, clientId: string, params: URLSearchParams): Promise<void> | void {
  if (!state.expiring) return fail(state, req, res, 'bad_refresh_token');
  const presented = params.get('refresh_token') ?? '';
  const grant = state.refreshTokens.get(presented);
  // Single use: the presented refresh token dies whether or not the answer reaches the client
  // (unless the grant's behaviour keeps it valid).
  if (grant?.behaviour?.refreshTokens !== 'reusable') state.refreshTokens.delete(presented);
  if (!grant || grant.clientId !== clientId || grant.expiresAt <= state.now()) return fail(state, req, res, 'bad_refresh_token', grant?.behaviour);
  return issue(state, req, res, clientId, grant.scope, grant.behaviour);
}

function codeGrant(state: DemoState, req: IncomingMessage, res: ServerResponse, clientId: string, params: URLSearchParams): Promise<void> | void {
  const code = params.get('code') ?? '';
  const grant = state.codes.get(code);
  if (!grant || grant.clientId !== clientId || grant.expiresAt <= state.now()) {
    state.codes.delete(code);
    return fail(state, req, res, 'bad_verification_code');
  }
  const redirectUri = params.get('redirect_uri');
  if (redirectUri !== null && grant.redirectUri !== undefined && redirectUri !== grant.redirectUri) return fail(state, req, res, 'redirect_uri_mismatch');
  if (grant.codeChallenge !== undefined) {
    const verifier = params.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== grant.codeChallenge) {
      state.codes.delete(code);
      return fail(state, req, res, 'bad_verification_code');
    }
  }
  state.codes.delete(code);
  return issue(state, req, res, clientId, grant.scope, grant.behaviour);
}

async function tokenEndpoint(state: DemoState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.stats.tokenRequests++;
  const raw = await readBody(req);
  if (raw === undefined) {
    res.writeHead(413, { 'content-type': 'text/plain' });
    res.end('request body too large');
    return;
  }
  const params = tokenParams(req, raw);
  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.id ?? params.get('client_id') ?? '';
  const clientSecret = basic?.secret ?? params.get('client_secret') ?? '';
  if (clientId !== DEMO_CLIENT_ID || clientSecret !== DEMO_CLIENT_SECRET) return fail(state, req, res, 'incorrect_client_credentials');
  const grantType = params.get('grant_type') ?? 'authorization_code';
  if (grantType === 'refresh_token') return refreshGrant(state, req, res, clientId, params);
  if (grantType !== 'authorization_code') return fail(state, req, res, 'unsupported_grant_type');
  return codeGrant(state, req, res, clientId, params);
}

// --- The authorization endpoint and its login page ----------------------------------------------

/** The authorization request's parameters, from the query (GET) or the login form (POST). */
const AUTH_FIELDS = ['client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method'] as const;

function loginPage(res: ServerResponse, q: URLSearchParams, error?: string): void {
  const hidden = AUTH_FIELDS.filter((f) => q.get(f) !== null)
    .map((f) => `<input type="hidden" name="${f}" value="${xmlEscape(q.get(f)!)}">`)
    .join('');
  res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  // Alexa's login-page rules: mobile-friendly (the Alexa app opens a web view), no pop-ups, no
  // JavaScript alerts, errors shown on the page. Touch targets at least 44 px; Allow and Deny distinct.
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in to the demo provider</title><style>${LOGIN_STYLE}</style></head>
<body><main><h1>Sign in to the demo provider</h1><p>Alexa asks for access to your demo account (scope <b>${xmlEscape(q.get('scope') ?? DEMO_SCOPE)}</b>).</p>
${error ? `<p class="err" role="alert">${xmlEscape(error)}</p>` : ''}<form method="post" action="${AUTHORIZE_PATH}">${hidden}
<label for="login">User</label><input id="login" name="login" autocomplete="username" autocapitalize="none" value="${DEMO_USER}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<div class="actions"><button class="allow" name="action" value="approve">Sign in and allow</button><button class="deny" name="action" value="deny">Deny</button></div></form>
<p class="hint">Demo user: ${DEMO_USER} / ${DEMO_PASSWORD}</p></main></body></html>`);
}

function backTo(res: ServerResponse, redirectUri: string, params: Record<string, string | null>): void {
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) target.searchParams.set(k, v);
  res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
  res.end();
}

async function authorizeEndpoint(state: DemoState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  // The login form POSTs its fields; parameters left in the URL (curl) count too, the body wins.
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams((await readBody(req)) ?? '')) q.set(k, v);
  if (q.get('client_id') !== DEMO_CLIENT_ID) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`unknown client_id; the demo provider knows only ${DEMO_CLIENT_ID}\n`);
    return;
  }
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri || !isAllowedRedirect(redirectUri)) {
    // The demo has no registered callback URL to fall back on.
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('redirect_uri is required and must be https (or http on localhost)\n');
    return;
  }
  if (req.method !== 'POST') return loginPage(res, q);
  const armed = state.armed;
  const behaviour = q.get('action') !== 'deny' && armed && armed.until > state.now() ? armed.behaviour : undefined;
  const sent = q.get('state');
  const returnedState = behaviour?.truncateState && sent !== null ? sent.slice(0, 32) : sent;
  if (q.get('action') === 'deny') return backTo(res, redirectUri, { error: 'access_denied', error_description: 'The user denied access.', state: returnedState });
  if (q.get('login') !== DEMO_USER || q.get('password') !== DEMO_PASSWORD) return loginPage(res, q, 'Wrong user or password.');
  const challenge = q.get('code_challenge');
  if (challenge !== null && (q.get('code_challenge_method') ?? 'plain') !== 'S256') {
    return backTo(res, redirectUri, { error: 'invalid_request', error_description: 'only S256 PKCE is supported', state: returnedState });
  }
  const scope = q.get('scope');
  const code = mintCode(state, {
    redirectUri,
    ...(scope ? { scope: scope.split(/[ ,]+/).filter(Boolean).join(',') } : {}),
    ...(challenge !== null ? { codeChallenge: challenge } : {}),
    ...(behaviour ? { behaviour } : {}),
  });
  // Armed for one login only.
  state.armed = undefined;
  return backTo(res, redirectUri, { code, state: returnedState });
}

// --- The server ------------------------------------------------------------------------------------

/** A failed endpoint answers 500 (if it had not answered yet) instead of leaving the request hanging. */
function failing(res: ServerResponse) {
  return () => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('demo provider failed');
  };
}

function demoListener(state: DemoState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === TOKEN_PATH && req.method === 'POST') {
      tokenEndpoint(state, req, res).catch(failing(res));
      return;
    }
    if (path === AUTHORIZE_PATH && (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST')) {
      authorizeEndpoint(state, req, res).catch(failing(res));
      return;
    }
    if (path === '/demo/code' && (req.method === 'GET' || req.method === 'POST')) {
      const redirectUri = new URL(req.url ?? '/', 'http://x').searchParams.get('redirect_uri');
      const code = mintCode(state, redirectUri ? { redirectUri } : {});
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(code);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found\n');
  };
}

export async function startDemoProvider(options: DemoProviderOptions = {}): Promise<DemoProvider> {
  const state: DemoState = {
    now: options.now ?? Date.now,
    answerFormat: options.answerFormat ?? 'accept',
    expiring: options.expiringTokens ?? true,
    codes: new Map(),
    refreshTokens: new Map(),
    stats: { tokenRequests: 0, errors: {} },
  };
  const server = createServer(demoListener(state));
  server.keepAliveTimeout = 5000;
  const running = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: running.url,
    tokenUrl: `${running.url}${TOKEN_PATH}`,
    authorizeUrl: `${running.url}${AUTHORIZE_PATH}`,
    mintCode: (o) => mintCode(state, o),
    armBehaviour: (b, forMs = CODE_TTL_MS) => {
      state.armed = b ? { behaviour: b, until: state.now() + forMs } : undefined;
    },
    stats: state.stats,
    close: running.close,
  };
}

/**
 * The adapter configuration `npm start` runs without --config: the github profile against the demo
 * provider at `demoUrl`, in interception mode (skill-config --local derives the console settings from it).
 */
export function demoAdapterConfig(demoUrl: string) {
  return { provider: 'github', tokenUrl: `${demoUrl}${TOKEN_PATH}`, authorizeUrl: `${demoUrl}${AUTHORIZE_PATH}`, mode: 'interception' as const };
}
