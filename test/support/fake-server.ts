/**
 * Shared plumbing of the fake provider servers: a loopback HTTP server that records every request
 * it receives (method, path, query, headers, raw body, parsed body, decoded Basic credentials) so
 * tests can assert the exact shape of what the adapter sent upstream.
 *
 * Parsing here deliberately does NOT reuse the adapter's parsers (URLSearchParams, decodeURIComponent
 * instead), so a bug in the adapter's form or Basic code cannot hide itself in both places.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../../local/adapter';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** Parsed body: form (application/x-www-form-urlencoded) or JSON object, else empty. */
  body: Record<string, string>;
  /** How the body was encoded, by Content-Type. */
  bodyEncoding: 'form' | 'json' | 'none' | 'other';
  /** Basic credentials decoded as RFC 6749 §2.3.1 says (base64, then form-decoding of each part). */
  basic?: { clientId: string; clientSecret: string };
}

export type FakeHandler = (req: ReceivedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface FakeServer {
  /** Origin, e.g. http://127.0.0.1:4711 */
  url: string;
  /** Full token endpoint URL. */
  tokenUrl: string;
  received: ReceivedRequest[];
  last(): ReceivedRequest;
  close(): Promise<void>;
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

export function decodeBasic(header: string | undefined): ReceivedRequest['basic'] {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const pair = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { clientId: formDecode(pair.slice(0, colon)), clientSecret: formDecode(pair.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeServer(handler: FakeHandler, tokenPath = '/token'): Promise<FakeServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((raw, res) => {
    void (async () => {
      const rawBody = await readAll(raw);
      const url = new URL(raw.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const mt = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let body: Record<string, string> = {};
      let bodyEncoding: ReceivedRequest['bodyEncoding'] = rawBody.length === 0 ? 'none' : 'other';
      if (mt === 'application/x-www-form-urlencoded') {
        body = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
        bodyEncoding = 'form';
      } else if (mt === 'application/json') {
        try {
          body = JSON.parse(rawBody.toString('utf8')) as Record<string, string>;
          bodyEncoding = 'json';
        } catch {
          bodyEncoding = 'other';
        }
      }
      const rec: ReceivedRequest = {
        method: raw.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        rawBody,
        body,
        bodyEncoding,
        basic: decodeBasic(headers['authorization']),
      };
      received.push(rec);
      try {
        await handler(rec, res, raw);
      } catch (err) {
        if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`fake server bug: ${String(err)}`);
      }
    })().catch(() => raw.socket.destroy());
  });
  const running = await listen(server, 0, '127.0.0.1');
  return {
    url: running.url,
    tokenUrl: `${running.url}${tokenPath}`,
    received,
    last() {
      const r = received.at(-1);
      if (!r) throw new Error('the fake server received no request');
      return r;
    },
    close: () => running.close(),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Client credentials the way an RFC 6749 server reads them: Basic or body, never both. */
export function clientCredentials(req: ReceivedRequest): { clientId?: string; clientSecret?: string; via: 'basic' | 'body' | 'none' | 'both' } {
  const bodySecret = req.body['client_secret'];
  if (req.basic) {
    return { clientId: req.basic.clientId, clientSecret: req.basic.clientSecret, via: bodySecret !== undefined ? 'both' : 'basic' };
  }
  if (req.body['client_id'] !== undefined) return { clientId: req.body['client_id'], clientSecret: bodySecret, via: 'body' };
  return { via: 'none' };
}
