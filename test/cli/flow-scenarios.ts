/**
 * Scenarios across routes: the authorization leg (interception mode) and smart home (AcceptGrant,
 * directives, Event Gateway), walked through the real handlers by flow-runner.ts. Each row is one
 * failure from the seed's catalogue (or a healthy link) and the rule ids `diagnose` must name.
 */
import type { FlowScenario } from './flow-runner';

const linkUp = [{ authorize: {} }, { login: 'approve' }, { callback: {} }] as const;
const linked = [...linkUp, { token: {} }] as const;

export const FLOW_SCENARIOS: FlowScenario[] = [
  // --- Authorization leg ----------------------------------------------------------------------------
  {
    name: 'healthy interception link',
    seed: '(none: /authorize → login → /callback → /token → refresh)',
    steps: [...linked, { refresh: true }],
    findings: [],
    handled: [],
  },
  {
    name: 'state changed on the way back',
    seed: 'make sure the state parameter stays the same throughout the account linking process',
    steps: [...linkUp.slice(0, 2), { callback: { state: 'changed' } }],
    findings: ['state_changed'],
    // /authorize has the linkId; the callback with a foreign state cannot be tied to it.
    links: 2,
  },
  {
    name: 'provider answer replayed (back button)',
    seed: 'the state did not change: the page was reloaded or the back button used after /callback completed',
    steps: [...linkUp, { callback: {} }],
    findings: ['page_reloaded'],
  },
  {
    name: 'back button after the link completed',
    seed: 'the page was reloaded after Alexa had the code: the link works, the user saw an error page',
    steps: [...linked, { callback: {} }],
    findings: ['page_reloaded'],
  },
  {
    name: 'login took longer than the grant lifetime',
    seed: '(the user stays on the login page; the grant state expires)',
    steps: [{ authorize: {} }, { login: 'approve' }, { wait: 601 }, { callback: {} }],
    findings: ['grant_expired'],
  },
  {
    name: 'provider answers error=access_denied',
    seed: 'Scope: LWA "profile:user_id" is not allowed (the provider redirects back with an error)',
    steps: [{ authorize: {} }, { login: 'deny' }, { callback: {} }],
    findings: ['provider_denied'],
  },
  {
    name: 'redirect_uri is not Alexa\'s',
    seed: 'Alexa Redirect URLs must be registered with the provider',
    steps: [{ authorize: { params: { redirect_uri: 'https://attacker.example/api/skill/link/M2TESTVENDOR' } } }],
    findings: ['redirect_uri'],
  },
  {
    name: 'redirect_uri of another vendor (pin mismatch)',
    seed: 'Alexa Redirect URLs end in the skill\'s vendor id',
    steps: [{ authorize: { params: { redirect_uri: 'https://layla.amazon.com/api/skill/link/M2OTHERVENDOR' } } }],
    findings: ['redirect_uri'],
  },
  {
    name: 'authorization request without state',
    seed: '(malformed authorization request)',
    steps: [{ authorize: { params: { state: undefined } } }],
    findings: ['authorize_refused'],
  },
  {
    name: 'redirect_uri differs at the token request',
    seed: 'redirect_uri must be identical on the authorization and the token request (RFC 6749 §4.1.3)',
    steps: [...linkUp, { token: { redirectUri: 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR' } }],
    findings: ['redirect_uri'],
  },
  {
    name: 'authorization code replayed',
    seed: 'codes are single-use (a retried token request)',
    steps: [...linked, { token: {} }],
    findings: ['code_rejected'],
  },
  {
    name: 'wrong PKCE code_verifier',
    seed: 'PKCE: the verifier must match the challenge (RFC 7636 §4.6)',
    steps: [...linkUp, { token: { verifier: 'wrong' } }],
    findings: ['code_rejected'],
  },
  {
    name: 'implicit grant answered in the query',
    seed: 'With implicit grant, the access token and state must be in the URL fragment',
    provider: 'query-implicit',
    steps: [{ authorize: { params: { response_type: 'token' } } }, { login: 'approve' }, { callback: {} }],
    findings: [],
    handled: ['implicit_params_in_query'],
  },
  {
    name: 'state table unavailable',
    seed: '(the adapter\'s DynamoDB table is missing or unreachable)',
    storeMissing: true,
    steps: [{ authorize: {} }],
    findings: ['store_unavailable'],
  },
  // --- Refresh safety (lambda/core/refresh-guard.ts) -------------------------------------------------
  {
    name: 'rotated refresh token replayed within the grace window',
    seed: 'after some time the customer has to link again (Alexa lost the answer of a refresh and retries with the old, rotated token)',
    steps: [...linked, { refresh: true }, { refresh: { token: 'previous' } }],
    findings: [],
    handled: [],
  },
  {
    name: 'two refreshes with one token at once (single-flight follower)',
    seed: '(two Lambda instances refresh with the same token: one provider call, the other waits for its answer)',
    steps: [...linked, { refresh: { concurrent: 2 } }],
    findings: [],
    handled: [],
  },
  {
    name: 'refresh while a crashed instance holds the token (single-flight timeout)',
    seed: '(an instance died mid-refresh; its in-progress marker outlives the next request\'s wait budget)',
    upstreamTimeoutMs: 300,
    steps: [...linked, { crashedLeader: true }, { refresh: true }],
    findings: ['refresh_single_flight'],
  },
  {
    name: 'state table unreachable at refresh (degraded)',
    seed: '(DynamoDB unreachable: the refresh goes straight to the provider, without grace or single-flight)',
    steps: [...linked, { store: 'unreachable' }, { refresh: true }],
    findings: ['refresh_single_flight'],
  },
  // --- Smart home -----------------------------------------------------------------------------------
  {
    name: 'healthy smart-home link',
    seed: '(none: /authorize → /callback → /token → AcceptGrant → directive forwarded → event accepted)',
    steps: [...linked, { acceptGrant: {} }, { directive: 'forwarded' }, { event: {} }],
    findings: [],
    handled: [],
  },
  {
    name: 'AcceptGrant with the account-linking client secret',
    seed: 'Alexa Client Id/Secret are the Permissions-page credentials, not the account-linking ones',
    steps: [{ token: { code: 'code-sh-client' } }, { acceptGrant: { secret: 'wrong' } }],
    findings: ['accept_grant_credentials'],
  },
  {
    name: 'AcceptGrant with an expired or used grant code',
    seed: 'the AcceptGrant code is valid a few minutes and only once',
    steps: [{ token: { code: 'code-sh-grant' } }, { acceptGrant: { grantCode: 'unissued' } }],
    findings: ['accept_grant_code_expired'],
  },
  {
    name: 'AcceptGrant without the Alexa client secret configured',
    seed: 'Send Alexa Events on, but the secret was never filled',
    steps: [{ token: { code: 'code-sh-secret' } }, { acceptGrant: { secret: 'missing' } }],
    findings: ['accept_grant_failed'],
  },
  {
    name: 'AcceptGrant for a user this adapter never linked',
    seed: 'account linking must go through the adapter\'s Access Token URI',
    steps: [{ acceptGrant: { grantee: 'never_issued' } }],
    findings: ['accept_grant_failed'],
  },
  {
    name: 'malformed AcceptGrant',
    seed: '(AcceptGrant without a grant)',
    steps: [{ token: { code: 'code-sh-malformed' } }, { acceptGrant: { malformed: true } }],
    findings: ['accept_grant_failed'],
    // A directive that cannot be parsed carries no grantee fingerprint to join the token record.
    links: 2,
  },
  {
    name: 'directive without a forward target',
    seed: '(smartHome.forwardTargetArn not set)',
    steps: [{ token: { code: 'code-sh-notarget' } }, { directive: 'no_target' }],
    findings: ['directive_failed'],
  },
  {
    name: 'skill fails the forwarded directive',
    seed: '(the skill Lambda throws or cannot be invoked)',
    steps: [{ token: { code: 'code-sh-fwd' } }, { directive: 'skill_fails' }],
    findings: ['directive_forward_failed'],
  },
  {
    name: 'gateway 403 SKILL_DISABLED',
    seed: 'the user disabled the skill',
    steps: [{ token: { code: 'code-gw-dis' } }, { acceptGrant: {} }, { event: { gateway: 'skill_disabled' } }],
    findings: ['gateway_forbidden'],
  },
  {
    name: 'gateway 403 SKILL_NEVER_ENABLED (wrong region)',
    seed: 'events must go to the gateway of the user\'s region',
    steps: [{ token: { code: 'code-gw-never' } }, { acceptGrant: {} }, { event: { gateway: 'never_enabled' } }],
    findings: ['gateway_forbidden'],
  },
  {
    name: 'gateway 403 INSUFFICIENT_PERMISSION',
    seed: 'Send Alexa Events was off when the user linked',
    steps: [{ token: { code: 'code-gw-perm' } }, { acceptGrant: {} }, { event: { gateway: 'insufficient_permission' } }],
    findings: ['gateway_forbidden'],
  },
  {
    name: 'event for a user without Login with Amazon tokens',
    seed: 'no AcceptGrant happened for this user (Send Alexa Events off at linking, or AcceptGrant failed)',
    steps: [{ token: { code: 'code-gw-none' } }, { event: {} }],
    findings: ['gateway_failed'],
  },
  {
    name: 'Login with Amazon refresh token revoked',
    seed: 'the user disabled the skill: LWA refuses the refresh token',
    steps: [{ token: { code: 'code-gw-rev' } }, { acceptGrant: {} }, { event: { lwa: 'revoked' } }],
    findings: ['gateway_failed'],
  },
];
