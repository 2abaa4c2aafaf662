/**
 * The authorization leg (interception mode) and smart home through the real handlers on DynamoDB
 * Local: `diagnose` names the right cause for every scenario, nothing for a healthy link, and the
 * timeline joins authorize, callback, token, AcceptGrant, directive and gateway records into one link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../cli/records';
import { diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { requestsOf, runFlow } from './flow-runner';
import { FLOW_SCENARIOS } from './flow-scenarios';

const ddb = useDynamoDbLocal();
const records = new Map<string, LogRecord[]>();

beforeAll(async () => {
  for (const s of FLOW_SCENARIOS) records.set(s.name, await runFlow(s, ddb()));
}, 120_000);

const codes = (r: LogRecord) => r.verdicts.map((v) => v.code);

describe('diagnose over authorization-leg and smart-home records written by the real handlers', () => {
  it.each(FLOW_SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const recs = records.get(s.name)!;
    // Exactly one record per request: every step wrote at least one.
    expect(recs.length).toBeGreaterThanOrEqual(s.steps.reduce((n, x) => n + requestsOf(x), 0));
    const timelines = groupTimelines(recs);
    expect(timelines).toHaveLength(s.links ?? 1);
    const d = diagnose(timelines);
    expect(d.findings.map((f) => f.rule).sort()).toEqual([...s.findings].sort());
    if (s.handled) expect(d.handled.map((f) => f.rule).sort()).toEqual([...s.handled].sort());
    // No failure is left to the catch-all rule: every code the handlers wrote has its own rule.
    expect(d.findings.map((f) => f.rule)).not.toContain('unrecognised');
    for (const f of d.findings) {
      expect(f.cause.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(20);
      expect(f.evidence.join('\n')).toContain(f.times[0]!);
      expect(f.times.every((t) => t.endsWith('Z'))).toBe(true);
    }
  });

  it('healthy interception link: authorize, callback, token and refresh form one link, the first three by linkId; nothing found', () => {
    const recs = records.get('healthy interception link')!;
    expect(recs.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token', 'POST /token']);
    const linkId = recs[0]!.linkId!;
    expect(linkId).toMatch(/^lk_/);
    expect(recs.slice(0, 3).map((r) => r.linkId)).toEqual([linkId, linkId, linkId]);
    // The refresh carries no linkId: it joins through the refresh token's fingerprint.
    expect(recs[3]!.linkId).toBeUndefined();
    const ts = groupTimelines(recs);
    expect(ts).toHaveLength(1);
    expect(ts[0]!.id).toBe(linkId);
    expect(ts[0]!.records.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'success']);
    expect(diagnose(ts)).toEqual({ findings: [], handled: [] });
  });

  it('healthy smart-home link: AcceptGrant, the directive and the gateway join the interception link through granteeTokenFp', () => {
    const recs = records.get('healthy smart-home link')!;
    expect(recs.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token', 'AcceptGrant', 'directive', 'POST /events']);
    const token = recs[2]! as LogRecord & { tokens: { accessTokenFp: string } };
    expect(recs[3]).toMatchObject({ granteeTokenFp: token.tokens.accessTokenFp });
    expect(recs[3]!.linkId).toBeUndefined();
    expect(recs[5]).toMatchObject({ granteeTokenFp: token.tokens.accessTokenFp });
    expect(recs.slice(3).map(codes)).toEqual([['accept_grant_ok'], ['directive_forwarded'], ['gateway_accepted']]);
    const [t, ...rest] = groupTimelines(recs);
    expect(rest).toEqual([]);
    expect(t!.id).toBe(recs[0]!.linkId);
    expect(t!.records).toHaveLength(6);
    expect(diagnose([t!])).toEqual({ findings: [], handled: [] });
  });

  it('expired grant: the evidence is the callback, with its UTC time', () => {
    const recs = records.get('login took longer than the grant lifetime')!;
    expect(recs[1]).toMatchObject({ route: 'GET /callback', outcome: 'rejected', grantAgeS: 601 });
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect(f!.codes).toEqual(['grant_expired']);
    expect(f!.times).toEqual([recs[1]!.time]);
    // 601 s on the handlers' injected clock after /authorize.
    expect(Date.parse(recs[1]!.time) - Date.parse(recs[0]!.time)).toBeGreaterThanOrEqual(601_000);
  });

  it('replayed state and replayed code are told apart by their codes', () => {
    expect(diagnose(groupTimelines(records.get('provider answer replayed (back button)')!)).findings[0]!.codes).toEqual(['state_replayed']);
    expect(diagnose(groupTimelines(records.get('authorization code replayed')!)).findings[0]!.codes).toEqual(['code_replayed']);
    expect(diagnose(groupTimelines(records.get('wrong PKCE code_verifier')!)).findings[0]!.cause).toContain('RFC 7636');
  });

  it('a replayed state after a completed callback: the page was reloaded or the back button used, not a changed state', () => {
    const recs = records.get('provider answer replayed (back button)')!;
    expect(recs.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'GET /callback']);
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect([f!.rule, f!.severity]).toEqual(['page_reloaded', 'error']);
    expect(f!.cause).toContain(`reached /callback at ${recs[1]!.time} and was completed`);
    expect(f!.cause).toContain(`came again at ${recs[2]!.time}`);
    expect(f!.cause).toContain('the page was reloaded or the back button used');
    expect(f!.cause).toContain('The state did not change');
    expect(f!.fix).toContain('starts linking again from the Alexa app');
    expect(f!.fix).not.toContain('pass state through');
    expect(f!.times).toEqual([recs[2]!.time]);
  });

  it('the same reload after Alexa exchanged the code: a warning, and the link completed', () => {
    const recs = records.get('back button after the link completed')!;
    expect(recs.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token', 'GET /callback']);
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect([f!.rule, f!.severity]).toEqual(['page_reloaded', 'warn']);
    expect(f!.cause).toContain(`The link itself completed: Alexa exchanged the code at ${recs[2]!.time}`);
    expect(f!.fix).toContain('Nothing to change: the link completed');
  });

  it('a code replayed in interception mode: exchanged twice at T1 and T2, the first succeeded', () => {
    const recs = records.get('authorization code replayed')!;
    const [first, second] = recs.filter((r) => r.route === 'POST /token');
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect([f!.rule, f!.title]).toEqual(['code_rejected', 'The same authorization code was exchanged twice']);
    expect(f!.cause).toContain(`was exchanged twice: at ${first!.time} it succeeded`);
    expect(f!.cause).toContain(`at ${second!.time}`);
    expect(f!.cause).toContain('the adapter refused it without asking the provider');
    expect(f!.fix).not.toContain('Alexa Redirect URLs');
  });

  it('gateway 403s: the cause and the fix follow the gateway\'s code', () => {
    const text = (name: string) => {
      const [f] = diagnose(groupTimelines(records.get(name)!)).findings;
      return `${f!.cause} ${f!.fix}`;
    };
    expect(text('gateway 403 SKILL_DISABLED')).toContain('SKILL_DISABLED_EXCEPTION');
    expect(text('gateway 403 SKILL_NEVER_ENABLED (wrong region)')).toContain('wrong region');
    expect(text('gateway 403 INSUFFICIENT_PERMISSION')).toContain('"Send Alexa Events" on');
  });

  it('LWA revoked: the refresh record and the gateway record are one link (userKeyFp), one finding naming both codes', () => {
    const recs = records.get('Login with Amazon refresh token revoked')!;
    expect(recs.map((r) => r.route)).toEqual(['POST /token', 'AcceptGrant', 'lwa_refresh', 'POST /events']);
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect(f!.codes.sort()).toEqual(['gateway_error', 'lwa_revoked']);
  });

  it('store unavailable and a failing skill have their own rule, with the fix naming what to check', () => {
    const [store] = diagnose(groupTimelines(records.get('state table unavailable')!)).findings;
    expect(store!.fix).toContain('TableName');
    const [fwd] = diagnose(groupTimelines(records.get('skill fails the forwarded directive')!)).findings;
    expect(fwd!.fix).toContain('lambda:InvokeFunction');
    const [none] = diagnose(groupTimelines(records.get('directive without a forward target')!)).findings;
    expect(none!.fix).toContain('smartHome.forwardTargetArn');
  });

  describe('refresh safety (refresh-guard.ts) on DynamoDB Local', () => {
    const refreshes = (name: string) => records.get(name)!.filter((r) => r.route === 'POST /token' && r.refresh !== undefined);
    const response = (r: LogRecord) => r.response as { status: number; error?: string };

    it('a rotated token replayed within the grace window gets the cached answer: refresh_grace_served, no finding', () => {
      const [first, replay] = refreshes('rotated refresh token replayed within the grace window');
      expect(first).toMatchObject({ outcome: 'success', refresh: { role: 'leader', graceHit: false }, upstream: { outcome: 'answered', status: 200 } });
      expect(replay).toMatchObject({ outcome: 'success', refresh: { role: 'grace', graceHit: true, degraded: false }, upstream: { outcome: 'not_called' } });
      expect(response(replay!).status).toBe(200);
      // The replay presents the token the first refresh rotated away, and gets the same tokens back.
      expect(replay!.tokens).toMatchObject({ refreshTokenInFp: (first!.tokens as { refreshTokenInFp: string }).refreshTokenInFp, accessTokenFp: (first!.tokens as { accessTokenFp: string }).accessTokenFp });
      expect(replay!.verdicts[0]).toMatchObject({ code: 'refresh_grace_served', severity: 'info' });
      expect(replay!.verdicts[0]!.message).toContain('refresh token rotated; old one replayed within the grace window');
    });

    it('two refreshes at once make one provider call: one leader, one refresh_single_flight_follower, no finding', () => {
      const both = refreshes('two refreshes with one token at once (single-flight follower)');
      expect(both.map((r) => (r.refresh as { role: string }).role).sort()).toEqual(['follower', 'leader']);
      const follower = both.find((r) => (r.refresh as { role: string }).role === 'follower')!;
      const leader = both.find((r) => r !== follower)!;
      expect(leader.upstream).toMatchObject({ outcome: 'answered', status: 200 });
      expect(follower).toMatchObject({ outcome: 'success', upstream: { outcome: 'not_called' } });
      expect(codes(follower)[0]).toBe('refresh_single_flight_follower');
      expect(follower.tokens).toEqual(leader.tokens);
    });

    it('a crashed leader\'s marker outlives the wait: 503 temporarily_unavailable, and the finding says no leader record exists', () => {
      const recs = records.get('refresh while a crashed instance holds the token (single-flight timeout)')!;
      const [timedOut] = refreshes('refresh while a crashed instance holds the token (single-flight timeout)');
      expect(timedOut).toMatchObject({ outcome: 'upstream_error', refresh: { role: 'timeout' }, upstream: { outcome: 'not_called' } });
      expect(response(timedOut!)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      const [f] = diagnose(groupTimelines(recs)).findings;
      expect([f!.rule, f!.severity, f!.codes]).toEqual(['refresh_single_flight', 'warn', ['refresh_single_flight_timeout']]);
      expect(f!.times).toEqual([timedOut!.time]);
      expect(f!.cause).toContain('503 temporarily_unavailable');
      expect(f!.cause).toContain((timedOut!.tokens as { refreshTokenInFp: string }).refreshTokenInFp);
      expect(f!.cause).toContain('No record of the request holding it');
      expect(f!.fix).toContain('Task timed out');
    });

    it('state table unreachable: the refresh still gets the provider\'s answer, and the finding names the store error and the table', () => {
      const recs = records.get('state table unreachable at refresh (degraded)')!;
      const [degraded] = refreshes('state table unreachable at refresh (degraded)');
      expect(degraded).toMatchObject({ outcome: 'success', refresh: { role: 'degraded', degraded: true }, upstream: { outcome: 'answered', status: 200 } });
      expect(response(degraded!).status).toBe(200);
      const storeError = (degraded!.refresh as { storeError: string }).storeError;
      expect(storeError).toBeTruthy();
      expect(degraded!.verdicts.find((v) => v.code === 'refresh_store_degraded')?.severity).toBe('warn');
      const [f] = diagnose(groupTimelines(recs)).findings;
      expect([f!.rule, f!.severity, f!.codes]).toEqual(['refresh_single_flight', 'warn', ['refresh_store_degraded']]);
      expect(f!.cause).toContain(`(${storeError})`);
      expect(f!.cause).toContain('HTTP 200');
      expect(f!.fix).toContain('TableName');
    });
  });

  it('all flows read together (as from one log group): what every user shares (client id, skill, redirect URI) joins no links, and each scenario keeps its findings', () => {
    const all = FLOW_SCENARIOS.flatMap((s) => records.get(s.name)!);
    const timelines = groupTimelines(all);
    expect(timelines).toHaveLength(FLOW_SCENARIOS.reduce((n, s) => n + (s.links ?? 1), 0));
    expect(diagnose(timelines).findings.map((f) => f.rule).sort()).toEqual(FLOW_SCENARIOS.flatMap((s) => s.findings).sort());
  });

  it('no secret from the flows reaches a record or a finding', () => {
    const all = JSON.stringify([...records.values()]) + JSON.stringify(FLOW_SCENARIOS.map((s) => diagnose(groupTimelines(records.get(s.name)!))));
    for (const secret of ['demo-secret', 'local-alexa-client-secret', 'the-account-linking-secret', 'at-flow-', 'rt-flow-', 'provider-code-', 'Atza|', 'Atzr|', 'code-sh-', 'code-gw-', 'at-implicit-']) {
      expect(all).not.toContain(secret);
    }
  });
});
