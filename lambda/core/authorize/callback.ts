/**
 * GET /callback — where the provider sends the browser back (our provider-side redirect_uri).
 *
 * Takes the grant exactly once (a replayed state gets an error page), then redirects to Alexa's
 * original redirect_uri with Alexa's original state: the code (RFC 6749 §4.1.2), or the provider's
 * error (§4.1.2.1). Implicit-grant skills get their parameters in the fragment (§4.2.2, seed tip 2).
 */
import { note, verdict, type CodeOf } from '../../contract/verdicts';
import { fingerprint } from '../fingerprint';
import type { HttpRequest } from '../http-types';
import { OAUTH_ERROR_CODES, tokenTypeName } from '../log-values';
import { prose } from '../redact';
import { noteSecret } from '../secret-scope';
import { translateResponse } from '../translate';
import { callUpstream } from '../upstream-call';
import { buildUpstreamRequest } from '../upstream-request';
import { StoreUnavailableError } from '../../store/state-store';
import { putCodeLink, takeGrant, type GrantPayload } from './grant-store';
import { alexaLocation, baseRecord, finish, newLinkId, parseQuery, type AuthorizeLegDeps, type LegResult } from './leg';
import { redirectTo, userPage, type UserPageKind } from './pages';

/** Parameters of an implicit-grant answer (RFC 6749 §4.2.2), moved to the fragment when a provider puts them in the query. */
const IMPLICIT_PARAMS = ['access_token', 'token_type', 'expires_in', 'scope'] as const;

/** RFC 6749 §4.1.2.1 error codes we pass on as the provider sent them; others become server_error. */
const AUTHORIZE_ERRORS = new Set(['invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable']);

export async function handleCallback(req: HttpRequest, deps: AuthorizeLegDeps): Promise<LegResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, 'GET /callback', start);
  const page = (code: CodeOf<'error'>, kind: UserPageKind, message: string) => {
    record.outcome = 'rejected';
    record.verdicts.push(verdict(code, 'error', message));
    // The attempt's link id when the state names one; otherwise a fresh one, so the page's reference still finds this record.
    record.linkId ||= newLinkId();
    return finish(record, userPage(kind === 'internal' ? 500 : 400, kind, { detail: message, reference: record.linkId, time: record.time }), start, now);
  };

  const q = parseQuery(req);
  if (!q.ok) return page('state_mismatch', 'state_mismatch', `the provider's answer could not be read: ${q.reason}`);
  const p = q.params;
  const state = p.get('state');
  record.stateFp = fingerprint(state);
  if (!state) return page('state_mismatch', 'state_mismatch', 'the provider sent the user back without the state we gave it, so this answer cannot be matched to a linking attempt');
  if (!deps.store) return page('adapter_error', 'internal', 'the adapter has no state table configured');

  let store;
  let found;
  try {
    store = await deps.store();
    found = await takeGrant(store, state, now());
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    return page('store_unavailable', 'unavailable', 'the adapter could not read the linking attempt (state table unavailable); try again in a moment');
  }
  if (found.status === 'unknown') {
    return page('state_mismatch', 'state_mismatch', 'the state the provider sent back does not belong to any linking attempt of this adapter (changed on the way, or from another deployment)');
  }
  if (found.status === 'replayed') {
    record.linkId = found.linkId || undefined;
    return page('state_replayed', 'replayed', 'this provider answer was already used once (the back button, a reload, or a replay); each linking attempt can complete only once');
  }
  if (found.status === 'expired') {
    record.linkId = found.linkId || undefined;
    record.grantAgeS = Math.round((now() - found.createdAt) / 1000);
    return page('grant_expired', 'expired', `the user took ${record.grantAgeS} s between Alexa and the provider's answer; the limit is ${deps.config.grantTtlSeconds} s (grantTtlSeconds)`);
  }

  const grant = found.payload;
  record.linkId = found.linkId;
  record.grantAgeS = Math.round((now() - found.createdAt) / 1000);
  record.responseType = grant.responseType;
  record.alexaStateFp = fingerprint(grant.alexaState);
  noteSecret(grant.providerVerifier);
  const implicit = grant.responseType === 'token';
  const toAlexa = (params: Record<string, string | undefined>) => {
    record.response.to = 'alexa';
    if (params.error) record.response.error = params.error;
    return finish(record, redirectTo(alexaLocation(grant.alexaRedirectUri, { ...params, state: grant.alexaState }, implicit)), start, now);
  };

  const error = p.get('error');
  if (error !== undefined) {
    const code = AUTHORIZE_ERRORS.has(error) ? error : 'server_error';
    // A provider may send a code along with its error and echo it (or our state) in its texts.
    const known = [state, p.get('code')];
    // An OAuth error code as it is; anything else the provider put there only scrubbed and clipped.
    const errorText = OAUTH_ERROR_CODES.has(error) ? error : prose(error, 60, known);
    record.providerError = errorText;
    record.outcome = 'provider_error';
    const description = p.get('error_description');
    const scrubbed = description !== undefined ? prose(description, 300, known) : undefined;
    record.verdicts.push(
      error === 'access_denied'
        ? verdict('provider_denied', 'warn', 'the provider answered error=access_denied: the user declined, or the provider refused this client or scope')
        : verdict('provider_error', 'error', `the provider answered error=${errorText}${scrubbed ? ` (${scrubbed})` : ''}`),
    );
    return toAlexa({ error: code, error_description: scrubbed ?? `the provider answered ${errorText}` });
  }

  // A provider that answers the implicit grant in the query (against RFC 6749 §4.2.2): move to the fragment.
  if (implicit && p.get('access_token')) {
    const moved: Record<string, string | undefined> = {};
    for (const name of IMPLICIT_PARAMS) moved[name] = p.get(name);
    record.tokens = { accessTokenFp: fingerprint(moved.access_token), tokenType: tokenTypeName(moved.token_type) };
    record.verdicts.push(verdict('implicit_params_moved_to_fragment', 'info', 'the provider put the implicit-grant answer in the query; moved to the fragment for Alexa (RFC 6749 §4.2.2)'));
    return toAlexa(moved);
  }

  const code = p.get('code');
  record.codeFp = fingerprint(code);
  if (!code) {
    record.outcome = 'provider_error';
    record.verdicts.push(verdict('callback_missing_code', 'error', 'the provider sent the user back with neither a code nor an error'));
    return toAlexa({ error: 'server_error', error_description: 'the provider returned no authorization code' });
  }
  if (implicit) return implicitExchange(record, grant, code, deps, toAlexa, now);

  try {
    await putCodeLink(
      store,
      code,
      found.linkId,
      {
        alexaRedirectUri: grant.alexaRedirectUri,
        clientId: grant.clientId,
        ...(grant.alexaChallenge ? { alexaChallenge: grant.alexaChallenge, alexaChallengeMethod: grant.alexaChallengeMethod } : {}),
        ...(grant.providerVerifier ? { providerVerifier: grant.providerVerifier } : {}),
        providerRedirectUri: grant.providerRedirectUri,
      },
      deps.config.grantTtlSeconds,
      now(),
    );
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    record.outcome = 'adapter_error';
    record.verdicts.push(verdict('store_unavailable', 'error', 'the code could not be linked to its grant (state table unavailable)'));
    return toAlexa({ error: 'temporarily_unavailable', error_description: 'try linking again in a moment' });
  }
  record.verdicts.push(note('callback_redirected', 'info'));
  return toAlexa({ code });
}

/**
 * Implicit grant (custom skills only): the provider was asked for a code with our PKCE, and the
 * adapter exchanges it here as a public client (client_id + code_verifier, RFC 7636; there is no
 * client secret on the implicit leg), then hands Alexa the access token in the fragment.
 */
async function implicitExchange(
  record: LegResult['record'],
  grant: GrantPayload,
  code: string,
  deps: AuthorizeLegDeps,
  toAlexa: (params: Record<string, string | undefined>) => LegResult,
  now: () => number,
): Promise<LegResult> {
  const params = new Map<string, string>([['code', code], ['redirect_uri', grant.providerRedirectUri]]);
  if (grant.providerVerifier) params.set('code_verifier', grant.providerVerifier);
  const upstreamReq = buildUpstreamRequest(deps.profile, deps.config.tokenUrl, {
    grantType: 'authorization_code',
    params,
    dropped: [],
    credentials: { clientId: grant.clientId },
    scheme: 'body',
  });
  const result = await callUpstream(upstreamReq, { timeoutMs: deps.config.upstreamTimeoutMs, fetch: deps.fetch, now });
  const t = translateResponse(deps.profile, result, { grantType: 'authorization_code', alexaScheme: 'none', timeoutMs: deps.config.upstreamTimeoutMs, secrets: [code, grant.providerVerifier] });
  const u = new URL(deps.config.tokenUrl);
  record.upstream = { url: `${u.origin}${u.pathname}`, method: upstreamReq.method, clientAuth: upstreamReq.clientAuth, ...t.upstream };
  record.timing.upstreamMs = result.latencyMs;
  record.verdicts.push(...t.verdicts.filter((v) => v.code !== 'no_refresh_token'));
  if (t.answer.status !== 200) {
    record.outcome = t.outcome === 'success' ? 'provider_error' : t.outcome;
    const err = t.error?.code ?? 'server_error';
    return toAlexa({ error: err === 'temporarily_unavailable' ? err : 'server_error', error_description: 'the provider refused the code exchange' });
  }
  const body = JSON.parse(t.answer.body) as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  record.tokens = { accessTokenFp: fingerprint(str(body.access_token)), tokenType: tokenTypeName(str(body.token_type)), ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}) };
  record.verdicts.push(note('callback_redirected', 'info', { implicit: true }));
  // RFC 6749 §4.2.2: no refresh token in an implicit-grant answer.
  return toAlexa({ access_token: str(body.access_token), token_type: str(body.token_type), expires_in: str(body.expires_in), scope: str(body.scope) });
}
