/**
 * Login with Amazon token endpoint client: one form POST (Alexa docs: smapi/access-token-api.html),
 * `grant_type=authorization_code` for AcceptGrant, `refresh_token` for renewals, with the skill's
 * Alexa Client Id / Secret in the body. One timer covers connect, headers and body.
 */
import { OAUTH_ERROR_CODES, OTHER } from '../log-values';

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
}

export interface LwaTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
}

export type LwaFailureKind =
  /** 400 invalid_grant: the code expired or was used, or the refresh token was revoked. */
  | 'invalid_grant'
  /** 401 invalid_client (or 400 unauthorized_client): wrong Alexa Client Id / Secret. */
  | 'invalid_client'
  | 'timeout'
  /** Network error, 5xx, HTML, broken JSON, or any other unexpected answer. */
  | 'unavailable';

export interface LwaCallSummary {
  url: string;
  outcome: 'answered' | 'timeout' | 'network_error';
  status?: number;
  /** LWA's `X-Amzn-ErrorType` header (e.g. OA2InvalidGrantException), clipped. */
  errorType?: string;
  /** The RFC 6749 §5.2 `error` code, when the body had one. */
  error?: string;
  latencyMs: number;
}

export type LwaResult =
  | { ok: true; tokens: LwaTokens; expiresIn: number; summary: LwaCallSummary }
  | { ok: false; kind: LwaFailureKind; detail: string; summary: LwaCallSummary };

export interface LwaCallOptions {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const MAX_BODY = 64 * 1024;
const safeCode = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9_.-]{1,60}$/.test(v) ? v : undefined);
/** The §5.2 error code from the closed set of OAuth codes, `other` for anything else. */
const oauthCode = (v: unknown) => (typeof v !== 'string' ? undefined : OAUTH_ERROR_CODES.has(v) ? v : OTHER);

function urlBase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

/** POSTs the grant; never throws. Nothing secret goes into the summary or the detail text. */
export async function callLwa(params: Record<string, string>, creds: LwaCredentials, options: LwaCallOptions): Promise<LwaResult> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const started = now();
  const summary: LwaCallSummary = { url: urlBase(options.url), outcome: 'answered', latencyMs: 0 };
  const body = new URLSearchParams({ ...params, client_id: creds.clientId, client_secret: creds.clientSecret }).toString();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let status: number;
  let text: string;
  try {
    const res = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    status = res.status;
    summary.status = status;
    summary.errorType = safeCode(res.headers.get('x-amzn-errortype')?.split(':')[0]);
    const buf = await res.arrayBuffer();
    text = Buffer.from(buf.byteLength > MAX_BODY ? buf.slice(0, MAX_BODY) : buf).toString('utf8');
  } catch {
    summary.latencyMs = now() - started;
    if (controller.signal.aborted) {
      summary.outcome = 'timeout';
      return { ok: false, kind: 'timeout', detail: `Login with Amazon did not answer within ${options.timeoutMs} ms`, summary };
    }
    summary.outcome = 'network_error';
    return { ok: false, kind: 'unavailable', detail: 'Login with Amazon could not be reached', summary };
  } finally {
    clearTimeout(timer);
  }
  summary.latencyMs = now() - started;

  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const error = oauthCode(json?.error);
  summary.error = error;

  if (status === 200 && json && typeof json.access_token === 'string' && json.access_token !== '' && typeof json.refresh_token === 'string' && json.refresh_token !== '') {
    const raw = Number(json.expires_in);
    const expiresIn = Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 3600; // LWA: 60 minutes (login-with-amazon/access-token.html)
    return { ok: true, tokens: { accessToken: json.access_token, refreshToken: json.refresh_token, expiresAt: now() + expiresIn * 1000 }, expiresIn, summary };
  }
  // RFC 6749 §5.2 error codes; LWA adds X-Amzn-ErrorType (OA2InvalidGrantException for a bad code).
  if (error === 'invalid_grant' || summary.errorType === 'OA2InvalidGrantException') {
    return { ok: false, kind: 'invalid_grant', detail: 'Login with Amazon refused the grant (invalid_grant)', summary };
  }
  if (error === 'invalid_client' || error === 'unauthorized_client' || status === 401) {
    return { ok: false, kind: 'invalid_client', detail: `Login with Amazon refused the client credentials (${error ?? `HTTP ${status}`})`, summary };
  }
  const looksHtml = /^\s*</.test(text);
  const what = status >= 500 ? `HTTP ${status}` : looksHtml ? `an HTML page (HTTP ${status})` : json === undefined ? `a non-JSON answer (HTTP ${status})` : status === 200 ? 'a success without tokens' : `${error ?? 'an error'} (HTTP ${status})`;
  return { ok: false, kind: 'unavailable', detail: `Login with Amazon answered ${what}`, summary };
}
