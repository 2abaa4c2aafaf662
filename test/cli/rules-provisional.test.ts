/**
 * PROVISIONAL: rules for codes no merged handler can write yet. The refresh-safety branch (issue 4:
 * refresh_single_flight_timeout, refresh_store_degraded) is not on main, so these records are minimal
 * RecordBase envelopes carrying the agreed verdict codes. REPLACE them with rows in scenarios.ts run
 * through the real token handler once that branch is merged. Every other route's codes are covered by
 * generated fixtures (scenarios.ts, flow-scenarios.ts).
 */
import { describe, expect, it } from 'vitest';
import type { RecordBase, Severity } from '../../lambda/core/exchange-record';
import type { LogRecord } from '../../cli/records';
import { diagnose } from '../../cli/rules';
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
  ['single-flight timeout', 'refresh_single_flight', rec('POST /token', 'success', 'refresh_single_flight_timeout', 'warn')],
  ['store degraded', 'refresh_single_flight', rec('POST /token', 'success', 'refresh_store_degraded', 'warn')],
];

describe('PROVISIONAL rules for the refresh-safety codes (replace with generated fixtures after issue 4 merges)', () => {
  it.each(CASES)('%s → %s', (_n, rule, r) => {
    const d = diagnose(groupTimelines([r]));
    expect(d.findings.map((f) => f.rule)).toEqual([rule]);
    expect(d.findings[0]!.evidence[0]).toContain(r.time);
  });
});
