/**
 * The refresh_rejected verdict carries whatever the profile knows about why a provider's refresh
 * tokens die (refresh.invalidGrantHint) and, for single-use rotation, what the grace window means.
 */
import { describe, expect, it } from 'vitest';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { google } from '../../lambda/core/profiles/google';
import { translateResponse } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';

const invalidGrant = (): UpstreamResult => ({
  outcome: 'answered',
  status: 400,
  headers: new Headers({ 'content-type': 'application/json' }),
  body: new TextEncoder().encode(JSON.stringify({ error: 'invalid_grant', error_description: 'Refresh token revoked' })),
  latencyMs: 5,
});
const ctx = { grantType: 'refresh_token' as const, presentedRefreshToken: 'rt-1', alexaScheme: 'basic' as const, timeoutMs: 4000, secrets: ['rt-1'] };
const rejected = (profile: typeof generic) => translateResponse(profile, invalidGrant(), ctx).verdicts.find((v) => v.code === 'refresh_rejected');

describe('refresh_rejected hints', () => {
  it('generic: the plain message, no hint', () => {
    const v = rejected(generic);
    expect(v?.severity).toBe('error');
    expect(v?.message).toBe('provider rejected the refresh with invalid_grant: the user must link again (invalid_grant: Refresh token revoked)');
  });

  it('google: the 7-day "Testing" expiry', () => {
    expect(rejected(google)?.message).toContain('Likely reason: Google refresh tokens expire after 7 days while the OAuth consent screen is in "Testing"');
  });

  it('any profile hint is used as given (e.g. a 6-month hard cap)', () => {
    const capped = extendProfile(generic, { id: 'capped', displayName: 'Capped', refresh: { invalidGrantHint: 'refresh tokens expire 6 months after the original consent, whatever the refreshes' } });
    expect(rejected(capped)?.message).toContain('Likely reason: refresh tokens expire 6 months after the original consent');
  });

  it('single-use rotation: says a spent token is dead after the grace window', () => {
    const rotating = extendProfile(generic, { id: 'rotating', displayName: 'Rotating', refresh: { rotation: 'single_use' } });
    expect(rejected(rotating)?.message).toContain('refresh tokens are single use');
    expect(rejected(rotating)?.message).toContain('grace window');
  });
});
