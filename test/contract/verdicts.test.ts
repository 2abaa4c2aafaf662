/**
 * The verdict catalogue itself: every entry complete and in words a skill developer knows; the
 * types derived from it refuse a mistyped code or a wrong severity (tsc runs over this file with
 * `npm test`: each @ts-expect-error below must stay an error); the one helper; rendering a verdict
 * from its code and parameters, as a compact record will need.
 */
import { describe, expect, it } from 'vitest';
import { VERDICTS, VERDICT_CODES, isVerdictCode, renderVerdict, verdict, type Verdict, type VerdictEntry } from '../../lambda/contract/verdicts';

const entries = VERDICT_CODES.map((code) => [code, VERDICTS[code] as VerdictEntry] as const);

describe('the verdict catalogue', () => {
  it.each(entries)('%s is complete', (code, e) => {
    expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(['info', 'warn', 'error']).toContain(e.severity);
    expect(e.routes.length).toBeGreaterThan(0);
    expect(e.meaning).toMatch(/^[A-Za-z].*[.)]$/);
    // What it rests on, in words a developer can search for: the article's title, an Alexa docs page, an RFC section, or our own docs.
    expect(e.basis).toMatch(/Alexa Account Linking Debugging Tips: "|Alexa docs "|Alexa SMAPI|RFC \d{4}|docs\/[a-z-]+\.md/);
    for (const text of [e.meaning, e.fix ?? '', e.basis]) expect(text).not.toMatch(/\bthe seed\b|\bseed tip\b/i);
  });

  it('a fix names where to change it: a console field, a provider setting, or an adapter option', () => {
    const vague = entries.filter(([, e]) => e.fix !== undefined && !/console|provider|Permissions|tokenUrl|grantTtlSeconds|vendorId|smartHome\.|TableName|secret|profile|Alexa app|skill Lambda|record|client|scope\.token|tokenRequest|logs|report it|Nothing|event|Access Token URI|skill/i.test(e.fix));
    expect(vague.map(([c]) => c)).toEqual([]);
  });

  it('codes are known at run time too (a log from a newer adapter may carry others)', () => {
    expect(isVerdictCode('upstream_form_encoded')).toBe(true);
    expect(isVerdictCode('some_future_code')).toBe(false);
    expect(isVerdictCode('constructor')).toBe(false);
  });

  it('the one helper: code, the catalogue severity, the message', () => {
    const v: Verdict = verdict('upstream_timeout', 'error', 'no answer in 4000 ms');
    expect(v).toEqual({ code: 'upstream_timeout', severity: 'error', message: 'no answer in 4000 ms' });
  });

  it('a mistyped code or a severity the catalogue does not give does not compile', () => {
    // @ts-expect-error: not a catalogue code
    verdict('upstream_form_encode', 'info', 'typo');
    // @ts-expect-error: upstream_timeout is an error, not a warning
    verdict('upstream_timeout', 'warn', 'wrong severity');
    // @ts-expect-error: a hand-built verdict is checked the same way
    const byHand: Verdict = { code: 'ok', severity: 'error', message: 'wrong severity' };
    expect(byHand.code).toBe('ok');
  });

  it('renders a verdict from its code and a few parameters (what a compact record carries)', () => {
    expect(renderVerdict('upstream_html', { status: 200 })).toBe(`${VERDICTS.upstream_html.meaning} (status 200)`);
    expect(renderVerdict('upstream_html')).toBe(VERDICTS.upstream_html.meaning);
    // A code the handlers write compact renders this occurrence's text from its parameters.
    expect(renderVerdict('ok')).toBe('code exchanged; Alexa received a spec-compliant token answer');
    expect(renderVerdict('ok', { grant: 'refresh' })).toBe('refresh succeeded; Alexa received a spec-compliant token answer');
    expect(renderVerdict('authorize_redirected', { pkce: 'S256' })).toBe('sent the user to the provider with our /callback, our own state, PKCE S256');
    expect(renderVerdict('some_future_code', { status: 1 })).toBeUndefined();
  });
});
