/**
 * Alexa's side of the token leg, for tests: sends the token request the way Alexa does
 * (Alexa docs: configure-authorization-code-grant and observed requests: form POST, Apache-HttpClient,
 * credentials in an HTTP Basic header or in the body), and runs the adapter on loopback with its exchange records captured.
 */
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { startLocalAdapter } from '../../local/adapter';
import { readBack } from './read-back';

export const ALEXA_REDIRECT_URI = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';
export const ALEXA_USER_AGENT = 'Apache-HttpClient/4.5.13 (Java/1.8.0_152)';

export interface TokenCall {
  scheme: 'basic' | 'body' | 'none';
  clientId?: string;
  clientSecret?: string;
  params: Record<string, string>;
  /** Replaces the form body built from params (raw bytes or text). */
  rawBody?: string | Uint8Array;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

/** RFC 6749 §2.3.1 Basic, built independently of the adapter's own encoder. */
export function rfcBasic(clientId: string, clientSecret: string): string {
  const enc = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`, 'utf8').toString('base64')}`;
}

export interface TokenAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export async function alexaTokenRequest(baseUrl: string, call: TokenCall): Promise<TokenAnswer> {
  const params = { ...call.params };
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
    'user-agent': ALEXA_USER_AGENT,
  };
  if (call.scheme === 'basic') headers['authorization'] = rfcBasic(call.clientId ?? '', call.clientSecret ?? '');
  if (call.scheme === 'body') {
    if (call.clientId !== undefined) params['client_id'] = call.clientId;
    if (call.clientSecret !== undefined) params['client_secret'] = call.clientSecret;
  }
  Object.assign(headers, call.headers ?? {});
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  const method = call.method ?? 'POST';
  const raw = call.rawBody ?? new URLSearchParams(params).toString();
  const body = method === 'GET' || method === 'HEAD' ? undefined : typeof raw === 'string' ? raw : new Uint8Array(raw);
  const res = await fetch(`${baseUrl}${call.path ?? '/token'}`, { method, headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface TestAdapter {
  url: string;
  records: ExchangeRecord[];
  close(): Promise<void>;
}

export async function startTestAdapter(config: { provider: string; tokenUrl: string; upstreamTimeoutMs?: number; profile?: unknown }): Promise<TestAdapter> {
  const records: ExchangeRecord[] = [];
  const running = await startLocalAdapter({
    config: parseRuntimeConfig(config, 'test'),
    log: (r) => records.push(readBack<ExchangeRecord>(r)),
  });
  return { url: running.url, records, close: () => running.close() };
}

export function verdictCodes(record: ExchangeRecord | undefined): string[] {
  return (record?.verdicts ?? []).map((v) => v.code);
}

/** Asserts the RFC 6749 §5.1 headers (no-store, no-cache, JSON). */
export function tokenHeadersOf(headers: Headers): { contentType: string; cacheControl: string; pragma: string } {
  return {
    contentType: (headers.get('content-type') ?? '').split(';')[0]!.trim(),
    cacheControl: headers.get('cache-control') ?? '',
    pragma: headers.get('pragma') ?? '',
  };
}
