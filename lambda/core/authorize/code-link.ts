/**
 * Token-time half of interception mode: a code that came through /callback is exchanged upstream
 * with OUR /callback as redirect_uri and OUR PKCE verifier, after Alexa's own values were checked
 * against what Alexa sent on /authorize (RFC 6749 §4.1.3 redirect_uri; RFC 7636 §4.6 verifier).
 * The link is taken exactly once: a replayed code is `invalid_grant` without reaching the provider.
 */
import type { RuntimeConfig } from '../config';
import type { Verdict } from '../exchange-record';
import { OAuthError } from '../oauth-error';
import type { TokenRequest } from '../token-request';
import { StoreUnavailableError, type StateStore } from '../../store/state-store';
import { takeCodeLink } from './grant-store';
import { verifierMatches } from './pkce';

export interface CodeLinkResult {
  request: TokenRequest;
  linkId?: string;
  notes: Verdict[];
  /** Set when the request must be refused here (§5.2 invalid_grant), with the verdict saying why. */
  error?: OAuthError;
}

export async function applyCodeLink(
  parsed: TokenRequest,
  deps: { config: RuntimeConfig; store?: () => Promise<StateStore>; now?: () => number },
): Promise<CodeLinkResult> {
  const code = parsed.params.get('code');
  if (deps.config.mode !== 'interception' || parsed.grantType !== 'authorization_code' || !code || !deps.store) return { request: parsed, notes: [] };
  const now = deps.now ?? Date.now;
  let found;
  try {
    found = await takeCodeLink(await deps.store(), code, now());
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    return {
      request: parsed,
      notes: [{ code: 'store_unavailable', severity: 'error', message: 'the state table could not be read, so the code could not be matched to its /authorize request' }],
      error: new OAuthError('temporarily_unavailable', 'try again in a moment', { status: 503 }),
    };
  }
  const refuse = (verdictCode: string, message: string, description: string, linkId?: string): CodeLinkResult => ({
    request: parsed,
    ...(linkId ? { linkId } : {}),
    notes: [{ code: verdictCode, severity: 'error', message }],
    error: new OAuthError('invalid_grant', description),
  });
  // A code we never saw did not come through /callback (passthrough-style link, or a test code): forwarded as is.
  if (found.status === 'unknown') return { request: parsed, notes: [] };
  if (found.status === 'replayed') {
    return refuse('code_replayed', 'this authorization code was already exchanged once; a code is single-use (RFC 6749 §4.1.2, §10.5)', 'the authorization code was already used', found.linkId);
  }
  if (found.status === 'expired') {
    return refuse('grant_expired', 'the code came through /callback but was exchanged after grantTtlSeconds', 'the authorization code has expired', found.linkId);
  }
  const link = found.payload;
  const alexaRedirect = parsed.params.get('redirect_uri');
  // RFC 6749 §4.1.3: if redirect_uri was in the authorization request, it must be identical here.
  if (alexaRedirect !== link.alexaRedirectUri) {
    return refuse('redirect_uri_mismatch', 'redirect_uri on the token request differs from the one Alexa sent to /authorize (RFC 6749 §4.1.3)', 'redirect_uri does not match the authorization request', found.linkId);
  }
  const verifier = parsed.params.get('code_verifier');
  if (link.alexaChallenge !== undefined) {
    if (!verifierMatches(verifier, link.alexaChallenge, link.alexaChallengeMethod ?? 'plain')) {
      return refuse('pkce_verifier_mismatch', `code_verifier ${verifier === undefined ? 'is missing' : 'does not match'} the code_challenge Alexa sent to /authorize (RFC 7636 §4.6)`, 'PKCE verification failed', found.linkId);
    }
  } else if (verifier !== undefined) {
    return refuse('pkce_verifier_mismatch', 'a code_verifier was sent but /authorize had no code_challenge (RFC 7636 §4.6)', 'PKCE verification failed', found.linkId);
  }
  const params = new Map(parsed.params);
  params.set('redirect_uri', link.providerRedirectUri);
  params.delete('code_verifier');
  if (link.providerVerifier) params.set('code_verifier', link.providerVerifier);
  return {
    request: { ...parsed, params },
    linkId: found.linkId,
    notes: [
      {
        code: 'code_via_callback',
        severity: 'info',
        message: `code from /callback: exchanged with our /callback as redirect_uri${link.providerVerifier ? ' and our PKCE verifier' : ''}${link.alexaChallenge ? "; Alexa's code_verifier matched its challenge" : ''}`,
      },
    ],
  };
}
