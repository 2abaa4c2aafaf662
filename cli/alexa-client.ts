/**
 * Alexa's side of the token leg: the token request exactly as Alexa makes it (Alexa docs:
 * configure-authorization-code-grant, and observed requests): a form POST with the Apache-HttpClient
 * user agent, client credentials in an HTTP Basic header with RFC 6749 §2.3.1 encoding or in the
 * body, as the console's "Your Authentication Scheme" says,
 * timed, and described with every secret replaced by its fingerprint. Shared by the link simulator
 * (local/simulator) and `npx alexa-link-adapter simulate`.
 *
 * Secrets (the client secret, the code, the verifier, tokens) never leave this module in a form that
 * can be printed or serialised: descriptions carry fingerprints, and the raw answer's tokens sit in
 * a `TokenSecrets` object whose private fields JSON.stringify cannot see.
 */
import { basicAuthorization } from '../lambda/core/basic-auth';
import { fingerprint } from '../lambda/core/fingerprint';
import { encodeForm } from '../lambda/core/form';
import { callUpstream } from '../lambda/core/upstream-call';

/** The user agent of Alexa's token requests as captured (alexa-skills-kit-sdk-for-nodejs issue 213). */
export const ALEXA_USER_AGENT = 'Apache-HttpClient/4.5.13 (Java/1.8.0_152)';

/** How long we wait for an answer: past Alexa's 4.5 s, so a slow endpoint's real time can be shown. */
export const OBSERVE_TIMEOUT_MS = 10_000;

/** The console's "Your Authentication Scheme": HTTP Basic (Recommended) or Credentials in request body. */
export type AlexaScheme = 'basic' | 'body';

/** Names whose values are secrets wherever they appear (parameters, answer fields). */
const SECRET_NAMES = new Set(['code', 'client_secret', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'authorization']);

/** One name/value pair as shown to a person: secrets as `fp:…`. */
export interface Shown {
  name: string;
  value: string;
  secret?: true;
}

const show = (name: string, value: string): Shown => (SECRET_NAMES.has(name.toLowerCase()) ? { name, value: fingerprint(value) ?? '(empty)', secret: true } : { name, value });

export interface TokenRequestDescription {
  method: 'POST';
  url: string;
  headers: Shown[];
  params: Shown[];
}

export interface TokenAnswerDescription {
  /** Undefined when no answer came (network error, or no answer within OBSERVE_TIMEOUT_MS). */
  status?: number;
  contentType?: string;
  /** From sending the request to the end of the answer, in ms. */
  elapsedMs: number;
  /** `json` only for a JSON media type whose body is a JSON object: what Alexa accepts. */
  format: 'json' | 'not-json' | 'empty' | 'none';
  /** The answer's fields (JSON, or a form-encoded body), secrets as fingerprints. */
  fields: Shown[];
  /** What went wrong when no answer came. */
  problem?: string;
}

/** The raw tokens of an answer, for the next step only: not enumerable, not serialisable. */
export class TokenSecrets {
  readonly #values: Map<string, string>;
  constructor(values: Map<string, string>) {
    this.#values = values;
  }
  get accessToken(): string | undefined {
    return this.#values.get('access_token');
  }
  get refreshToken(): string | undefined {
    return this.#values.get('refresh_token');
  }
  toJSON(): Record<string, never> {
    return {};
  }
}

export interface TokenExchange {
  request: TokenRequestDescription;
  answer: TokenAnswerDescription;
  secrets: TokenSecrets;
}

export interface AlexaTokenCall {
  tokenUrl: string;
  scheme: AlexaScheme;
  clientId: string;
  clientSecret: string;
  /** grant_type and its parameters (code, redirect_uri, code_verifier; or refresh_token), in Alexa's order. */
  params: [string, string][];
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The authorization_code request (RFC 6749 §4.1.3; PKCE: RFC 7636 §4.5). */
export function codeParams(code: string, redirectUri: string, codeVerifier?: string): [string, string][] {
  return [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', redirectUri], ...(codeVerifier ? ([['code_verifier', codeVerifier]] as [string, string][]) : [])];
}

/** The refresh request (RFC 6749 §6). */
export function refreshParams(refreshToken: string): [string, string][] {
  return [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]];
}

function readAnswer(contentType: string | undefined, bytes: Uint8Array): { format: TokenAnswerDescription['format']; values: Map<string, string> } {
  const text = new TextDecoder().decode(bytes);
  const values = new Map<string, string>();
  if (text.trim() === '') return { format: 'empty', values };
  const mt = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mt === 'application/json' || mt.endsWith('+json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) values.set(k, typeof v === 'string' ? v : JSON.stringify(v));
        return { format: 'json', values };
      }
    } catch {
      /* not JSON after all */
    }
    return { format: 'not-json', values };
  }
  if (mt === 'application/x-www-form-urlencoded' || /^[^\s=&<{]+=[^\s]*$/.test(text.trim())) {
    for (const [k, v] of new URLSearchParams(text.trim())) values.set(k, v);
  }
  return { format: 'not-json', values };
}

/** Sends one token request as Alexa would, and describes it (never throws). */
export async function alexaTokenRequest(call: AlexaTokenCall): Promise<TokenExchange> {
  const params: [string, string][] = [...call.params];
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    'user-agent': ALEXA_USER_AGENT,
  };
  if (call.scheme === 'basic') headers['authorization'] = basicAuthorization({ clientId: call.clientId, clientSecret: call.clientSecret });
  else params.push(['client_id', call.clientId], ['client_secret', call.clientSecret]);
  const url = new URL(call.tokenUrl);
  const request: TokenRequestDescription = {
    method: 'POST',
    url: `${url.origin}${url.pathname}${url.search}`,
    headers: [
      ...Object.entries(headers)
        .filter(([k]) => k !== 'authorization')
        .map(([k, v]) => show(k, v)),
      // RFC 6749 §2.3.1: form-encoded id and secret, base64; shown as the id and the secret's fingerprint.
      ...(headers['authorization'] ? [{ name: 'authorization', value: `Basic (client_id ${call.clientId}, client_secret ${fingerprint(call.clientSecret) ?? '(empty)'})`, secret: true as const }] : []),
    ],
    params: params.map(([k, v]) => show(k, v)),
  };
  const result = await callUpstream(
    { url: call.tokenUrl, method: 'POST', headers, body: encodeForm(params), clientAuth: call.scheme },
    { timeoutMs: call.timeoutMs ?? OBSERVE_TIMEOUT_MS, ...(call.fetch ? { fetch: call.fetch } : {}) },
  );
  if (result.outcome !== 'answered') {
    const problem =
      result.outcome === 'timeout'
        ? `no answer within ${call.timeoutMs ?? OBSERVE_TIMEOUT_MS} ms`
        : result.outcome === 'too_large'
          ? `an answer over 256 KiB (HTTP ${result.status})`
          : `could not connect (${result.reason})`;
    return { request, answer: { ...(result.outcome === 'too_large' ? { status: result.status } : {}), elapsedMs: result.latencyMs, format: 'none', fields: [], problem }, secrets: new TokenSecrets(new Map()) };
  }
  const contentType = result.headers.get('content-type') ?? undefined;
  const { format, values } = readAnswer(contentType, result.body);
  return {
    request,
    answer: { status: result.status, ...(contentType ? { contentType } : {}), elapsedMs: result.latencyMs, format, fields: [...values].map(([k, v]) => show(k, v)) },
    secrets: new TokenSecrets(format === 'json' ? values : new Map()),
  };
}

/** What Alexa did on the token leg of one link: the code exchange, a refresh, and a replay of that refresh. */
export interface TokenLeg {
  codeFp?: string;
  /** The refresh token refreshed (and replayed) with. */
  refreshFp?: string;
  token?: TokenExchange;
  refresh?: TokenExchange;
  replay?: TokenExchange;
  /** The replay sent straight to the provider's own token endpoint: what Alexa would get without the adapter. */
  direct?: TokenExchange;
}

export interface TokenLegOptions {
  tokenUrl: string;
  scheme: AlexaScheme;
  clientId: string;
  clientSecret: string;
  /** The code to exchange (with the redirect_uri it was issued for, and the PKCE verifier if any)... */
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  /** ...or a refresh token to start from (refresh and replay only). */
  refreshToken?: string;
  /** Also replay at this endpoint directly (only the built-in demo provider: a spent token can trip a real provider's reuse detection). */
  directTokenUrl?: string;
  fetch?: typeof fetch;
}

/**
 * Alexa's token leg: the code exchange, then (when a refresh token came back) a refresh, then the same
 * refresh again, as Alexa retries a refresh whose answer it lost (RFC 6749 §6; the seed: refresh tokens
 * must not be invalidated too early).
 */
export async function alexaTokenLeg(o: TokenLegOptions): Promise<TokenLeg> {
  const call = { tokenUrl: o.tokenUrl, scheme: o.scheme, clientId: o.clientId, clientSecret: o.clientSecret, ...(o.fetch ? { fetch: o.fetch } : {}) };
  const leg: TokenLeg = {};
  let refreshToken = o.refreshToken;
  if (o.code !== undefined) {
    leg.codeFp = fingerprint(o.code);
    leg.token = await alexaTokenRequest({ ...call, params: codeParams(o.code, o.redirectUri ?? '', o.codeVerifier) });
    refreshToken = leg.token.answer.status === 200 ? leg.token.secrets.refreshToken : undefined;
  }
  if (!refreshToken) return leg;
  leg.refreshFp = fingerprint(refreshToken);
  leg.refresh = await alexaTokenRequest({ ...call, params: refreshParams(refreshToken) });
  leg.replay = await alexaTokenRequest({ ...call, params: refreshParams(refreshToken) });
  if (o.directTokenUrl) leg.direct = await alexaTokenRequest({ ...call, tokenUrl: o.directTokenUrl, params: refreshParams(refreshToken) });
  return leg;
}
