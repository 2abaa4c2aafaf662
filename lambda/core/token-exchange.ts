/**
 * The token route's core: Alexa's request in, Alexa's answer and one exchange record out.
 * No AWS imports: the Lambda handler and the local server both call this.
 */
import type { RuntimeConfig } from './config';
import { httpRecordStart, type ExchangeRecord, type Verdict } from './exchange-record';
import { fingerprint, publicFingerprint } from './fingerprint';
import type { HttpRequest } from './http-types';
import { OAuthError, errorAnswer, type HttpAnswer } from './oauth-error';
import type { ProviderProfile } from './profiles/types';
import type { StateStore } from '../store/state-store';
import { clip } from './redact';
import { recordGrantee } from './smart-home/identity';
import { guardRefresh } from './refresh-guard';
import { TokenRequestError, parseTokenRequest, type TokenRequest } from './token-request';
import { translateResponse } from './translate';
import { callUpstream } from './upstream-call';
import { prepareUpstreamRequest, type ClientSecretMinter } from './upstream-request';
import { applyCodeLink } from './authorize/code-link';

export interface TokenExchangeDeps {
  config: RuntimeConfig;
  profile: ProviderProfile;
  fetch?: typeof fetch;
  now?: () => number;
  /** Grant and token state, opened on first use; undefined when no table is configured. */
  store?: () => Promise<StateStore>;
  /** Mints the client secret for profiles that need one (Sign in with Apple). */
  mintClientSecret?: ClientSecretMinter;
}

export interface ExchangeOptions {
  /** Time left before the platform kills us (Lambda's getRemainingTimeInMillis). */
  remainingMs?: number;
  route?: string;
}

export interface ExchangeResult {
  answer: HttpAnswer;
  record: ExchangeRecord;
}

/** Time kept back from the Lambda timeout to shape the answer and write the record. */
const SAFETY_MARGIN_MS = 250;
/** A refresh leader's in-progress marker is honoured for the upstream budget plus this (ms). */
const IN_PROGRESS_MARGIN_MS = 1000;

function upstreamBase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

function baseRecord(req: HttpRequest, deps: TokenExchangeDeps, route: string, start: number): ExchangeRecord {
  return {
    ...httpRecordStart(req, route, deps.profile.id, start),
    grantType: undefined,
    clientAuth: undefined,
    clientIdFp: undefined,
    upstream: { url: upstreamBase(deps.config.tokenUrl), method: deps.profile.tokenRequest.method, clientAuth: deps.profile.tokenRequest.clientAuth.method, outcome: 'not_called' },
    tokens: {},
    translated: [],
    response: { status: 0 },
    outcome: 'success',
    timing: { totalMs: 0, upstreamMs: 0, ownMs: 0 },
    verdicts: [],
  };
}

function finish(record: ExchangeRecord, answer: HttpAnswer, start: number, now: () => number): ExchangeResult {
  record.timing.totalMs = now() - start;
  record.timing.ownMs = Math.max(0, record.timing.totalMs - record.timing.upstreamMs);
  record.response.status = answer.status;
  if (answer.status !== 200) {
    try {
      const body = JSON.parse(answer.body) as { error?: string; error_description?: string };
      record.response.error = body.error;
      record.response.errorDescription = body.error_description;
    } catch {
      /* answer bodies are always JSON; nothing to record otherwise */
    }
  }
  return { answer, record };
}

/**
 * A request for a path the adapter does not serve: §5.2-shaped 404 and a record. (A wrong method on
 * /token reaches parseTokenRequest, which answers 405 with `Allow: POST`.)
 */
export function rejectRoute(req: HttpRequest, deps: TokenExchangeDeps): ExchangeResult {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, 'unmatched', start);
  record.outcome = 'rejected';
  record.verdicts.push({ code: 'unknown_route', severity: 'error', message: `nothing is served at ${clip(record.path, 80)}; the console's Access Token URI must end in /token` });
  return finish(record, errorAnswer(new OAuthError('invalid_request', 'no such endpoint: the Access Token URI ends in /token', { status: 404 })), start, now);
}

const ALEXA_SCHEME_NOTE: Record<string, string> = {
  basic: 'Alexa authenticated with HTTP Basic ("HTTP Basic (Recommended)")',
  body: 'Alexa sent the client credentials in the body ("Credentials in request body")',
};

export async function exchangeToken(req: HttpRequest, deps: TokenExchangeDeps, options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, options.route ?? 'POST /token', start);
  let parsed: TokenRequest;
  try {
    parsed = parseTokenRequest(req);
  } catch (err) {
    if (!(err instanceof TokenRequestError)) throw err;
    record.outcome = 'rejected';
    if (err.info.grantType !== undefined) record.grantType = clip(err.info.grantType, 40);
    if (err.info.scheme !== undefined) record.clientAuth = err.info.scheme;
    record.clientIdFp = publicFingerprint(err.info.clientId);
    record.verdicts.push({ code: err.verdictCode, severity: 'error', message: `the request was refused before reaching the provider: ${err.description}` });
    return finish(record, errorAnswer(err), start, now);
  }

  record.grantType = parsed.grantType;
  record.clientAuth = parsed.scheme;
  record.clientIdFp = publicFingerprint(parsed.credentials?.clientId);
  const code = parsed.params.get('code');
  const presentedRefresh = parsed.params.get('refresh_token');
  record.tokens.codeFp = fingerprint(code);
  record.tokens.refreshTokenInFp = fingerprint(presentedRefresh);
  if (parsed.grantType === 'authorization_code') record.tokens.codeVerifierPresent = parsed.params.has('code_verifier');
  const notes: Verdict[] = [];
  if (parsed.scheme !== 'none' && ALEXA_SCHEME_NOTE[parsed.scheme]) {
    notes.push({ code: `alexa_auth_${parsed.scheme}`, severity: 'info', message: ALEXA_SCHEME_NOTE[parsed.scheme]! });
  }
  if (parsed.dropped.length > 0) {
    notes.push({ code: 'parameters_dropped', severity: 'info', message: `parameters RFC 6749 does not define for ${parsed.grantType} were not forwarded: ${parsed.dropped.join(', ')}` });
  }

  // Interception mode: a code from our /callback is checked and rewritten (authorize/code-link.ts).
  const alexaVerifier = parsed.params.get('code_verifier');
  const link = await applyCodeLink(parsed, deps);
  if (link.linkId) record.linkId = link.linkId;
  if (link.error) {
    record.outcome = 'rejected';
    record.verdicts = [...link.notes, ...notes];
    return finish(record, errorAnswer(link.error), start, now);
  }
  notes.push(...link.notes);
  parsed = link.request;
  const upstreamReq = await prepareUpstreamRequest(deps.profile, deps.config.tokenUrl, parsed, deps.mintClientSecret);
  record.upstream.method = upstreamReq.method;
  record.upstream.clientAuth = upstreamReq.clientAuth;
  const elapsed = now() - start;
  const remaining = options.remainingMs !== undefined ? options.remainingMs - elapsed - SAFETY_MARGIN_MS : Infinity;
  const budgetMs = Math.max(50, Math.min(deps.config.upstreamTimeoutMs, remaining));
  const callAndTranslate = async (timeoutMs: number) => {
    const result = await callUpstream(upstreamReq, { timeoutMs, fetch: deps.fetch, now });
    const t = translateResponse(deps.profile, result, {
      grantType: parsed.grantType,
      presentedRefreshToken: presentedRefresh,
      alexaScheme: parsed.scheme,
      timeoutMs,
      secrets: [code, presentedRefresh, parsed.params.get('code_verifier'), parsed.credentials?.clientSecret, alexaVerifier],
    });
    return { result, t };
  };

  let called: Awaited<ReturnType<typeof callAndTranslate>>;
  if (parsed.grantType === 'refresh_token' && presentedRefresh) {
    // Rotation grace and single-flight (refresh-guard.ts): at most one provider call per refresh token.
    const guarded = await guardRefresh(
      {
        store: deps.store,
        refreshToken: presentedRefresh,
        clientId: parsed.credentials?.clientId,
        clientSecret: parsed.credentials?.clientSecret,
        graceSeconds: deps.config.refreshGraceSeconds,
        inProgressMs: deps.config.upstreamTimeoutMs + IN_PROGRESS_MARGIN_MS,
        deadline: now() + budgetMs,
        now,
      },
      callAndTranslate,
      ({ t }) => ({ answer: t.answer, outcome: t.outcome, verdicts: t.verdicts, tokens: t.tokens }),
    );
    record.refresh = guarded.refresh;
    if (guarded.kind === 'served') {
      record.tokens = { ...record.tokens, ...guarded.served.tokens };
      record.translated = guarded.translated;
      record.outcome = guarded.served.outcome;
      record.verdicts = [...guarded.verdicts, ...guarded.served.verdicts, ...notes];
      return finish(record, guarded.served.answer, start, now);
    }
    called = guarded.value;
    notes.unshift(...guarded.verdicts);
  } else {
    called = await callAndTranslate(budgetMs);
  }
  const { result, t } = called;
  // Smart home: map the access token Alexa now holds to a stable user key (AcceptGrant's grantee).
  if (deps.config.recordGrantees && t.answer.status === 200) await recordGrantee(deps.store, { grantType: parsed.grantType, presentedRefreshToken: presentedRefresh, answerBody: t.answer.body, now });
  record.upstream = { ...record.upstream, ...t.upstream };
  record.timing.upstreamMs = result.latencyMs;
  record.tokens = { ...record.tokens, ...t.tokens };
  record.translated = t.translated;
  record.outcome = t.outcome;
  record.verdicts = [...t.verdicts, ...notes];
  return finish(record, t.answer, start, now);
}

/** Last line of defence: an unexpected exception becomes a §5.2 server_error and a record, never a crash. */
export function adapterFailure(req: HttpRequest, deps: TokenExchangeDeps, err: unknown, route = 'POST /token'): ExchangeResult {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, route, start);
  record.outcome = 'adapter_error';
  // Only the error's class name: messages of unexpected errors may carry request data.
  record.verdicts.push({ code: 'adapter_error', severity: 'error', message: `the adapter failed unexpectedly (${err instanceof Error ? err.name : typeof err}); this is a bug, please report it` });
  return finish(record, errorAnswer(new OAuthError('server_error', 'the adapter failed unexpectedly', { status: 500 })), start, now);
}
