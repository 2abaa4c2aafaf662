/**
 * The rule table against the codes agreed across the team: every failure code has a rule of its own
 * (never only the catch-all), and a code no rule knows is still reported. The behaviour of each rule
 * on real records is in diagnose-scenarios.test.ts and diagnose-flows.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RecordBase } from '../../lambda/core/exchange-record';
import type { LogRecord } from '../../cli/records';
import { RULES, diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';

/** A record of a code no rule knows yet (a newer adapter writing a new code): built by hand on purpose. */
const envelope: RecordBase = { type: 'alexa-link-adapter.exchange', v: 1, time: '2026-11-25T10:00:01.000Z', requestId: 'future-1', route: 'POST /token', outcome: 'upstream_error', timing: { totalMs: 20, upstreamMs: 10, ownMs: 10 }, verdicts: [{ code: 'some_future_code', severity: 'error', message: 'some_future_code happened' }] };
const future = envelope as LogRecord;

describe('rule coverage', () => {
  it('an unknown failure code is still reported, never dropped', () => {
    const d = diagnose(groupTimelines([future]));
    expect(d.findings.map((f) => [f.rule, f.codes])).toEqual([['unrecognised', ['some_future_code']]]);
  });

  it('every agreed failure code of the other routes is covered by a rule', () => {
    const agreed = [
      'authorize_invalid_request', 'unsupported_response_type', 'redirect_uri_not_alexa', 'vendor_id_mismatch', 'pkce_challenge_invalid',
      'callback_missing_code', 'state_mismatch', 'state_replayed', 'grant_expired', 'provider_denied', 'implicit_params_moved_to_fragment',
      'code_replayed', 'pkce_verifier_mismatch', 'redirect_uri_mismatch', 'refresh_single_flight_timeout', 'refresh_store_degraded', 'refresh_not_coordinated',
      'accept_grant_malformed', 'accept_grant_secret_missing', 'accept_grant_lwa_invalid_grant', 'accept_grant_lwa_invalid_client',
      'accept_grant_lwa_timeout', 'accept_grant_lwa_unavailable', 'accept_grant_user_unknown', 'directive_no_target', 'directive_malformed',
      'lwa_revoked', 'lwa_refresh_failed', 'directive_forward_failed', 'store_unavailable', 'gateway_skill_disabled', 'gateway_skill_never_enabled', 'gateway_insufficient_permission',
      'gateway_invalid_request', 'gateway_throttled', 'gateway_error', 'gateway_no_tokens', 'deployment_key_unavailable',
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

});
