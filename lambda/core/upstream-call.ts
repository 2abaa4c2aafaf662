/**
 * Calls the provider with a hard deadline and a cap on the answer's size. Never throws: every
 * way the call can go wrong is a value the translator turns into a §5.2 error with a verdict.
 *
 * On `node:http`/`node:https` (a fetch call costs several times the CPU of the same request on
 * node:http, docs/performance.md), with one keep-alive agent per protocol per container:
 * - one timer covers DNS, connect, TLS, headers and body: the whole answer arrives inside the budget;
 * - redirects are answers (node:http never follows one; the translator names them);
 * - TLS as Node verifies it by default (the system's and Node's CA list, the host name);
 * - a network failure is named by its cause, Node's error code (`ECONNREFUSED`, `ENOTFOUND`,
 *   `ECONNRESET`, `CERT_HAS_EXPIRED`…), never by text the provider sent;
 * - idle connections are reused, but not once they have been idle longer than a server keeps
 *   them (a Lambda frozen between invocations fires no timer, so a socket's idle time is also
 *   checked before it is used); a request on a reused connection that the server had already
 *   closed (reset before any answer) is sent once more on a new one, inside the same budget, as
 *   Node's documentation advises (`request.reusedSocket`).
 * A `fetch` given in the options is used instead (callers that intercept HTTP).
 */
import { networkErrorName } from './network-error';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { UpstreamRequest } from './upstream-request';

/** Largest provider answer we read. Token answers are a few KiB; an id_token can reach ~8 KiB. */
export const MAX_UPSTREAM_BYTES = 256 * 1024;

/**
 * Longest a connection is kept idle for reuse (ms): undici's default keep-alive timeout, below the
 * idle timeouts of common servers and load balancers (Node 5 s, nginx 75 s, AWS ALB 60 s). A
 * server's shorter `Keep-Alive: timeout=` hint wins (Node's agent honours it).
 */
export const IDLE_SOCKET_MS = 4000;

/** The response headers, by case-insensitive name (what the translator reads of an answer). */
export interface HeaderReader {
  get(name: string): string | null;
}

export type UpstreamResult =
  | { outcome: 'answered'; status: number; headers: HeaderReader; body: Uint8Array; latencyMs: number }
  | { outcome: 'timeout'; latencyMs: number }
  | { outcome: 'too_large'; status: number; headers: HeaderReader; latencyMs: number }
  /** `reason`: the cause, for the log: Node's error code when it gave one (ECONNREFUSED, ENOTFOUND, ECONNRESET, a TLS code…), else the error's class (network-error.ts). */
  | { outcome: 'network_error'; reason: string; latencyMs: number };

export interface CallOptions {
  timeoutMs: number;
  /** Use this fetch instead of node:http (callers that intercept HTTP). */
  fetch?: typeof fetch;
  now?: () => number;
  maxBytes?: number;
}

export async function callUpstream(req: UpstreamRequest, options: CallOptions): Promise<UpstreamResult> {
  return options.fetch ? callWithFetch(req, options, options.fetch) : callWithNode(req, options);
}

// --- node:http ------------------------------------------------------------------------------------

/** When each pooled socket went idle (epoch ms). */
const idleSince = new WeakMap<Duplex, number>();

function pooled<A extends HttpAgent>(agent: A): A {
  const keep = agent.keepSocketAlive.bind(agent);
  agent.keepSocketAlive = (socket) => {
    idleSince.set(socket, Date.now());
    return keep(socket);
  };
  return agent;
}

/** One agent per protocol per container: connections to the provider outlive the invocation. */
const agents = {
  http: pooled(new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS })),
  https: pooled(new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS })),
};

/**
 * Destroys pooled sockets idle for `IDLE_SOCKET_MS` or longer: their idle timer may not have fired
 * (a frozen Lambda runs no timers). The stale ones are the oldest, at the front of each free list,
 * where the agent skips destroyed sockets.
 */
function pruneIdle(agent: HttpAgent, wallNow: number): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) if (wallNow - (idleSince.get(socket) ?? 0) >= IDLE_SOCKET_MS) socket.destroy();
  }
}

interface Target {
  url: string;
  https: boolean;
  base: RequestOptions;
}

/** The last URL called, parsed once: a token endpoint is the same for every request of a container. */
let lastTarget: Target | undefined;

function targetOf(url: string): Target {
  if (lastTarget?.url === url) return lastTarget;
  const u = new URL(url);
  const https = u.protocol === 'https:';
  if (!https && u.protocol !== 'http:') throw new TypeError(`unsupported protocol ${u.protocol}`);
  // Brackets off an IPv6 literal: node:http wants the bare address.
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  lastTarget = { url, https, base: { hostname, port: u.port || undefined, path: `${u.pathname}${u.search}`, agent: https ? agents.https : agents.http } };
  return lastTarget;
}

function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const v = headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

/** Errors of a reused connection the server closed while it sat idle: safe to send once more. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : undefined;
}

/** A body in a content coding (RFC 9110 §8.4.1), decoded up to `maxBytes`; undefined: too large. */
function decoded(body: Buffer, coding: string | undefined, maxBytes: number): Buffer | undefined {
  const c = coding?.trim().toLowerCase();
  if (!c || c === 'identity') return body;
  const opts = { maxOutputLength: maxBytes };
  try {
    if (c === 'gzip' || c === 'x-gzip') return gunzipSync(body, opts);
    if (c === 'deflate') return inflateSync(body, opts);
    if (c === 'br') return brotliDecompressSync(body, opts);
  } catch (err) {
    if (errorCode(err) === 'ERR_BUFFER_TOO_LARGE') return undefined;
    return body; // not what it says it is: the translator judges the bytes
  }
  return body;
}

function callWithNode(req: UpstreamRequest, options: CallOptions): Promise<UpstreamResult> {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? MAX_UPSTREAM_BYTES;
  const started = now();
  const latency = () => now() - started;
  return new Promise<UpstreamResult>((resolve) => {
    let settled = false;
    let current: ReturnType<typeof httpRequest> | undefined;
    const finish = (result: UpstreamResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const failed = (err: unknown) => {
      finish({ outcome: 'network_error', reason: networkErrorName(err), latencyMs: latency() });
    };
    // One timer covers DNS, connect, TLS, headers and body: the whole answer must arrive inside the budget.
    const timer = setTimeout(() => {
      finish({ outcome: 'timeout', latencyMs: latency() });
      current?.destroy();
    }, options.timeoutMs);

    let target: Target;
    try {
      target = targetOf(req.url);
    } catch (err) {
      failed(err);
      return;
    }
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...req.headers };
    if (body) headers['content-length'] = String(body.byteLength);

    const send = (again: boolean) => {
      pruneIdle(target.base.agent as HttpAgent, Date.now());
      const r = (target.https ? httpsRequest : httpRequest)({ ...target.base, method: req.method, headers });
      current = r;
      let answered = false;
      r.on('response', (res: IncomingMessage) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const reader = headerReader(res.headers);
        const declared = Number(res.headers['content-length'] ?? NaN);
        const tooLarge = () => {
          finish({ outcome: 'too_large', status, headers: reader, latencyMs: latency() });
          r.destroy();
        };
        if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.byteLength;
          if (total > maxBytes) return tooLarge();
          chunks.push(chunk);
        });
        res.on('end', () => {
          const bytes = decoded(Buffer.concat(chunks, total), reader.get('content-encoding') ?? undefined, maxBytes);
          if (bytes === undefined) return tooLarge();
          finish({ outcome: 'answered', status, headers: reader, body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), latencyMs: latency() });
        });
        res.on('error', failed);
        // Closed before the end of the body (a reset mid-answer).
        res.on('close', () => failed(Object.assign(new Error('connection closed before the end of the answer'), { code: 'ECONNRESET' })));
      });
      r.on('error', (err) => {
        if (settled) return;
        const code = errorCode(err);
        if (!again && !answered && r.reusedSocket && code !== undefined && STALE_CONNECTION.has(code)) return send(true);
        failed(err);
      });
      r.end(body);
    };
    send(false);
  });
}

// --- fetch (injected) -----------------------------------------------------------------------------

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

async function callWithFetch(req: UpstreamRequest, options: CallOptions, doFetch: typeof fetch): Promise<UpstreamResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const res = await doFetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: controller.signal });
    const body = await readCapped(res, options.maxBytes ?? MAX_UPSTREAM_BYTES);
    const latencyMs = now() - started;
    if (body === undefined) return { outcome: 'too_large', status: res.status, headers: res.headers, latencyMs };
    return { outcome: 'answered', status: res.status, headers: res.headers, body, latencyMs };
  } catch (err) {
    const latencyMs = now() - started;
    if (timedOut) return { outcome: 'timeout', latencyMs };
    // fetch wraps the system error, TypeError('fetch failed', { cause }): networkErrorName reads the cause.
    return { outcome: 'network_error', reason: networkErrorName(err), latencyMs };
  } finally {
    clearTimeout(timer);
  }
}
