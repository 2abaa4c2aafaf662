/**
 * The rules against the verdict catalogue (lambda/contract/verdicts.ts), walked code by code: every
 * code that is something to fix becomes a finding of its own rule (never the catch-all), with a
 * cause, a fix and what it rests on; informational codes yield nothing; a code no rule knows is
 * still reported. The behaviour of each rule on real records is in diagnose-scenarios.test.ts,
 * diagnose-flows.test.ts and diagnose-cases.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { VERDICTS, VERDICT_CODES, type VerdictCode, type VerdictEntry } from '../../lambda/contract/verdicts';
import { parseRecordLine, type LogRecord } from '../../cli/records';
import { RULES, TIMELINE_RULES, catalogueRules, diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';

/** A lone record carrying one verdict, on the first route the catalogue names for it. */
function recordWith(code: string, entry: Pick<VerdictEntry, 'severity' | 'routes'>, n = 1): LogRecord {
  const route = entry.routes[0] === 'any' ? 'POST /token' : entry.routes[0]!;
  return {
    type: 'alexa-link-adapter.exchange',
    v: 1,
    time: `2026-11-25T10:00:0${n}.000Z`,
    requestId: `req-${code}`,
    route,
    outcome: entry.severity === 'error' ? 'rejected' : 'success',
    timing: { totalMs: 20, upstreamMs: 10, ownMs: 10 },
    verdicts: [{ code, severity: entry.severity, message: `${code} happened` }],
  } as LogRecord;
}

describe('rule coverage, walked from the catalogue', () => {
  it('an unknown failure code is still reported, never dropped', () => {
    const d = diagnose(groupTimelines([recordWith('some_future_code', { severity: 'error', routes: ['POST /token'] })]));
    expect(d.findings.map((f) => [f.rule, f.codes])).toEqual([['unrecognised', ['some_future_code']]]);
  });

  it.each(VERDICT_CODES.map((c) => [c, VERDICTS[c] as VerdictEntry] as const))('%s', (code, entry) => {
    const d = diagnose(groupTimelines([recordWith(code, entry)]));
    const all = [...d.findings, ...d.handled];
    if (entry.severity === 'info') {
      // Informational: nothing to fix; at most a note that the adapter repaired something.
      expect(d.findings).toEqual([]);
      return;
    }
    expect(all.map((f) => f.rule)).not.toContain('unrecognised');
    const f = all.find((x) => x.codes.includes(code));
    expect(f, `no finding names ${code}`).toBeDefined();
    expect(f!.cause.length).toBeGreaterThan(20);
    expect(f!.fix.length).toBeGreaterThan(10);
    // What it rests on: the catalogue's basis, or (a rule that knows more, e.g. the network error's name) its own.
    const rule = RULES.find((r) => r.id === f!.rule)!;
    if (rule.basis === undefined) expect(f!.basis).toContain(entry.basis);
    expect(f!.basis).toMatch(/Alexa Account Linking Debugging Tips: "|Alexa docs "|RFC \d{4}|docs\/[a-z-]+\.md/);
    // In words a skill developer knows: never the project's own name for the article.
    expect(`${f!.cause} ${f!.fix} ${f!.basis}`).not.toMatch(/\bthe seed\b/i);
  });

  it('each code is keyed by at most one rule, and every rule keys on at least one code', () => {
    const keyed = RULES.flatMap((r) => r.codes);
    expect(keyed.filter((c, i) => keyed.indexOf(c) !== i)).toEqual([]);
    expect(RULES.filter((r) => r.codes.length === 0 && !r.matches).map((r) => r.id)).toEqual([]);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('every code that is something to fix says what to change and where', () => {
    const withoutFix = VERDICT_CODES.filter((c) => VERDICTS[c].severity !== 'info' && !(VERDICTS[c] as VerdictEntry).fix);
    expect(withoutFix).toEqual([]);
  });

  it('adding a verdict is one catalogue entry (plus the code that emits it): diagnose gets its rule from the entry', () => {
    const entry: VerdictEntry = {
      severity: 'error',
      area: 'token',
      routes: ['POST /token'],
      meaning: 'The provider answered with a brand-new failure. Nothing else is known yet.',
      fix: 'Alexa developer console > your skill > Build > Account Linking: change "Some Field".',
      basis: 'RFC 6749 §5.2',
    };
    const rules = [...TIMELINE_RULES, ...catalogueRules(TIMELINE_RULES, { ...VERDICTS, brand_new_failure: entry })];
    const [f] = diagnose(groupTimelines([recordWith('brand_new_failure', entry)]), rules).findings;
    expect(f).toMatchObject({
      rule: 'brand_new_failure',
      severity: 'error',
      title: 'The provider answered with a brand-new failure',
      cause: 'The provider answered with a brand-new failure. Nothing else is known yet. This time: brand_new_failure happened.',
      fix: entry.fix,
      basis: entry.basis,
      codes: ['brand_new_failure'],
    });
  });

  it('the rules above the catalogue ones key only on codes the catalogue knows (also at run time)', () => {
    const known = new Set<string>(VERDICT_CODES);
    expect(TIMELINE_RULES.flatMap((r) => r.codes).filter((c: VerdictCode) => !known.has(c))).toEqual([]);
  });

  it('a compact verdict (its code and parameters only, as a later record may carry) is read with the catalogue\'s severity and text', () => {
    const line = JSON.stringify({ type: 'alexa-link-adapter.exchange', v: 1, time: '2026-11-25T10:00:00.000Z', requestId: 'r', route: 'POST /token', outcome: 'upstream_error', timing: {}, verdicts: [{ code: 'upstream_html', status: 200 }, { code: 'some_future_code' }] });
    const r = parseRecordLine(line)!;
    expect(r.verdicts).toEqual([
      { code: 'upstream_html', severity: 'error', message: `${VERDICTS.upstream_html.meaning} (status 200)` },
      // A compact verdict states its severity unless it is info (lambda/contract/verdicts.ts note()).
      { code: 'some_future_code', severity: 'info', message: 'some_future_code' },
    ]);
    expect(diagnose(groupTimelines([r])).findings.map((f) => f.rule)).toEqual(['upstream_broken']);
  });
});
