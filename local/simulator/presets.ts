/**
 * Failure presets of the link simulator, against the built-in demo provider: each switches on one
 * failure from the seed article for one simulated link, and names what must turn red and which
 * `diagnose` rule (or verdict) explains it. The browser tests walk this table.
 */
import type { VerdictCode } from '../../lambda/contract/verdicts';
import type { LinkCheckId } from '../../cli/link-checks';
import type { DemoBehaviour } from '../demo-provider';

/** A well-behaved provider: JSON, HTTP 200, refresh tokens that stay valid when a new one is issued. */
export const HEALTHY: DemoBehaviour = { answerFormat: 'json', successStatus: 200, refreshTokens: 'reusable' };

export type StepId = 'authorize' | 'login' | 'return' | 'token' | 'refresh' | 'replay';

export interface Preset {
  id: string;
  label: string;
  /** What the provider (or the console) does wrong, in one sentence. */
  description: string;
  /** Applied over HEALTHY at the demo provider for this link. */
  behaviour?: DemoBehaviour;
  /** The console's client secret is wrong (Alexa sends a different one). */
  wrongSecret?: boolean;
  /**
   * What the simulator must show: the step and check that turn red and the `diagnose` rule (or, for a
   * failure the adapter repairs without a finding, the verdict) that names the cause.
   */
  expect?: { step: StepId; check: LinkCheckId; rule?: string; verdict?: VerdictCode; repaired?: true };
}

export const PRESETS: readonly Preset[] = [
  { id: 'none', label: 'No failure', description: 'A well-behaved provider: JSON answers with HTTP 200, refresh tokens that stay valid.' },
  {
    id: 'form',
    label: 'Form-encoded token answer',
    description: 'The provider answers the token request application/x-www-form-urlencoded, as GitHub does.',
    behaviour: { answerFormat: 'form' },
    expect: { step: 'token', check: 'provider_answer', rule: 'form_encoded_answer', repaired: true },
  },
  {
    id: 'status201',
    label: 'HTTP 201 instead of 200',
    description: 'The provider answers a successful token request with 201 Created.',
    behaviour: { successStatus: 201 },
    expect: { step: 'token', check: 'provider_answer', rule: 'non_200_success', repaired: true },
  },
  {
    id: 'slow',
    label: 'Slow token answer (5 s)',
    description: "The provider takes 5 seconds to answer; Alexa gives up after 4.5.",
    behaviour: { delayMs: 5000 },
    expect: { step: 'token', check: 'token_answer', rule: 'upstream_slow' },
  },
  {
    id: 'no_refresh_token',
    label: 'No refresh token',
    description: 'The provider returns no refresh_token (Google without access_type=offline).',
    behaviour: { refreshTokens: 'none' },
    expect: { step: 'token', check: 'refresh_token', rule: 'no_refresh_token' },
  },
  {
    id: 'rotated',
    label: 'Rotated (single-use) refresh token',
    description: 'Each refresh rotates the refresh token and the old one dies at once (GitHub Apps, Fitbit, X).',
    behaviour: { refreshTokens: 'single-use' },
    expect: { step: 'replay', check: 'provider_answer', verdict: 'refresh_grace_served', repaired: true },
  },
  {
    id: 'changed_state',
    label: 'Changed state',
    description: 'The provider sends the state back cut to 32 characters.',
    behaviour: { truncateState: true },
    expect: { step: 'return', check: 'state_unchanged', rule: 'state_changed' },
  },
  {
    id: 'wrong_secret',
    label: 'Wrong client secret',
    description: "The console's \"Your Secret\" does not match the provider's client secret.",
    wrongSecret: true,
    expect: { step: 'token', check: 'token_answer', rule: 'client_auth_mismatch' },
  },
];

export function presetById(id: string | undefined): Preset | undefined {
  return PRESETS.find((p) => p.id === (id ?? 'none'));
}
