/**
 * Turns whatever the provider's token endpoint answered into what Alexa accepts: RFC 6749 §5.1
 * (200, JSON, Bearer) or §5.2 (JSON error). Pure: no I/O, no clock, no AWS.
 *
 * Three stages, in the order oauth4webapi's processGenericAccessTokenResponse validates: parse (the
 * transport outcome, the body's syntax, where an error code sits), error mapping (an error body
 * whatever the status, or an HTTP error without one), success normalisation (field by field).
 */
import { note, severityOf, verdict, type Verdict } from '../contract/verdicts';
import type { TokenSummary, UpstreamSummary } from './exchange-record';
import { fingerprint } from './fingerprint';
import { FormParseError, parseForm } from './form';
import { OAUTH_ERROR_CODES, identifierName, mediaTypeName, tokenTypeName } from './log-values';
import { OAuthError, RFC6749_TOKEN_ERRORS, TOKEN_RESPONSE_HEADERS, errorAnswer, invalidClientStatus, type HttpAnswer, type OAuthErrorCode } from './oauth-error';
import { BUILT_IN_PROFILES } from './profiles';
import type { ProviderProfile } from './profiles/types';
import { prose } from './redact';
import { noteSecret } from './secret-scope';
import type { GrantType } from './token-request';
import type { HeaderReader, UpstreamResult } from './upstream-call';

/** Alexa's minimum access-token lifetime (Alexa account-linking FAQ: at least 6 minutes). */
export const ALEXA_MIN_EXPIRES_IN = 360;

export interface TranslateContext {
  grantType: GrantType;
  /** The refresh token Alexa presented (refresh grant), for retention. */
  presentedRefreshToken?: string;
  /** How Alexa authenticated to us: decides the 401 challenge (RFC 6749 §5.2). */
  alexaScheme: 'basic' | 'body' | 'none';
  timeoutMs: number;
  /** Secrets of this request, scrubbed from provider texts. */
  secrets: readonly (string | undefined)[];
}

export interface Translation {
  answer: HttpAnswer;
  outcome: 'success' | 'upstream_error' | 'provider_error';
  upstream: Pick<UpstreamSummary, 'outcome' | 'networkError' | 'status' | 'contentType' | 'bytes' | 'format' | 'latencyMs'>;
  tokens: TokenSummary;
  translated: string[];
  verdicts: Verdict[];
  error?: { code: string; description: string };
}

type BodyFormat = 'json' | 'form' | 'html' | 'xml' | 'text' | 'empty' | 'binary';
type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function mediaType(headers: HeaderReader): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJsonMedia(mt: string): boolean {
  return mt === 'application/json' || mt.endsWith('+json');
}

interface ParsedBody {
  format: BodyFormat;
  value?: Json;
  /** Why a body that claimed a format could not be read as it. */
  problem?: string;
}

function sniff(text: string): BodyFormat {
  const t = text.trimStart();
  if (t === '') return 'empty';
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  if (/^<!doctype html|^<html|^<head|^<body/i.test(t)) return 'html';
  if (t.startsWith('<')) return 'xml';
  if (/^[^\s=&]+=[^\s]*$/.test(t.trim())) return 'form';
  return 'text';
}

function parseBody(profile: ProviderProfile, headers: HeaderReader, bytes: Uint8Array): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { format: 'binary', problem: 'the body is not UTF-8 text' };
  }
  const mt = mediaType(headers);
  let format: BodyFormat;
  if (profile.response.format === 'json') format = text.trim() === '' ? 'empty' : isJsonMedia(mt) ? 'json' : sniff(text);
  else if (profile.response.format === 'form') format = text.trim() === '' ? 'empty' : 'form';
  else format = sniff(text);

  if (format === 'json') {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { format, problem: 'the JSON body is not an object' };
      }
      return { format, value: value as Json };
    } catch {
      return { format, problem: 'the body is not valid JSON' };
    }
  }
  if (format === 'form') {
    try {
      return { format, value: Object.fromEntries(parseForm(text.trim()).params) };
    } catch (err) {
      return { format, problem: err instanceof FormParseError ? `the form body is malformed (${err.message})` : 'the form body is malformed' };
    }
  }
  return { format };
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

function firstString(obj: unknown, paths: readonly string[]): string | undefined {
  return firstStringAt(obj, paths)?.value;
}

/** The first path that holds a non-empty string (or a number), and its value. */
function firstStringAt(obj: unknown, paths: readonly string[]): { path: string; value: string } | undefined {
  for (const p of paths) {
    const v = at(obj, p);
    if (typeof v === 'string' && v !== '') return { path: p, value: v };
    if (typeof v === 'number') return { path: p, value: String(v) };
  }
  return undefined;
}

/**
 * The provider's error code as the log names it: an OAuth code or one of the profile's mapped codes
 * as it is; anything else (free text, an echo) scrubbed and clipped.
 */
function providerCodeText(profile: ProviderProfile, rawCode: string, secrets: TranslateContext['secrets']): string {
  if (OAUTH_ERROR_CODES.has(rawCode) || Object.hasOwn(profile.errors.codeMap, rawCode)) return rawCode;
  return prose(rawCode, 60, secrets);
}

export function translateResponse(profile: ProviderProfile, result: UpstreamResult, ctx: TranslateContext): Translation {
  // The request's secrets (code, verifiers, client secret, refresh token) are scrubbed from everything below.
  noteSecret(...ctx.secrets);
  const draft: Draft = { verdicts: [], translated: [], upstream: { outcome: result.outcome, latencyMs: result.latencyMs } };
  const answer = parseAnswer(profile, result, ctx, draft);
  if (answer.kind === 'failed') return answer.translation;
  if (answer.providerCode !== undefined || answer.predicateFailed) return mapProviderError(profile, ctx, answer, draft);
  if (!answer.ok) return mapHttpError(answer, ctx, draft);
  return normaliseSuccess(profile, ctx, answer, draft);
}

/** What the stages build up: the record's verdicts, the changes made, and what the provider did. */
interface Draft {
  verdicts: Verdict[];
  translated: string[];
  upstream: Translation['upstream'];
}

/** An RFC 6749 §5.2 answer for Alexa, with everything the stages noted. */
function fail(draft: Draft, outcome: Translation['outcome'], code: OAuthErrorCode, description: string, status: number): Translation {
  // A 401 carries the Basic challenge by construction (oauth-error.ts, RFC 9110 §15.5.2).
  const err = new OAuthError(code, description, { status });
  return { answer: errorAnswer(err), outcome, upstream: draft.upstream, tokens: {}, translated: draft.translated, verdicts: draft.verdicts, error: { code, description } };
}

/** A provider answer that arrived and was read: its status, its body, and where an error code sits in it. */
interface ParsedAnswer {
  kind: 'parsed';
  status: number;
  ok: boolean;
  headers: HeaderReader;
  body: ParsedBody;
  /** The body's object (JSON, or form parameters), and the part the profile's envelope names. */
  root?: Json;
  envelope?: unknown;
  /** The provider's error code and the path it was found at, if the body carries one. */
  codeAt?: { path: string; value: string };
  providerCode?: string;
  /** The profile's success predicate (e.g. Withings `status: 0`) does not hold. */
  predicateFailed: boolean;
}

/**
 * Stage 1, parse: the transport outcome (timeout, network error, oversized body: answered here), then
 * the body read in the format the profile and the headers say, then where its error code sits.
 */
function parseAnswer(profile: ProviderProfile, result: UpstreamResult, ctx: TranslateContext, draft: Draft): ParsedAnswer | { kind: 'failed'; translation: Translation } {
  const failed = (code: OAuthErrorCode, description: string, status: number) => ({ kind: 'failed' as const, translation: fail(draft, 'upstream_error', code, description, status) });
  if (result.outcome === 'timeout') {
    draft.verdicts.push(verdict('upstream_timeout', 'error', `the provider did not answer within the ${ctx.timeoutMs} ms budget; Alexa gives up after 4.5 s, so the adapter answered 503 instead (check the provider's latency and region)`));
    return failed('temporarily_unavailable', 'the provider did not answer in time', 503);
  }
  if (result.outcome === 'network_error') {
    const reason = identifierName(result.reason);
    draft.upstream.networkError = reason;
    draft.verdicts.push(verdict('upstream_unreachable', 'error', `the provider's token endpoint could not be reached (${reason}); check tokenUrl and that the provider is up`));
    return failed('temporarily_unavailable', 'the provider could not be reached', 503);
  }
  draft.upstream.status = result.status;
  draft.upstream.contentType = mediaTypeName(result.headers.get('content-type'));
  if (result.outcome === 'too_large') {
    draft.verdicts.push(verdict('upstream_too_large', 'error', `the provider's answer (HTTP ${result.status}) was larger than the adapter reads; a token answer is a few KiB, so this is not one (is tokenUrl right?)`));
    return failed('server_error', 'the provider answered with an oversized body', 502);
  }

  draft.upstream.bytes = result.body.byteLength;
  const body = parseBody(profile, result.headers, result.body);
  draft.upstream.format = body.format;
  const status = result.status;
  // Envelope (Withings `body`), then the error code wherever the profile says it lives.
  const root = body.value;
  const envelope = root && profile.response.envelope ? at(root, profile.response.envelope) : root;
  const codeAt = root ? firstStringAt(root, profile.errors.codePaths) ?? (envelope !== root ? firstStringAt(envelope, profile.errors.codePaths) : undefined) : undefined;
  const predicate = profile.response.successWhen;
  return {
    kind: 'parsed',
    status,
    ok: status >= 200 && status < 300,
    headers: result.headers,
    body,
    root,
    envelope,
    codeAt,
    providerCode: codeAt?.value,
    predicateFailed: root !== undefined && predicate !== undefined && at(root, predicate.path) !== predicate.equals,
  };
}

/**
 * Stage 2a, error mapping: a body that carries an error (whatever the status) becomes an RFC 6749
 * §5.2 error with the provider's code mapped to an RFC code and a status Alexa understands.
 */
function mapProviderError(profile: ProviderProfile, ctx: TranslateContext, a: ParsedAnswer, draft: Draft): Translation {
  const { status, ok, body, root, codeAt } = a;
  const { translated } = draft;
  const rawCode = a.providerCode ?? 'unknown_error';
  // Own keys only: a provider code such as "constructor" must not find Object.prototype members.
  const mapped = (Object.hasOwn(profile.errors.codeMap, rawCode) ? profile.errors.codeMap[rawCode] : undefined) ?? (RFC6749_TOKEN_ERRORS.has(rawCode) ? (rawCode as OAuthErrorCode) : undefined);
  const code: OAuthErrorCode = mapped ?? (status >= 500 ? 'temporarily_unavailable' : 'invalid_grant');
  // The provider's own words are kept only scrubbed and clipped (Withings and Fitbit put free text in `error`).
  const codeText = providerCodeText(profile, rawCode, ctx.secrets);
  const rawDescription = firstString(root, profile.errors.descriptionPaths) ?? '';
  const description = rawDescription ? prose(rawDescription, 200, ctx.secrets) : `the provider answered ${codeText}`;
  if (ok) {
    draft.verdicts.push(verdict('error_in_success_status', 'info', `the provider answered HTTP ${status} with an error body (${codeText}); translated to an RFC 6749 §5.2 error so Alexa sees the failure`));
    translated.push(`status ${status} → 400 (error body)`);
  }
  // Profiles may read the code from a non-RFC place (Fitbit `errors.0.errorType`): say where it came from.
  if (codeAt !== undefined && codeAt.path !== 'error') translated.push(`error taken from ${codeAt.path}`);
  if (mapped === undefined || mapped !== rawCode) {
    translated.push(`error ${codeText} → ${code}`);
  }
  if (body.format === 'form') translated.push('form → JSON');
  draft.verdicts.push(providerErrorVerdict(profile, ctx, code, codeText, description));
  let outStatus = (Object.hasOwn(profile.errors.statusMap, String(status)) ? profile.errors.statusMap[String(status)] : undefined) ?? 400;
  if (code === 'temporarily_unavailable' || code === 'server_error') outStatus = 503;
  // RFC 6749 §5.2: invalid_client answers 401 + WWW-Authenticate when Alexa used Basic, else 400 (RFC 9110 §15.5.2).
  if (code === 'invalid_client') outStatus = invalidClientStatus(ctx.alexaScheme);
  if (!ok && outStatus !== status) translated.push(`status ${status} → ${outStatus}`);
  return fail(draft, 'provider_error', code, description, outStatus);
}

/** Stage 2b, error mapping: a non-2xx answer without an error body (a redirect, a page, a bare 401 or 5xx). */
function mapHttpError(a: ParsedAnswer, ctx: TranslateContext, draft: Draft): Translation {
  const { status, body } = a;
  if (status >= 300 && status < 400) {
    const location = a.headers.get('location');
    let host = '';
    try {
      host = location ? new URL(location).host : '';
    } catch {
      host = '';
    }
    draft.verdicts.push(verdict('upstream_redirect', 'error', `the provider answered a redirect (HTTP ${status}${host ? ` to ${prose(host, 80)}` : ''}) instead of tokens; tokenUrl is probably outdated or the login page, not the token endpoint`));
  } else if (body.format === 'html') {
    draft.verdicts.push(verdict('upstream_html', 'error', `the provider answered HTTP ${status} with an HTML page, not a token response: check tokenUrl points at the token endpoint`));
  } else if (status === 401) {
    draft.verdicts.push(verdict('upstream_unauthorized', 'error', 'the provider answered 401 without an OAuth error: the client id or secret Alexa sent is wrong, or the provider wants another client-authentication method'));
    return fail(draft, 'provider_error', 'invalid_client', 'the provider rejected the client credentials', invalidClientStatus(ctx.alexaScheme));
  } else {
    draft.verdicts.push(verdict(status >= 500 ? 'upstream_5xx' : 'upstream_http_error', 'error', `the provider answered HTTP ${status} (${body.format}) without an OAuth error body${status === 404 ? ': tokenUrl is wrong' : ''}`));
  }
  return status >= 500 || status === 429
    ? fail(draft, 'upstream_error', 'temporarily_unavailable', `the provider answered HTTP ${status}`, 503)
    : fail(draft, 'upstream_error', 'server_error', `the provider answered HTTP ${status}`, 502);
}

/**
 * Stage 3, success normalisation: a 2xx answer becomes what Alexa accepts (RFC 6749 §5.1: 200, JSON,
 * Bearer, a numeric expires_in, a refresh token kept), each change noted and each oddity a verdict.
 */
function normaliseSuccess(profile: ProviderProfile, ctx: TranslateContext, a: ParsedAnswer, draft: Draft): Translation {
  const { status, body, root, envelope } = a;
  const { verdicts, translated } = draft;
  if (!root) {
    const what =
      body.problem ??
      (body.format === 'html' ? 'an HTML page' : body.format === 'empty' ? 'an empty body' : body.format === 'xml' ? 'XML' : 'plain text');
    const code = body.format === 'json' ? 'upstream_invalid_json' : body.format === 'html' ? 'upstream_html' : 'upstream_unreadable';
    verdicts.push(verdict(code, 'error', `the provider answered HTTP ${status} but ${body.problem ? body.problem : `with ${what}`}; no tokens could be read`));
    return fail(draft, 'upstream_error', 'server_error', 'the provider answered with an unreadable body', 502);
  }

  let tokens: Json = (envelope && typeof envelope === 'object' ? envelope : root) as Json;
  if (envelope !== root) translated.push(`unwrapped ${profile.response.envelope}`);
  if (profile.response.nestedTokens) {
    const nested = at(tokens, profile.response.nestedTokens);
    if (nested && typeof nested === 'object' && typeof (nested as Json).access_token === 'string') {
      tokens = nested as Json;
      translated.push(`tokens taken from ${profile.response.nestedTokens}`);
    }
  }
  const accessToken = tokens.access_token;
  // What the provider issued is secret too: scrubbed from every text of this request's record.
  noteSecret(typeof accessToken === 'string' ? accessToken : undefined, typeof tokens.refresh_token === 'string' ? tokens.refresh_token : undefined, typeof tokens.id_token === 'string' ? tokens.id_token : undefined);
  if (typeof accessToken !== 'string' || accessToken === '') {
    verdicts.push(verdict('missing_access_token', 'error', `the provider answered HTTP ${status} without an access_token`));
    return fail(draft, 'upstream_error', 'server_error', 'the provider answered without an access token', 502);
  }

  if (status !== 200) {
    translated.push(`status ${status} → 200`);
    verdicts.push(note('success_status_normalized', 'info', { status }));
  }
  if (body.format === 'form') {
    translated.push('form → JSON');
    verdicts.push(note('upstream_form_encoded', 'info'));
  }
  const mt = mediaType(a.headers);
  if ((body.format === 'json' && !isJsonMedia(mt)) || (body.format === 'form' && mt !== 'application/x-www-form-urlencoded')) {
    verdicts.push(verdict('content_type_mismatch', 'info', `the provider labelled a ${body.format} body as "${mediaTypeName(mt) ?? 'nothing'}"; the adapter read the body as it is`));
  }

  const out: Json = {};
  out.access_token = accessToken;
  // token_type (RFC 6749 §5.1: required, case-insensitive); Alexa supports Bearer.
  const tokenType = tokens.token_type;
  if (typeof tokenType !== 'string' || tokenType === '') {
    translated.push('token_type → Bearer (missing)');
    verdicts.push(note('token_type_defaulted', 'info'));
  } else if (tokenType !== 'Bearer') {
    translated.push(`token_type ${tokenTypeName(tokenType)} → Bearer`);
    if (tokenType.toLowerCase() !== 'bearer') {
      verdicts.push(verdict('token_type_replaced', 'warn', `the provider's token_type "${tokenTypeName(tokenType)}" was replaced by Bearer, the only type Alexa supports`));
    }
  }
  out.token_type = 'Bearer';

  const expiresIn = normaliseExpiry(profile, tokens, translated, verdicts);
  if (expiresIn !== undefined) out.expires_in = expiresIn;

  let refreshToken = typeof tokens.refresh_token === 'string' && tokens.refresh_token !== '' ? tokens.refresh_token : undefined;
  if (refreshToken === undefined) {
    if (ctx.grantType === 'refresh_token' && ctx.presentedRefreshToken) {
      refreshToken = ctx.presentedRefreshToken;
      translated.push('refresh_token retained');
      verdicts.push(note('refresh_token_retained', 'info'));
    } else if (ctx.grantType === 'authorization_code') {
      verdicts.push(note('no_refresh_token', 'warn', { ...(expiresIn !== undefined ? { expiresIn } : {}), ...ownHint(profile) }));
    }
  } else if (ctx.grantType === 'refresh_token' && refreshToken !== ctx.presentedRefreshToken) {
    // A built-in profile's rotation is rendered by the CLI from the profile the record names.
    verdicts.push(note('refresh_token_rotated', 'info', profile.refresh.rotation === 'single_use' && BUILT_IN_PROFILES[profile.id]?.refresh.rotation !== 'single_use' ? { singleUse: true } : {}));
  }
  if (refreshToken !== undefined) out.refresh_token = refreshToken;

  const scope = normaliseScope(profile, tokens.scope, translated);
  if (scope !== undefined) out.scope = scope;

  // Empty or non-string error members (`"error": null`) were judged "no error" above; they must not
  // reach Alexa inside a success answer.
  const handled = new Set(['expires_in', 'refresh_token', 'scope', 'error', 'error_description', 'error_uri']);
  if (profile.fields.expiresAtField) handled.add(profile.fields.expiresAtField);
  for (const [k, v] of Object.entries(tokens)) {
    if (!handled.has(k) && !Object.hasOwn(out, k)) out[k] = v;
  }

  if (verdicts.every((v) => severityOf(v) === 'info')) {
    verdicts.push(note('ok', 'info')); // which grant: the record's grantType
  }
  return {
    answer: { status: 200, headers: { ...TOKEN_RESPONSE_HEADERS }, body: JSON.stringify(out) },
    outcome: 'success',
    upstream: draft.upstream,
    tokens: {
      accessTokenFp: fingerprint(accessToken),
      refreshTokenOutFp: fingerprint(refreshToken),
      tokenType: typeof tokenType === 'string' ? tokenTypeName(tokenType) : undefined,
      ...(expiresIn !== undefined ? { expiresIn } : {}),
      ...(scope !== undefined ? { scope: prose(scope, 200, [accessToken, refreshToken, typeof tokens.id_token === 'string' ? tokens.id_token : undefined]) } : {}),
      idTokenPresent: typeof tokens.id_token === 'string',
    },
    translated,
    verdicts,
  };
}

/**
 * no_refresh_token's fix (and refresh_token_rotated's single use, above): a built-in profile's hint is rendered by the CLI from the profile the
 * record names (`provider`); only a custom profile's own hint is written into the record.
 */
function ownHint(profile: ProviderProfile): { hint?: string } {
  const hint = profile.refresh.noRefreshTokenHint;
  return hint && hint !== BUILT_IN_PROFILES[profile.id]?.refresh.noRefreshTokenHint ? { hint: prose(hint, 300) } : {};
}

function normaliseExpiry(profile: ProviderProfile, tokens: Json, translated: string[], verdicts: Verdict[]): number | undefined {
  const raw = tokens.expires_in;
  let value: number | undefined;
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    value = Math.floor(raw);
  } else if (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    value = Math.floor(Number(raw));
    translated.push('expires_in string → number');
  } else if (raw !== undefined && raw !== null) {
    verdicts.push(verdict('expires_in_invalid', 'warn', `the provider's expires_in (${typeof raw === 'string' ? `"${prose(raw, 30)}"` : `a JSON ${Array.isArray(raw) ? 'array' : typeof raw}`}) is not a number; it was dropped`));
  }
  if (value !== undefined && value <= 0) {
    verdicts.push(verdict('expires_in_invalid', 'warn', `the provider's expires_in ${value} is not positive; it was dropped`));
    value = undefined;
  }
  const atField = profile.fields.expiresAtField;
  if (value === undefined && atField) {
    // Absolute expiry needs a clock; the caller's record time is close enough, so use Date here only.
    const at = Number(tokens[atField]);
    if (Number.isFinite(at) && at > 0) {
      const left = Math.floor(at - Date.now() / 1000);
      // A moment already past would tell Alexa the token is dead on arrival: dropped, Alexa's default applies.
      if (left > 0) {
        value = left;
        translated.push(`${atField} → expires_in`);
      } else {
        verdicts.push(verdict('expires_in_invalid', 'warn', `the provider's ${prose(atField, 40)} lies in the past; it was dropped`));
      }
    }
  }
  if (value === undefined && profile.fields.defaultExpiresIn !== undefined) {
    value = profile.fields.defaultExpiresIn;
    translated.push(`expires_in ${value} synthesised`);
    verdicts.push(note('expires_in_synthesised', 'info', { expiresIn: value }));
  }
  if (value === undefined) {
    verdicts.push(note('no_expires_in', 'info'));
  } else if (value < ALEXA_MIN_EXPIRES_IN) {
    verdicts.push(verdict('expires_in_short', 'warn', `expires_in ${value} s is below Alexa's 6-minute minimum: raise the provider's access-token lifetime to at least 360 s (an hour is recommended)`));
  }
  return value;
}

function normaliseScope(profile: ProviderProfile, raw: unknown, translated: string[]): string | undefined {
  if (Array.isArray(raw)) {
    translated.push('scope array → space-delimited');
    return raw.filter((s) => typeof s === 'string').join(' ');
  }
  if (typeof raw !== 'string') return undefined;
  // RFC 6749 §3.3: scope is a space-delimited list.
  if (profile.fields.responseScopeDelimiter === ',' && raw.includes(',')) {
    translated.push('scope comma → space');
    return raw.split(',').map((s) => s.trim()).filter(Boolean).join(' ');
  }
  return raw;
}

function providerErrorVerdict(profile: ProviderProfile, ctx: TranslateContext, code: OAuthErrorCode, rawCode: string, description: string): Verdict {
  const said = `${rawCode}${description ? `: ${description}` : ''}`;
  if (code === 'invalid_grant' && ctx.grantType === 'refresh_token') {
    return verdict('refresh_rejected', 'error', `provider rejected the refresh with invalid_grant: the user must link again (${said})${profile.refresh.invalidGrantHint ? `. Likely reason: ${profile.refresh.invalidGrantHint}` : ''}${profile.refresh.rotation === 'single_use' ? '. This provider\'s refresh tokens are single use: a token already spent by an earlier refresh is dead once the rotation grace window has passed' : ''}`);
  }
  if (code === 'invalid_grant') {
    return verdict('code_rejected', 'error', `provider rejected the authorization code (${said}): it expired, was already used, or redirect_uri differs from the one on the authorize request`);
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return verdict('client_rejected', 'error', `provider rejected the client (${said}): check the Client ID and Client Secret in the Alexa console, and the client-authentication method the provider expects`);
  }
  return verdict('provider_error', 'error', `provider answered ${said}`);
}
