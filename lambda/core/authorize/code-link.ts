/**
 * Token-time half of interception mode: a code that came through /callback is exchanged upstream
 * with OUR /callback as redirect_uri and OUR PKCE verifier, after Alexa's own values were checked
 * against what Alexa sent on /authorize (RFC 6749 §4.1.3 redirect_uri; RFC 7636 §4.6 verifier).
 *
 * Check first, spend after: the code link is read, Alexa's request is checked against it, and only
 * a request that passes uses it (one conditional write, exactly one winner). A request with the
 * right code and a wrong verifier or redirect_uri is refused without touching the link, so it
 * cannot burn Alexa's code; a replayed code is `invalid_grant` without reaching the provider.
 * Every store call here runs on the request's store, bounded by its deadline (token-exchange.ts).
 */
import type { RuntimeConfig } from '../config';
import { note, verdict, type CodeOf, type Verdict } from '../../contract/verdicts';
import { OAuthError } from '../oauth-error';
import type { TokenRequest } from '../token-request';
import { StoreTimeoutError, StoreUnavailableError, type StateStore } from '../../store/state-store';
import { findCodeLink, useCodeLink, type CodeLinkPayload } from './grant-store';
import { verifierMatches } from './pkce';

export interface CodeLinkResult {
  request: TokenRequest;
  linkId?: string;
  notes: Verdict[];
  /** Set when the request must be refused here (§5.2 invalid_grant), with the verdict saying why. */
  error?: OAuthError;
}

type Refusal = { code: CodeOf<'error'>; message: string; description: string };

/** Alexa's token request against the /authorize request the link remembers; undefined when it matches. */
function mismatch(parsed: TokenRequest, link: CodeLinkPayload): Refusal | undefined {
  const untouched = ' The code link was left unused, so the right request can still exchange the code.';
  // RFC 6749 §4.1.3: if redirect_uri was in the authorization request, it must be identical here.
  if (parsed.params.get('redirect_uri') !== link.alexaRedirectUri) {
    return { code: 'redirect_uri_mismatch', message: `redirect_uri on the token request differs from the one Alexa sent to /authorize (RFC 6749 §4.1.3).${untouched}`, description: 'redirect_uri does not match the authorization request' };
  }
  const verifier = parsed.params.get('code_verifier');
  // RFC 7636 §4.6: the verifier must hash to the challenge of the authorization request.
  if (link.alexaChallenge !== undefined && !verifierMatches(verifier, link.alexaChallenge, link.alexaChallengeMethod ?? 'plain')) {
    return { code: 'pkce_verifier_mismatch', message: `code_verifier ${verifier === undefined ? 'is missing' : 'does not match'} the code_challenge Alexa sent to /authorize (RFC 7636 §4.6).${untouched}`, description: 'PKCE verification failed' };
  }
  if (link.alexaChallenge === undefined && verifier !== undefined) {
    return { code: 'pkce_verifier_mismatch', message: `a code_verifier was sent but /authorize had no code_challenge (RFC 7636 §4.6).${untouched}`, description: 'PKCE verification failed' };
  }
  return undefined;
}

export async function applyCodeLink(
  parsed: TokenRequest,
  deps: { config: RuntimeConfig; store?: () => Promise<StateStore>; now?: () => number },
): Promise<CodeLinkResult> {
  const code = parsed.params.get('code');
  if (deps.config.mode !== 'interception' || parsed.grantType !== 'authorization_code' || !code || !deps.store) return { request: parsed, notes: [] };
  const now = deps.now ?? Date.now;
  const unavailable = (message: string): CodeLinkResult => ({
    request: parsed,
    notes: [verdict('store_unavailable', 'error', message)],
    error: new OAuthError('temporarily_unavailable', 'try again in a moment', { status: 503, headers: { 'retry-after': '1' } }),
  });
  const refuse = (r: Refusal, linkId?: string): CodeLinkResult => ({
    request: parsed,
    ...(linkId ? { linkId } : {}),
    notes: [verdict(r.code, 'error', r.message)],
    error: new OAuthError('invalid_grant', r.description),
  });

  let store: StateStore;
  let found;
  try {
    store = await deps.store();
    found = await findCodeLink(store, code, now());
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    return unavailable('the state table could not be read, so the code could not be matched to its /authorize request; the code was not exchanged');
  }
  // A code we never saw did not come through /callback (passthrough-style link, or a test code): forwarded as is.
  if (found.status === 'unknown') return { request: parsed, notes: [] };
  if (found.status === 'replayed') {
    return refuse({ code: 'code_replayed', message: 'this authorization code was already exchanged once; a code is single-use (RFC 6749 §4.1.2, §10.5)', description: 'the authorization code was already used' }, found.linkId);
  }
  if (found.status === 'expired') {
    return refuse({ code: 'grant_expired', message: 'the code came through /callback but was exchanged after grantTtlSeconds', description: 'the authorization code has expired' }, found.linkId);
  }
  const link = found.payload;
  const wrong = mismatch(parsed, link);
  if (wrong) return refuse(wrong, found.linkId);

  // Checked: now spend it, exactly once (two correct requests racing: one wins, the other is a replay).
  let won: boolean;
  try {
    won = await useCodeLink(store, code, found, now());
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    return unavailable(
      err instanceof StoreTimeoutError && err.started
        ? 'marking the code link used got no answer in time, so the code was not exchanged; if that write landed late, a retry is told the code was already used'
        : 'the state table refused to mark the code link used, so the code was not exchanged; a retry can still exchange it',
    );
  }
  if (!won) {
    return refuse({ code: 'code_replayed', message: 'this authorization code was exchanged by a concurrent request a moment ago; a code is single-use (RFC 6749 §4.1.2, §10.5)', description: 'the authorization code was already used' }, found.linkId);
  }
  const params = new Map(parsed.params);
  params.set('redirect_uri', link.providerRedirectUri);
  params.delete('code_verifier');
  if (link.providerVerifier) params.set('code_verifier', link.providerVerifier);
  return {
    request: { ...parsed, params },
    linkId: found.linkId,
    notes: [
      note('code_via_callback', 'info', { ...(link.providerVerifier ? { ourPkce: true } : {}), ...(link.alexaChallenge ? { alexaPkce: true } : {}) }),
    ],
  };
}
