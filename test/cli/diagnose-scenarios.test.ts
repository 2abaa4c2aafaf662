/**
 * The scenario table through the real handlers: `diagnose` names the right cause for every
 * scenario, and nothing for a healthy link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../cli/records';
import { diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { runScenario } from './scenario-runner';
import { SCENARIOS } from './scenarios';

const records = new Map<string, LogRecord[]>();

beforeAll(async () => {
  for (const s of SCENARIOS) records.set(s.name, await runScenario(s));
});

describe('diagnose over records written by the real handlers', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const recs = records.get(s.name)!;
    expect(recs).toHaveLength(s.requests.length);
    const timelines = groupTimelines(recs);
    // Each scenario is one link: the code exchange and its refreshes join through fingerprints.
    if (!s.requests.some((r) => r.path)) expect(timelines).toHaveLength(1);
    const d = diagnose(timelines);
    expect(d.findings.map((f) => f.rule).sort()).toEqual([...s.findings].sort());
    if (s.handled) expect(d.handled.map((f) => f.rule).sort()).toEqual([...s.handled].sort());
    for (const f of d.findings) {
      expect(f.cause.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(20);
      // Evidence carries the UTC time of each record involved.
      expect(f.evidence.join('\n')).toContain(f.times[0]!);
      expect(f.times.every((t) => t.endsWith('Z'))).toBe(true);
    }
  });

  it('healthy link: nothing at all, and the refresh joins the code exchange by fingerprint', () => {
    const [t] = groupTimelines(records.get('healthy link')!);
    expect(t!.records.map((r) => r.outcome)).toEqual(['success', 'success']);
    expect(diagnose([t!])).toEqual({ findings: [], handled: [] });
  });

  it('refresh rejected after rotation: the evidence says the token was already used and when', () => {
    const recs = records.get('refresh token invalidated after rotation')!;
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect(f!.cause).toContain(`was already used successfully at ${recs[1]!.time}`);
    expect(f!.codes).toEqual(['refresh_rejected']);
    expect(f!.times).toEqual([recs[2]!.time]);
  });

  it('client-auth mismatch: the fix names the console field and the other scheme', () => {
    const [f] = diagnose(groupTimelines(records.get('client-auth scheme mismatch')!)).findings;
    expect(f!.cause).toContain('HTTP Basic');
    expect(f!.fix).toContain('"Your Authentication Scheme"');
    expect(f!.fix).toContain('"Credentials in request body"');
  });

  it('Google without refresh token: names access_type=offline and prompt=consent', () => {
    const [f] = diagnose(groupTimelines(records.get('no refresh token (Google)')!)).findings;
    expect(f!.cause).toContain('first authorization');
    expect(f!.fix).toContain('access_type=offline&prompt=consent');
  });

  it('no secret from the scenarios reaches a finding', () => {
    const all = JSON.stringify(SCENARIOS.map((s) => diagnose(groupTimelines(records.get(s.name)!))));
    for (const secret of ['skill-secret', 'code-rot', 'rt-r1', 'at-r1', 'ya29.g']) expect(all).not.toContain(secret);
  });

  it('Google refresh rejected: names the refresh token issued by the code exchange and the profile hint', () => {
    const recs = records.get('Google refresh rejected (Testing app, 7 days)')!;
    const [f] = diagnose(groupTimelines(recs)).findings;
    expect(f!.cause).toContain(`was issued at ${recs[0]!.time}`);
    expect(f!.cause).toMatch(/Provider hint: .*7 days/);
  });

  it('body credentials refused with a bare 401: the fix suggests HTTP Basic', () => {
    const [f] = diagnose(groupTimelines(records.get('provider wants the other auth scheme (bare 401)')!)).findings;
    expect(f!.codes).toEqual(['upstream_unauthorized']);
    expect(f!.fix).toContain('"HTTP Basic (Recommended)"');
  });

  it('a successful but slow exchange (derived from a real record: latency set to 3.5 s) is a warning-level upstream_slow', () => {
    const slow = JSON.parse(JSON.stringify(records.get('healthy link')![0])) as LogRecord & { upstream: { latencyMs: number } };
    slow.upstream.latencyMs = 3500;
    const [f] = diagnose(groupTimelines([slow])).findings;
    expect([f!.rule, f!.severity]).toEqual(['upstream_slow', 'warn']);
    expect(f!.cause).toContain("took 3500 ms to answer: close to Alexa's 4500 ms deadline");
  });
});
