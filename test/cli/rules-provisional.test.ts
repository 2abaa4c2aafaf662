/**
 * PROVISIONAL: rules for routes that are not on this branch yet (authorize/callback, refresh safety,
 * AcceptGrant, directives, Event Gateway). The records here are minimal RecordBase envelopes carrying
 * the verdict codes agreed across the team; they are to be REPLACED by rows in scenarios.ts run
 * through the real handlers once those branches are merged.
 */
import { describe, expect, it } from 'vitest';
import type { RecordBase, Severity } from '../../lambda/core/exchange-record';
import type { LogRecord } from '../../cli/records';
import { RULES, diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';

let seq = 0;
function rec(route: string, outcome: string, code: string, severity: Severity = 'error', extra: Record<string, unknown> = {}): LogRecord {
  seq++;
  const base: RecordBase = {
    type: 'alexa-link-adapter.exchange',
    v: 1,
    time: new Date(Date.parse('2026-11-25T10:00:00Z') + seq * 1000).toISOString(),
    requestId: `prov-${seq}`,
    linkId: 'link-prov',
    route,
    outcome,
    timing: { totalMs: 20, upstreamMs: 10, ownMs: 10 },
    verdicts: [{ code, severity, message: `${code} happened` }],
  };
  return { ...base, ...extra } as LogRecord;
}

const CASES: [string, string, LogRecord][] = [
  ['state changed', 'state_changed', rec('GET /callback', 'rejected', 'state_mismatch')],
  ['state replayed', 'state_changed', rec('GET /callback', 'rejected', 'state_replayed')],
  ['redirect_uri not Alexa', 'redirect_uri', rec('GET /authorize', 'rejected', 'redirect_uri_not_alexa')],
  ['redirect_uri mismatch at the token leg', 'redirect_uri', rec('POST /token', 'rejected', 'redirect_uri_mismatch')],
  ['vendor id mismatch', 'redirect_uri', rec('GET /authorize', 'rejected', 'vendor_id_mismatch')],
  ['code replayed', 'code_rejected', rec('POST /token', 'rejected', 'code_replayed')],
  ['PKCE verifier mismatch', 'code_rejected', rec('POST /token', 'rejected', 'pkce_verifier_mismatch')],
  ['grant expired', 'grant_expired', rec('GET /callback', 'rejected', 'grant_expired')],
  ['provider denied', 'provider_denied', rec('GET /callback', 'provider_error', 'provider_denied')],
  ['malformed authorize', 'authorize_refused', rec('GET /authorize', 'rejected', 'unsupported_response_type')],
  ['single-flight timeout', 'refresh_single_flight', rec('POST /token', 'success', 'refresh_single_flight_timeout', 'warn')],
  ['store degraded', 'refresh_single_flight', rec('POST /token', 'success', 'refresh_store_degraded', 'warn')],
  ['AcceptGrant wrong Alexa client', 'accept_grant_credentials', rec('AcceptGrant', 'provider_error', 'accept_grant_lwa_invalid_client')],
  ['AcceptGrant code expired', 'accept_grant_code_expired', rec('AcceptGrant', 'provider_error', 'accept_grant_lwa_invalid_grant')],
  ['AcceptGrant secret missing', 'accept_grant_failed', rec('AcceptGrant', 'adapter_error', 'accept_grant_secret_missing')],
  ['gateway skill disabled', 'gateway_forbidden', rec('POST /events', 'provider_error', 'gateway_skill_disabled')],
  ['gateway never enabled (wrong region)', 'gateway_forbidden', rec('POST /events', 'provider_error', 'gateway_skill_never_enabled')],
  ['gateway permission off', 'gateway_forbidden', rec('POST /events', 'provider_error', 'gateway_insufficient_permission')],
  ['gateway no tokens', 'gateway_failed', rec('POST /events', 'rejected', 'gateway_no_tokens')],
  ['LWA revoked', 'gateway_failed', rec('lwa_refresh', 'provider_error', 'lwa_revoked')],
  ['directive without target', 'directive_failed', rec('directive', 'rejected', 'directive_no_target')],
];

describe('PROVISIONAL rules for routes not on this branch (replace with generated fixtures after the merge)', () => {
  it.each(CASES)('%s → %s', (_n, rule, r) => {
    const d = diagnose(groupTimelines([r]));
    expect(d.findings.map((f) => f.rule)).toEqual([rule]);
    expect(d.findings[0]!.evidence[0]).toContain(r.time);
  });

  it('implicit-grant parameters moved to the fragment are reported as handled', () => {
    const d = diagnose(groupTimelines([rec('GET /callback', 'success', 'implicit_params_moved_to_fragment', 'warn')]));
    expect(d.findings).toEqual([]);
    expect(d.handled.map((f) => f.rule)).toEqual(['implicit_params_in_query']);
  });

  it('healthy smart-home link: authorize → callback → token → AcceptGrant → gateway, no findings', () => {
    const ok = ['authorize_redirected', 'callback_redirected', 'ok', 'accept_grant_ok', 'gateway_accepted'];
    const routes = ['GET /authorize', 'GET /callback', 'POST /token', 'AcceptGrant', 'POST /events'];
    const recs = routes.map((route, i) => rec(route, 'success', ok[i]!, 'info'));
    const ts = groupTimelines(recs);
    expect(ts).toHaveLength(1);
    expect(ts[0]!.records.map((r) => r.route)).toEqual(routes);
    expect(diagnose(ts)).toEqual({ findings: [], handled: [] });
  });

  it('AcceptGrant joins the token exchange through granteeTokenFp when there is no linkId', () => {
    const token = rec('POST /token', 'success', 'ok', 'info', { linkId: undefined, tokens: { codeFp: 'fp:aaaaaaaaaaaa', accessTokenFp: 'fp:bbbbbbbbbbbb' } });
    const grant = rec('AcceptGrant', 'provider_error', 'accept_grant_lwa_invalid_client', 'error', { linkId: undefined, granteeTokenFp: 'fp:bbbbbbbbbbbb', clientIdFp: 'fp:cccccccccccc' });
    const other = rec('POST /token', 'success', 'ok', 'info', { linkId: undefined, clientIdFp: 'fp:cccccccccccc', tokens: { codeFp: 'fp:dddddddddddd' } });
    const ts = groupTimelines([token, grant, other]);
    // The shared clientIdFp does not join different users' links.
    expect(ts.map((t) => t.records.length)).toEqual([2, 1]);
    expect(ts[0]!.id).toBe('fp:aaaaaaaaaaaa');
  });

  it('an unknown failure code is still reported, never dropped', () => {
    const d = diagnose(groupTimelines([rec('POST /token', 'upstream_error', 'some_future_code')]));
    expect(d.findings.map((f) => [f.rule, f.codes])).toEqual([['unrecognised', ['some_future_code']]]);
  });

  it('every agreed failure code of the other routes is covered by a rule', () => {
    const agreed = [
      'authorize_invalid_request', 'unsupported_response_type', 'redirect_uri_not_alexa', 'vendor_id_mismatch', 'pkce_challenge_invalid',
      'callback_missing_code', 'state_mismatch', 'state_replayed', 'grant_expired', 'provider_denied', 'implicit_params_moved_to_fragment',
      'code_replayed', 'pkce_verifier_mismatch', 'redirect_uri_mismatch', 'refresh_single_flight_timeout', 'refresh_store_degraded',
      'accept_grant_malformed', 'accept_grant_secret_missing', 'accept_grant_lwa_invalid_grant', 'accept_grant_lwa_invalid_client',
      'accept_grant_lwa_timeout', 'accept_grant_lwa_unavailable', 'accept_grant_user_unknown', 'directive_no_target', 'directive_malformed',
      'lwa_revoked', 'lwa_refresh_failed', 'gateway_skill_disabled', 'gateway_skill_never_enabled', 'gateway_insufficient_permission',
      'gateway_invalid_request', 'gateway_throttled', 'gateway_error', 'gateway_no_tokens',
    ];
    const covered = new Set(RULES.flatMap((r) => r.codes));
    expect(agreed.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('every agreed token-route code that is not purely informational is covered by a rule (not verbatim "unrecognised")', () => {
    const informational = new Set(['ok', 'alexa_auth_basic', 'alexa_auth_body', 'parameters_dropped', 'token_type_defaulted', 'expires_in_synthesised', 'no_expires_in', 'refresh_token_retained', 'refresh_token_rotated']);
    const agreed = [
      'ok', 'upstream_form_encoded', 'content_type_mismatch', 'error_in_success_status', 'success_status_normalized', 'token_type_defaulted', 'token_type_replaced',
      'no_expires_in', 'expires_in_synthesised', 'expires_in_invalid', 'expires_in_short', 'no_refresh_token', 'refresh_token_retained', 'refresh_token_rotated',
      'refresh_rejected', 'code_rejected', 'client_rejected', 'provider_error', 'upstream_timeout', 'upstream_unreachable', 'upstream_too_large', 'upstream_redirect',
      'upstream_html', 'upstream_unauthorized', 'upstream_5xx', 'upstream_http_error', 'upstream_invalid_json', 'upstream_unreadable', 'missing_access_token',
      'alexa_auth_basic', 'alexa_auth_body', 'parameters_dropped', 'bad_method', 'unknown_route', 'bad_content_type', 'body_too_large', 'malformed_body',
      'repeated_parameter', 'bad_basic_credentials', 'unsupported_auth_scheme', 'two_auth_methods', 'client_id_mismatch', 'missing_grant_type',
      'unsupported_grant_type', 'missing_parameter', 'missing_client_auth', 'adapter_error',
    ];
    const covered = new Set(RULES.flatMap((r) => r.codes));
    expect(agreed.filter((c) => !informational.has(c) && !covered.has(c))).toEqual([]);
  });

  it('fingerprints every user shares (skill, vendor, redirect URI) do not join links', () => {
    const a = rec('GET /authorize', 'success', 'authorize_redirected', 'info', { linkId: undefined, skillIdFp: 'fp:111111111111', redirectUriFp: 'fp:222222222222', stateFp: 'fp:aaaaaaaaaaa1' });
    const b = rec('GET /authorize', 'success', 'authorize_redirected', 'info', { linkId: undefined, skillIdFp: 'fp:111111111111', redirectUriFp: 'fp:222222222222', stateFp: 'fp:bbbbbbbbbbb2' });
    expect(groupTimelines([a, b]).map((t) => t.id)).toEqual(['fp:aaaaaaaaaaa1', 'fp:bbbbbbbbbbb2']);
  });
});
