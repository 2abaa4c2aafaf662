/**
 * Calls the provider with a hard deadline and a cap on the answer's size. Never throws: every
 * way the call can go wrong is a value the translator turns into a §5.2 error with a verdict.
 */
import { networkErrorName } from './network-error';
import type { UpstreamRequest } from './upstream-request';

/** Largest provider answer we read. Token answers are a few KiB; an id_token can reach ~8 KiB. */
export const MAX_UPSTREAM_BYTES = 256 * 1024;

export type UpstreamResult =
  | { outcome: 'answered'; status: number; headers: Headers; body: Uint8Array; latencyMs: number }
  | { outcome: 'timeout'; latencyMs: number }
  | { outcome: 'too_large'; status: number; headers: Headers; latencyMs: number }
  | { outcome: 'network_error'; reason: string; latencyMs: number };

export interface CallOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
  maxBytes?: number;
}

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
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function callUpstream(req: UpstreamRequest, options: CallOptions): Promise<UpstreamResult> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const started = now();
  const controller = new AbortController();
  let timedOut = false;
  // One timer covers connect, headers and body: the whole answer must arrive inside the budget.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const res = await doFetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const body = await readCapped(res, options.maxBytes ?? MAX_UPSTREAM_BYTES);
    const latencyMs = now() - started;
    if (body === undefined) return { outcome: 'too_large', status: res.status, headers: res.headers, latencyMs };
    return { outcome: 'answered', status: res.status, headers: res.headers, body, latencyMs };
  } catch (err) {
    const latencyMs = now() - started;
    if (timedOut) return { outcome: 'timeout', latencyMs };
    return { outcome: 'network_error', reason: networkErrorName(err), latencyMs };
  } finally {
    clearTimeout(timer);
  }
}
