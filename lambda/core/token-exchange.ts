/**
 * The token route's core: Alexa's request in, Alexa's answer and one exchange record out.
 * No AWS imports: the Lambda handler and the local server both call this.
 */
import type { RuntimeConfig } from './config';
import { RequestDeadline, STORE_CALL_MAX_MS, WRITE_RESERVE_MS } from './deadline';
import { closeRecord } from '../contract/record';
import { note, verdict, type Verdict } from '../contract/verdicts';
import { httpRecordStart, type ExchangeRecord, type StoreWrite } from './exchange-record';
import { fingerprint, publicFingerprint } from './fingerprint';
import type { HttpRequest } from './http-types';
import { OAuthError, errorAnswer, type HttpAnswer } from './oauth-error';
import type { ProviderProfile } from './profiles/types';
import { boundedOpener, type StoreMeter } from '../store/bounded-store';
import type { WriteOutcome } from '../store/single-flight';
import type { StateStore } from '../store/state-store';
import { clip } from './redact';
import { recordGrantee } from './smart-home/identity';
import { guardRefresh, guardsRefresh } from './refresh-guard';
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
  /** Epoch ms the invocation arrived (before the deployment key wait): the deadline runs from here. Default: now. */
  receivedAt?: number;
  route?: string;
}

export interface ExchangeResult {
  answer: HttpAnswer;
  record: ExchangeRecord;
}

/** Where a token request's time went, beyond the provider call (docs/deadline.md). */
interface Ledger {
  deadline: RequestDeadline;
  store?: StoreMeter;
  waitMs: number;
  writes: { skipped: StoreWrite[]; undone: StoreWrite[]; failed: StoreWrite[] };
}

function newLedger(deadline: RequestDeadline, withStore: boolean): Ledger {
  return { deadline, ...(withStore ? { store: { calls: 0, ms: 0 } } : {}), waitMs: 0, writes: { skipped: [], undone: [], failed: [] } };
}

function noteWrite(ledger: Ledger, name: StoreWrite, outcome: WriteOutcome | undefined): void {
  if (outcome && outcome !== 'written') ledger.writes[outcome].push(name);
}

function upstreamBase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

function baseRecord(req: HttpRequest, deps: TokenExchangeDeps, route: string, start: number): ExchangeRecord {
  return httpRecordStart(req, route, deps.profile.id, start, {
    grantType: undefined,
    clientAuth: undefined,
    clientIdFp: undefined,
    upstream: { url: upstreamBase(deps.config.tokenUrl), method: deps.profile.tokenRequest.method, clientAuth: deps.profile.tokenRequest.clientAuth.method, outcome: 'not_called' as const },
    tokens: {},
    translated: [] as string[],
    response: { status: 0 },
  });
}

function finish(record: ExchangeRecord, answer: HttpAnswer, start: number, now: () => number, ledger?: Ledger): ExchangeResult {
  const end = now();
  const timing = record.timing;
  let elsewhere = timing.upstreamMs;
  if (ledger) {
    timing.deadlineMs = ledger.deadline.budgetMs;
    if (ledger.store && ledger.store.calls > 0) {
      timing.storeCalls = ledger.store.calls;
      timing.storeMs = ledger.store.ms;
      elsewhere += ledger.store.ms;
    }
    if (ledger.waitMs > 0) {
      timing.waitMs = ledger.waitMs;
      elsewhere += ledger.waitMs;
    }
    const { skipped, undone, failed } = ledger.writes;
    if (skipped.length) timing.writesSkipped = skipped;
    if (undone.length) timing.writesUndone = undone;
    if (failed.length) timing.writesFailed = failed;
  }
  closeRecord(record, start, end, elsewhere);
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
  record.verdicts.push(verdict('unknown_route', 'error', `nothing is served at ${clip(record.path, 80)}; the console's Access Token URI must end in /token`));
  return finish(record, errorAnswer(new OAuthError('invalid_request', 'no such endpoint: the Access Token URI ends in /token', { status: 404 })), start, now);
}

const ALEXA_SCHEME_NOTE = {
  basic: note('alexa_auth_basic', 'info'),
  body: note('alexa_auth_body', 'info'),
};

/** RFC 6749 §2.3.1 form-encoding changed the credentials: the first thing to try when the provider says invalid_client. */
const BASIC_FORM_ENCODED_NOTE = verdict(
  'basic_credentials_form_encoded',
  'info',
  'the client id or secret has characters RFC 6749 §2.3.1 form-encodes in the Basic header sent to the provider; a provider that does not form-decode Basic answers invalid_client: then set the profile\'s tokenRequest.clientAuth to {"method":"client_secret_basic","encoding":"raw"}, or choose "HTTP Basic" in the Alexa console so its header is forwarded unchanged',
);

export async function exchangeToken(req: HttpRequest, deps: TokenExchangeDeps, options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const now = deps.now ?? Date.now;
  // Alexa's clock started when the request arrived: time spent before the core (the deployment key) counts.
  const start = Math.min(options.receivedAt ?? Infinity, now());
  // One deadline for the whole request: every store call, the provider call, the writes after it.
  const deadline = RequestDeadline.forToken(start, options.remainingMs, now);
  const ledger = newLedger(deadline, deps.store !== undefined);
  const store = deps.store && boundedOpener(deps.store, { callMaxMs: STORE_CALL_MAX_MS, deadline: deadline.at, now, meter: ledger.store });
  const record = baseRecord(req, deps, options.route ?? 'POST /token', start);
  const done = (answer: HttpAnswer) => finish(record, answer, start, now, ledger);
  let parsed: TokenRequest;
  try {
    parsed = parseTokenRequest(req);
  } catch (err) {
    if (!(err instanceof TokenRequestError)) throw err;
    record.outcome = 'rejected';
    if (err.info.grantType !== undefined) record.grantType = clip(err.info.grantType, 40);
    if (err.info.scheme !== undefined) record.clientAuth = err.info.scheme;
    record.clientIdFp = publicFingerprint(err.info.clientId);
    record.verdicts.push(verdict(err.verdictCode, 'error', `the request was refused before reaching the provider: ${err.description}`));
    return done(errorAnswer(err));
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
  if (parsed.scheme !== 'none') notes.push({ ...ALEXA_SCHEME_NOTE[parsed.scheme] });
  if (parsed.dropped.length > 0) {
    notes.push(verdict('parameters_dropped', 'info', `parameters RFC 6749 does not define for ${parsed.grantType} were not forwarded: ${parsed.dropped.join(', ')}`));
  }

  // Interception mode: a code from our /callback is checked and rewritten (authorize/code-link.ts).
  const alexaVerifier = parsed.params.get('code_verifier');
  const link = await applyCodeLink(parsed, { config: deps.config, store, now });
  if (link.linkId) record.linkId = link.linkId;
  if (link.error) {
    record.outcome = 'rejected';
    record.verdicts = [...link.notes, ...notes];
    return done(errorAnswer(link.error));
  }
  notes.push(...link.notes);
  parsed = link.request;
  const upstreamReq = await prepareUpstreamRequest(deps.profile, deps.config.tokenUrl, parsed, deps.mintClientSecret);
  record.upstream.method = upstreamReq.method;
  record.upstream.clientAuth = upstreamReq.clientAuth;
  if (upstreamReq.basicEncoding) record.upstream.basicEncoding = upstreamReq.basicEncoding;
  if (upstreamReq.basicEncodingMattered) notes.push({ ...BASIC_FORM_ENCODED_NOTE });
  const guarded = parsed.grantType === 'refresh_token' && presentedRefresh !== undefined && presentedRefresh !== '';
  // The provider gets what is left of the deadline (at most upstreamTimeoutMs), minus, when a refresh
  // answer must be written for followers and replays, the time that write needs.
  const reserveMs = guarded && store && guardsRefresh(deps.profile.refresh.rotation) ? WRITE_RESERVE_MS : 0;
  const callAndTranslate = async () => {
    const timeoutMs = deadline.upstreamBudget(deps.config.upstreamTimeoutMs, reserveMs);
    const result = await callUpstream(upstreamReq, { timeoutMs, fetch: deps.fetch, now });
    const t = translateResponse(deps.profile, result, {
      grantType: parsed.grantType,
      presentedRefreshToken: presentedRefresh,
      alexaScheme: parsed.scheme,
      timeoutMs,
      secrets: [code, presentedRefresh, parsed.params.get('code_verifier'), parsed.credentials?.clientSecret, alexaVerifier, parsed.basicToken],
    });
    return { result, t };
  };

  let called: Awaited<ReturnType<typeof callAndTranslate>>;
  if (guarded) {
    // Rotation grace and single-flight (refresh-guard.ts): at most one provider call per refresh token.
    const outcome = await guardRefresh(
      {
        store,
        refreshToken: presentedRefresh,
        clientId: parsed.credentials?.clientId,
        clientSecret: parsed.credentials?.clientSecret,
        graceSeconds: deps.config.refreshGraceSeconds,
        rotation: deps.profile.refresh.rotation,
        deadline: deadline.at,
        now,
      },
      callAndTranslate,
      ({ t }) => ({ answer: t.answer, outcome: t.outcome, verdicts: t.verdicts, tokens: t.tokens }),
    );
    record.refresh = outcome.refresh;
    ledger.waitMs = outcome.sleptMs;
    if (outcome.kind === 'served') {
      record.tokens = { ...record.tokens, ...outcome.served.tokens };
      record.translated = outcome.translated;
      record.outcome = outcome.served.outcome;
      record.verdicts = [...outcome.verdicts, ...outcome.served.verdicts, ...notes];
      return done(outcome.served.answer);
    }
    noteWrite(ledger, 'refresh_answer', outcome.recorded);
    called = outcome.value;
    notes.unshift(...outcome.verdicts);
  } else {
    called = await callAndTranslate();
  }
  const { result, t } = called;
  // Smart home: map the access token Alexa now holds to a stable user key (AcceptGrant's grantee).
  if (deps.config.recordGrantees && t.answer.status === 200) {
    noteWrite(ledger, 'grantee', await recordGrantee(store, { grantType: parsed.grantType, presentedRefreshToken: presentedRefresh, answerBody: t.answer.body, now }));
  }
  record.upstream = { ...record.upstream, ...t.upstream };
  record.timing.upstreamMs = result.latencyMs;
  record.tokens = { ...record.tokens, ...t.tokens };
  record.translated = t.translated;
  record.outcome = t.outcome;
  record.verdicts = [...t.verdicts, ...notes];
  return done(t.answer);
}

/** Last line of defence: an unexpected exception becomes a §5.2 server_error and a record, never a crash. */
export function adapterFailure(req: HttpRequest, deps: TokenExchangeDeps, err: unknown, route = 'POST /token'): ExchangeResult {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, route, start);
  record.outcome = 'adapter_error';
  // Only the error's class name: messages of unexpected errors may carry request data.
  record.verdicts.push(verdict('adapter_error', 'error', `the adapter failed unexpectedly (${err instanceof Error ? err.name : typeof err}); this is a bug, please report it`));
  return finish(record, errorAnswer(new OAuthError('server_error', 'the adapter failed unexpectedly', { status: 500 })), start, now);
}
