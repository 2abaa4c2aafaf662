/**
 * The link simulator of local mode: a small HTTP server on loopback that serves the page (plain
 * static files next to this module: index.html, app.js, sequence.js, style.css) and plays Alexa's
 * side of account linking for it.
 *
 * Routes:
 * - GET /                          the page (also /index.html);
 * - GET /app.js, /sequence.js, /style.css;
 * - GET /sim/setup                 the skill as local mode runs it: URIs, mode, defaults, presets;
 * - POST /sim/links                starts a link (JSON settings) and answers the Authorization URI to open;
 * - GET /sim/links/<id>            the link as the page shows it (run-view.ts);
 * - GET /api/skill/link/<vendorId> the stand-in for Alexa's redirect URL: the browser comes back here
 *                                  (allowed as a redirect target in local mode only, local-return.ts).
 *
 * It answers only requests addressed to its own loopback host (no DNS rebinding), takes JSON POSTs
 * only (a cross-site form cannot start a link), and serves everything with a strict CSP.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { RuntimeConfig } from '../../lambda/core/config';
import { listen } from '../adapter';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, type DemoProvider } from '../demo-provider';
import { SimulatedLink, type LinkEndpoints, type LinkSettings } from './link-run';
import { HEALTHY, PRESETS, presetById } from './presets';
import type { RecordTap } from './record-tap';
import { buildRunView } from './run-view';

/** The vendor id of the simulated skill's redirect URL when the configuration pins none. */
export const SIMULATED_VENDOR_ID = 'M2AAAAAAAAAAAA';

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/sequence.js': 'sequence.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const DIR = fileURLToPath(new URL('.', import.meta.url));

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
};

export interface SimulatorTarget {
  /** The adapter's base URL (its /authorize and /token). */
  adapterUrl: string;
  config: RuntimeConfig;
  /** The built-in demo provider, when local mode runs it: presets become available. */
  demo?: DemoProvider;
  records: RecordTap;
  /** Client credentials when the page leaves them empty (ALEXA_CLIENT_ID / ALEXA_CLIENT_SECRET). */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface LinkSimulator {
  /** The page, e.g. http://127.0.0.1:3004/ */
  url: string;
  origin: string;
  /** The redirect URL Alexa sends (the simulator's stand-in for https://layla.amazon.com/api/skill/link/…). */
  returnUrl: string;
  attach(target: SimulatorTarget): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'send application/json');
  let text = '';
  for await (const chunk of req) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > 16 * 1024) throw new HttpError(413, 'too large');
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* falls through */
  }
  throw new HttpError(400, 'not a JSON object');
}

const sendJson = (res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) => {
  res.writeHead(status, { ...HEADERS, 'content-type': 'application/json; charset=utf-8', ...extra });
  res.end(JSON.stringify(value));
};

const COOKIE = 'alexa_link_simulator';

export async function startLinkSimulator(options: { port?: number; host?: string } = {}): Promise<LinkSimulator> {
  let target: SimulatorTarget | undefined;
  const links = new Map<string, SimulatedLink>();
  let self = { origin: '', returnUrl: '', vendorId: SIMULATED_VENDOR_ID };

  const endpoints = (t: SimulatorTarget): LinkEndpoints | { problem: string } => {
    const interception = t.config.mode === 'interception';
    const authorizeUri = interception ? `${t.adapterUrl}/authorize` : t.config.authorizeUrl;
    if (!authorizeUri) return { problem: 'passthrough mode without authorizeUrl: the skill has no Web Authorization URI to start from (set authorizeUrl in the configuration)' };
    const demoTokenUrl = t.demo && t.config.tokenUrl === t.demo.tokenUrl ? t.demo.tokenUrl : undefined;
    return { mode: interception ? 'interception' : 'passthrough', authorizeUri, tokenUri: `${t.adapterUrl}/token`, redirectUri: self.returnUrl, ...(demoTokenUrl ? { demoTokenUrl } : {}) };
  };

  const setup = (t: SimulatorTarget) => {
    const ep = endpoints(t);
    const demo = 'demoTokenUrl' in ep && ep.demoTokenUrl !== undefined;
    const env = t.env ?? {};
    return {
      ...('problem' in ep ? { problem: ep.problem, mode: t.config.mode } : ep),
      provider: t.config.provider,
      demo,
      defaults: {
        clientId: demo ? DEMO_CLIENT_ID : (env['ALEXA_CLIENT_ID'] ?? ''),
        // The demo's secret is public (printed in the banner); any other secret stays on the server.
        clientSecret: demo ? DEMO_CLIENT_SECRET : '',
        secretFromEnv: !demo && Boolean(env['ALEXA_CLIENT_SECRET']),
        scheme: 'basic',
        scope: demo ? 'repo' : '',
        pkce: false,
      },
      presets: demo ? PRESETS.map(({ id, label, description }) => ({ id, label, description })) : [],
    };
  };

  const startLink = async (req: IncomingMessage, res: ServerResponse, t: SimulatorTarget) => {
    const body = await readJson(req);
    const ep = endpoints(t);
    if ('problem' in ep) throw new HttpError(409, ep.problem);
    const text = (k: string, max = 500) => {
      const v = body[k];
      if (v !== undefined && typeof v !== 'string') throw new HttpError(400, `${k} must be a string`);
      if ((v ?? '').length > max) throw new HttpError(400, `${k} is too long`);
      return (v ?? '').trim();
    };
    const env = t.env ?? {};
    const clientId = text('clientId') || (env['ALEXA_CLIENT_ID'] ?? '');
    const clientSecret = text('clientSecret') || (env['ALEXA_CLIENT_SECRET'] ?? '');
    if (!clientId) throw new HttpError(400, 'enter the client id (the console\'s "Your Client ID")');
    const scheme = text('scheme') || 'basic';
    if (scheme !== 'basic' && scheme !== 'body') throw new HttpError(400, 'scheme must be basic or body');
    const preset = ep.demoTokenUrl ? presetById(text('preset') || 'none') : presetById('none');
    if (!preset) throw new HttpError(400, 'unknown preset');
    const settings: LinkSettings = { clientId, scheme, scope: text('scope'), pkce: body['pkce'] === true, preset: preset.id };
    const link = new SimulatedLink(settings, ep, clientSecret);
    links.set(link.id, link);
    if (links.size > 50) links.delete(links.keys().next().value!);
    // The preset (over a well-behaved base) for this link's login at the demo provider only.
    if (ep.demoTokenUrl) t.demo?.armBehaviour({ ...HEALTHY, ...preset.behaviour });
    sendJson(res, 201, { id: link.id, authorizeUrl: link.authorizeUrl() }, { 'set-cookie': `${COOKIE}=${link.id}; Path=/; HttpOnly; SameSite=Lax` });
  };

  /** The browser is back at "Alexa": find its link (cookie, else state), play the token leg, show the result. */
  const onReturn = (req: IncomingMessage, res: ServerResponse, url: URL, t: SimulatorTarget) => {
    const cookie = /(?:^|;\s*)alexa_link_simulator=([0-9a-f-]{36})/.exec(req.headers.cookie ?? '')?.[1];
    const link = (cookie && links.get(cookie)) || [...links.values()].find((l) => l.state === url.searchParams.get('state'));
    if (!link) {
      res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end('No simulated link is waiting for this return. Start one from the link simulator page.\n');
      return;
    }
    void link.onReturn(url, t.fetch).finally(() => t.demo?.armBehaviour(undefined));
    // 303: the page loads without the code in its address.
    res.writeHead(303, { ...HEADERS, location: `/?link=${link.id}` });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', self.origin || 'http://127.0.0.1');
    // Loopback only, by name too: a page on another site cannot reach this server through DNS rebinding.
    const host = req.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(host)) throw new HttpError(421, 'misdirected request');
    if (req.method === 'POST' && req.headers.origin !== undefined && req.headers.origin !== `http://${host}`) throw new HttpError(403, 'cross-origin request');
    const file = STATIC[url.pathname];
    if (file && (req.method === 'GET' || req.method === 'HEAD')) {
      const ext = file.split('.').pop()!;
      res.writeHead(200, { ...HEADERS, 'content-type': TYPES[ext]! });
      res.end(req.method === 'HEAD' ? undefined : readFileSync(`${DIR}${file}`));
      return;
    }
    if (!target) throw new HttpError(503, 'local mode is still starting');
    const t = target;
    if (url.pathname === '/sim/setup' && req.method === 'GET') return sendJson(res, 200, setup(t));
    if (url.pathname === '/sim/links' && req.method === 'POST') return startLink(req, res, t);
    const linkMatch = /^\/sim\/links\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (linkMatch && req.method === 'GET') {
      const link = links.get(linkMatch[1]!);
      if (!link) throw new HttpError(404, 'no such link (local mode keeps links in memory until it stops)');
      return sendJson(res, 200, buildRunView(link, t.records.records));
    }
    if (/^\/api\/skill\/link\/[A-Za-z0-9]+$/.test(url.pathname) && req.method === 'GET') return onReturn(req, res, url, t);
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: err instanceof HttpError ? err.message : 'the simulator failed; see the terminal' });
      else res.end();
      if (!(err instanceof HttpError)) process.stderr.write(`link simulator: ${(err as Error).stack ?? String(err)}\n`);
    });
  });
  const running = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  self = { origin: running.url, returnUrl: `${running.url}/api/skill/link/${SIMULATED_VENDOR_ID}`, vendorId: SIMULATED_VENDOR_ID };
  return {
    url: `${running.url}/`,
    origin: running.url,
    get returnUrl() {
      return self.returnUrl;
    },
    attach(t) {
      target = t;
      // A configuration that pins the vendor id gets a return URL with that id.
      if (t.config.vendorId) self.returnUrl = `${running.url}/api/skill/link/${t.config.vendorId}`;
    },
    close: running.close,
  };
}
