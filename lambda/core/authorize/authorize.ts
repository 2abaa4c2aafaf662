/**
 * GET /authorize — Alexa's Web Authorization URI in interception mode.
 *
 * Validation order follows RFC 6749 §4.1.2.1: until redirect_uri (and client_id) are known good,
 * errors are a 400 page and never a redirect (no open redirector, §10.15); after that, errors go
 * back to Alexa's redirect_uri with `error`, `error_description` and Alexa's `state`.
 */
import { fingerprint, publicFingerprint } from '../fingerprint';
import { note, verdict, type CodeOf } from '../../contract/verdicts';
import { parameterNames, responseTypeName } from '../log-values';
import { prose } from '../redact';
import { noteSecret } from '../secret-scope';
import { StoreUnavailableError } from '../../store/state-store';
import { putGrant, type GrantPayload } from './grant-store';
import { alexaLocation, baseRecord, callbackUrl, finish, newLinkId, newState, parseQuery, type AuthorizeLegDeps, type LegResult } from './leg';
import { checkLocalReturn } from './local-return';
import { redirectTo, userPage } from './pages';
import { checkChallenge, type ChallengeCheck, newCodeVerifier, s256Challenge } from './pkce';
import { checkAlexaRedirectUri } from './redirect-uri';

/** Scopes re-joined with the provider's delimiter, the profile's added scopes appended once. */
export function upstreamScope(alexaScope: string | undefined, add: readonly string[], delimiter: ' ' | ','): string | undefined {
  const scopes = (alexaScope ?? '').split(/[ ,]+/).filter(Boolean);
  for (const s of add) if (!scopes.includes(s)) scopes.push(s);
  return scopes.length > 0 ? scopes.join(delimiter) : undefined;
}

export async function handleAuthorize(req: import('../http-types').HttpRequest, deps: AuthorizeLegDeps): Promise<LegResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = baseRecord(req, deps, 'GET /authorize', start);
  // Minted first, so that a refused request's page and record share a reference.
  const linkId = newLinkId();
  record.linkId = linkId;
  const page = (code: CodeOf<'error'>, message: string, kind: 'bad_request' | 'internal' = 'bad_request') => {
    record.outcome = 'rejected';
    record.verdicts.push(verdict(code, 'error', message));
    return finish(record, userPage(kind === 'internal' ? 500 : 400, kind, { detail: message, reference: linkId, time: record.time }), start, now);
  };

  const q = parseQuery(req);
  if (!q.ok) return page('authorize_invalid_request', q.reason);
  const p = q.params;
  const redirectParam = p.get('redirect_uri');
  if (q.repeated.includes('redirect_uri')) return page('redirect_uri_not_alexa', 'redirect_uri was given more than once');
  // Local mode only (deps.localReturnOrigin, never configuration): the link simulator's return URL.
  const local = deps.localReturnOrigin !== undefined ? checkLocalReturn(redirectParam, deps.localReturnOrigin, deps.config.vendorId) : undefined;
  const check = local ?? checkAlexaRedirectUri(redirectParam, { extraHosts: deps.config.extraRedirectHosts, vendorId: deps.config.vendorId });
  if (!check.ok) return page(check.code, check.reason);
  record.redirect = { host: check.host, vendorId: check.vendorId };
  if (local) record.verdicts.push(verdict('redirect_local_simulator', 'info', 'redirect_uri is the local link simulator, accepted in local mode only (a deployment accepts only Alexa\'s redirect URLs)'));
  const clientId = p.get('client_id');
  record.clientIdFp = publicFingerprint(clientId);
  if (!clientId || q.repeated.includes('client_id')) return page('authorize_invalid_request', 'client_id is missing or repeated');

  // From here on errors are redirected to Alexa (RFC 6749 §4.1.2.1), with Alexa's state.
  const alexaState = p.get('state');
  record.alexaStateFp = fingerprint(alexaState);
  const responseType = p.get('response_type');
  if (responseType !== undefined) record.responseType = responseTypeName(responseType);
  const implicit = responseType === 'token';
  const fail = (code: CodeOf<'error'>, error: string, description: string) => {
    record.outcome = 'rejected';
    record.response.to = 'alexa';
    record.response.error = error;
    record.verdicts.push(verdict(code, 'error', description));
    // RFC 6749 §4.2.2.1: implicit-grant errors travel in the fragment too.
    return finish(record, redirectTo(alexaLocation(check.uri, { error, error_description: description, state: alexaState }, implicit)), start, now);
  };
  if (q.repeated.length > 0) return fail('authorize_invalid_request', 'invalid_request', `parameters must not be repeated: ${parameterNames(q.repeated).join(', ')}`);
  if (responseType !== 'code' && responseType !== 'token') {
    // Echoed from a closed set only: what the request put there goes back to Alexa's redirect.
    return fail('unsupported_response_type', 'unsupported_response_type', `response_type must be code (or token for implicit grant), got ${responseType === undefined ? 'none' : `"${responseTypeName(responseType)}"`}`);
  }
  if (!alexaState) return fail('authorize_invalid_request', 'invalid_request', 'state is required: Alexa always sends one, and it must come back unchanged');
  if (alexaState.length > 2048) return fail('authorize_invalid_request', 'invalid_request', 'state is longer than 2048 characters');
  const scope = p.get('scope');
  if (scope !== undefined) record.scope = prose(scope, 200);
  const challenge: ChallengeCheck = implicit ? { ok: true } : checkChallenge(p.get('code_challenge'), p.get('code_challenge_method'));
  if (!challenge.ok) return fail('pkce_challenge_invalid', 'invalid_request', challenge.reason);

  // The configured endpoint, else the resolved profile's default (validated at synth: one of them exists).
  const authorizeUrl = deps.config.authorizeUrl ?? deps.profile.authorizeUrl;
  const store = deps.store;
  if (deps.config.mode !== 'interception' || !authorizeUrl || !store) {
    return page('adapter_error', 'the authorization leg is not configured (mode interception, authorizeUrl and the state table are needed)', 'internal');
  }

  // The provider-side request.
  const shaping = deps.profile.authorize;
  const state = newState();
  record.stateFp = fingerprint(state);
  const usePkce = shaping.pkce !== 'unsupported';
  const verifier = usePkce ? newCodeVerifier() : undefined;
  noteSecret(verifier);
  record.pkce = { alexa: challenge.challenge !== undefined ? challenge.method : 'none', provider: verifier ? 'S256' : 'none' };
  // Implicit grant: the provider gets a code request unless it does implicit itself in the query (profile).
  const upstreamType = implicit && shaping.responseMode === 'query' ? 'token' : 'code';
  const providerRedirectUri = callbackUrl(req);
  const target = new URL(authorizeUrl);
  const sScope = upstreamScope(scope, shaping.addScopes, shaping.scopeDelimiter);
  if (sScope !== undefined) record.upstreamScope = prose(sScope, 200);
  const set: Record<string, string | undefined> = {
    response_type: upstreamType,
    client_id: clientId,
    redirect_uri: providerRedirectUri,
    state,
    scope: sScope,
    ...(verifier && upstreamType === 'code' ? { code_challenge: s256Challenge(verifier), code_challenge_method: 'S256' } : {}),
    ...shaping.extraParams,
  };
  for (const [k, v] of Object.entries(set)) if (v !== undefined) target.searchParams.set(k, v);

  const payload: GrantPayload = {
    alexaState,
    alexaRedirectUri: check.uri,
    responseType,
    clientId,
    ...(scope !== undefined ? { scope } : {}),
    ...(challenge.challenge !== undefined ? { alexaChallenge: challenge.challenge, alexaChallengeMethod: challenge.method } : {}),
    ...(verifier ? { providerVerifier: verifier } : {}),
    providerRedirectUri,
  };
  try {
    await putGrant(await store(), state, linkId, payload, deps.config.grantTtlSeconds, now());
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    return fail('store_unavailable', 'temporarily_unavailable', 'the adapter could not save the linking attempt; try again in a moment');
  }
  record.response.to = 'provider';
  const extras = Object.keys(shaping.extraParams);
  record.verdicts.push(note('authorize_redirected', 'info', { ...(verifier ? { pkce: 'S256' } : {}), ...(extras.length ? { extras: extras.join(', ') } : {}) }));
  return finish(record, redirectTo(target.toString()), start, now);
}
