/**
 * The provider call on node:http/https (lambda/core/upstream-call.ts) against real loopback servers:
 * what the transport itself promises beyond what test/http/bad-upstream.test.ts shows through the
 * handler — connections kept per container and dropped when idle too long, a request on a
 * connection the server had already closed sent once more, failures named by their cause (refused,
 * unknown host, reset, TLS), redirects answered not followed, content codings decoded within the
 * cap, and one timer for the whole answer. The injected-fetch path answers in the same shapes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IDLE_SOCKET_MS, MAX_UPSTREAM_BYTES, callUpstream, type UpstreamResult } from '../../lambda/core/upstream-call';
import type { UpstreamRequest } from '../../lambda/core/upstream-request';

type Handler = (req: IncomingMessage, res: ServerResponse, socket: Socket) => void;

interface Upstream {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  handler: Handler;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function startUpstream(handler: Handler): Promise<Upstream> {
  const sockets = new Set<Socket>();
  const up: Upstream = { url: '', connections: 0, handler, close: async () => undefined };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => up.handler(req, res, req.socket));
  });
  server.on('connection', (s: Socket) => {
    up.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  up.url = `http://127.0.0.1:${await listen(server)}/token`;
  up.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return up;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};
const post = (url: string): UpstreamRequest => ({ url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'grant_type=authorization_code&code=c', clientAuth: 'none' });
const call = (url: string, timeoutMs = 1000, maxBytes?: number) => callUpstream(post(url), { timeoutMs, ...(maxBytes ? { maxBytes } : {}) });
const text = (r: UpstreamResult) => (r.outcome === 'answered' ? Buffer.from(r.body).toString('utf8') : `(${r.outcome})`);

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream((_req, res) => json(res, 200, { access_token: 'at' }));
});
afterAll(async () => {
  await up?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  up.handler = (_req, res) => json(res, 200, { access_token: 'at' });
});

describe('connections', () => {
  it('sends the form with its length (not chunked) and reuses one connection for the next call', async () => {
    const seen: { length?: string; chunked?: string; encoding?: string }[] = [];
    up.handler = (req, res) => {
      seen.push({ length: req.headers['content-length'], chunked: req.headers['transfer-encoding'], encoding: req.headers['accept-encoding'] });
      json(res, 200, { access_token: 'at' });
    };
    const before = up.connections;
    const a = await call(up.url);
    const b = await call(up.url);
    expect([text(a), text(b)]).toEqual(['{"access_token":"at"}', '{"access_token":"at"}']);
    expect(up.connections - before).toBeLessThanOrEqual(1);
    expect(seen).toEqual([
      { length: '36', encoding: 'identity' },
      { length: '36', encoding: 'identity' },
    ]);
  });

  it('a connection idle for longer than IDLE_SOCKET_MS is not reused (a frozen Lambda fires no idle timer)', async () => {
    await call(up.url);
    const before = up.connections;
    const wall = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(wall + IDLE_SOCKET_MS + 1);
    expect(text(await call(up.url))).toBe('{"access_token":"at"}');
    expect(up.connections - before).toBe(1);
  });

  it('a reused connection the server had closed: sent once more on a new one; a second reset is the answer', async () => {
    await call(up.url);
    const before = up.connections;
    let requests = 0;
    up.handler = (_req, res, socket) => {
      requests++;
      if (requests === 1) socket.destroy(); // the pooled connection, closed under the client
      else json(res, 200, { access_token: 'fresh' });
    };
    expect(text(await call(up.url))).toBe('{"access_token":"fresh"}');
    expect(up.connections - before).toBe(1);
    expect(requests).toBe(2);

    requests = 0;
    up.handler = (_req, _res, socket) => {
      requests++;
      socket.destroy();
    };
    expect(await call(up.url)).toMatchObject({ outcome: 'network_error', reason: 'ECONNRESET' });
    expect(requests).toBe(2); // the retry once, never a loop
  });
});

describe('failures named by their cause', () => {
  it('nothing listening: ECONNREFUSED', async () => {
    const gone = await startUpstream(() => undefined);
    await gone.close();
    expect(await call(gone.url)).toMatchObject({ outcome: 'network_error', reason: 'ECONNREFUSED' });
  });

  it('an unknown host (RFC 6761 .invalid): ENOTFOUND, or EAI_AGAIN without a resolver', async () => {
    const r = await call('http://token.provider.invalid/token', 3000);
    expect(r.outcome).toBe('network_error');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((r as { reason?: string }).reason);
  });

  it('a reset on a fresh connection: ECONNRESET, not retried', async () => {
    const fresh = await startUpstream((_req, _res, socket) => socket.destroy());
    try {
      expect(await call(fresh.url)).toMatchObject({ outcome: 'network_error', reason: 'ECONNRESET' });
      expect(fresh.connections).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('a reset in the middle of the body: ECONNRESET', async () => {
    up.handler = (_req, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"access_token":');
      setTimeout(() => socket.destroy(), 20);
    };
    expect(await call(up.url)).toMatchObject({ outcome: 'network_error', reason: 'ECONNRESET' });
  });

  it('TLS is verified: a self-signed certificate fails with its TLS code, the host is never trusted by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upstream-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => json(res, 200, { access_token: 'tls' }));
      const port = await listen(server);
      try {
        expect(await call(`https://127.0.0.1:${port}/token`)).toMatchObject({ outcome: 'network_error', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('answers', () => {
  it('a redirect is an answer with its Location, never followed', async () => {
    up.handler = (_req, res) => {
      res.writeHead(302, { location: 'https://login.example.com/', 'content-length': '0' });
      res.end();
    };
    const r = await call(up.url);
    expect(r).toMatchObject({ outcome: 'answered', status: 302 });
    expect((r as { headers: { get(n: string): string | null } }).headers.get('Location')).toBe('https://login.example.com/');
  });

  it('a gzip answer is decoded; one that decodes past the cap is too large', async () => {
    up.handler = (_req, res) => {
      const body = gzipSync(JSON.stringify({ access_token: 'zipped' }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.byteLength });
      res.end(body);
    };
    expect(text(await call(up.url))).toBe('{"access_token":"zipped"}');
    up.handler = (_req, res) => {
      const body = gzipSync(Buffer.alloc(MAX_UPSTREAM_BYTES + 1, 0x20));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.byteLength });
      res.end(body);
    };
    expect(await call(up.url)).toMatchObject({ outcome: 'too_large', status: 200 });
  });

  it('the cap applies to a declared length and to a streamed body', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2048) });
      res.end('x'.repeat(2048));
    };
    expect(await call(up.url, 1000, 1024)).toMatchObject({ outcome: 'too_large', status: 200 });
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 4; i++) res.write('y'.repeat(512));
      res.end();
    };
    expect(await call(up.url, 1000, 1024)).toMatchObject({ outcome: 'too_large', status: 200 });
  });

  it('one timer for headers and body: fast headers and a slow body still time out', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '20' });
      res.write('{"access_token":');
      setTimeout(() => res.end('"x"}'), 600);
    };
    const r = await call(up.url, 200);
    expect(r.outcome).toBe('timeout');
    expect(r.latencyMs).toBeGreaterThanOrEqual(190);
    expect(r.latencyMs).toBeLessThan(600);
  });
});

describe('an injected fetch', () => {
  it('answers in the same shapes, with the cause code of a refused connection', async () => {
    const r = await callUpstream(post(up.url), { timeoutMs: 1000, fetch });
    expect(r).toMatchObject({ outcome: 'answered', status: 200 });
    expect(text(r)).toBe('{"access_token":"at"}');
    const gone = await startUpstream(() => undefined);
    await gone.close();
    expect(await callUpstream(post(gone.url), { timeoutMs: 1000, fetch })).toMatchObject({ outcome: 'network_error', reason: 'ECONNREFUSED' });
  });
});
