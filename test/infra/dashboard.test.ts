/**
 * The operator's dashboard (lib/dashboard.ts): its widgets and console URL output in the template,
 * the metric filters on every exchange-record log group, cdk-nag clean; and the filters read against
 * records the real token handler writes (a small evaluator of the JSON filter-pattern subset the
 * filters use), so a record change that would blank a graph fails here.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { DASHBOARD_FIELDS, DASHBOARD_METRICS, SLOW_ANSWER_MS, linksStartedPattern } from '../../lib/dashboard';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, type TestAdapter } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';
import { build } from './helpers';

const NS = 'AlexaLinkAdapter/AlexaLinkAdapter';

function dashboardBody(template: ReturnType<typeof build>['template']): string {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // The body is an Fn::Join of text and tokens (the API id, the function name): render the tokens as placeholders.
  const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
}

describe('AdapterDashboard in the template', () => {
  it('one dashboard with the operator\'s widgets, and its console URL as the DashboardUrl output', () => {
    const { template } = build();
    const body = dashboardBody(template);
    for (const title of ['Links started and completed', 'Failures by verdict code', 'Provider latency per route, p50 and p99 (ms)', 'Refresh roles', 'AcceptGrant and Event Gateway outcomes', 'HTTP API: requests, 4xx (throttled: 429), 5xx', 'Token function: errors, throttles, concurrency']) {
      expect(body).toContain(title);
    }
    expect(body).toContain(`SEARCH('{${NS},VerdictCode} MetricName=\\"Failures\\"', 'Sum', 300)`);
    expect(body).toContain(`SEARCH('{${NS},Route} MetricName=\\"ProviderLatency\\"', 'p50', 300)`);
    expect(body).toContain(`SEARCH('{${NS},Route} MetricName=\\"ProviderLatency\\"', 'p99', 300)`);
    expect(body).toContain(`SEARCH('{${NS},Role} MetricName=\\"RefreshRoles\\"', 'Sum', 300)`);
    expect(body).toContain('Route=\\"AcceptGrant\\" OR Route=\\"POST /events\\"');
    expect(body).toContain('"value":4500');
    expect(body).toContain(`["${NS}","LinksCompleted",{"label":"completed (tokens to Alexa)","stat":"Sum"}]`);
    expect(body).toMatch(/"AWS\/ApiGateway","4xx","ApiId","<token>","Stage","\$default"/);
    template.hasOutput('DashboardUrl', {
      Value: { 'Fn::Join': ['', ['https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/', { Ref: Match.stringLikeRegexp('^AdapterDashboard') }]] },
    });
  });

  it('metric filters on the token log group: dimensions from closed sets and no default value, counts default 0; passthrough links start at the code exchange', () => {
    const { template } = build();
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties as { FilterPattern: string; MetricTransformations: Record<string, unknown>[] });
    const byName = Object.fromEntries(filters.map((f) => [f.MetricTransformations[0]!.MetricName as string, f]));
    expect(Object.keys(byName).sort()).toEqual(['AnswerTime', 'Exchanges', 'FailedExchanges', 'Failures', 'LinksCompleted', 'LinksStarted', 'ProviderLatency', 'RefreshRoles', 'SlowAnswers']);
    for (const [name, spec] of Object.entries(DASHBOARD_METRICS)) {
      const t = byName[name]!.MetricTransformations[0]!;
      expect(byName[name]!.FilterPattern).toBe(spec.pattern);
      expect(t.MetricNamespace).toBe(NS);
      if ('dimensions' in spec) {
        expect(t.Dimensions).toEqual(Object.entries(spec.dimensions).map(([Key, Value]) => ({ Key, Value })));
        expect(t.DefaultValue).toBeUndefined();
      } else {
        expect(t.DefaultValue).toBe(0);
      }
    }
    expect(byName.LinksStarted!.FilterPattern).toBe(linksStartedPattern('passthrough'));
    expect(byName.ProviderLatency!.MetricTransformations[0]).toMatchObject({ MetricValue: '$.timing.upstreamMs', Unit: 'Milliseconds' });
  });

  it('interception with smart home: the same filters on all four record log groups, links start at GET /authorize; cdk-nag clean', () => {
    const { template } = build(
      { mode: 'interception', smartHome: { skillId: 'amzn1.ask.skill.0a1b2c3d-0000-1111-2222-333344445555', alexaClientId: 'amzn1.application-oa2-client.abc' } },
      { nag: true },
    );
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties as { FilterPattern: string; LogGroupName: { Ref: string }; MetricTransformations: { MetricName: string }[] });
    const groupsOf = (metric: string) => new Set(filters.filter((f) => f.MetricTransformations[0]!.MetricName === metric).map((f) => f.LogGroupName.Ref.replace(/[0-9A-F]{8}$/, '')));
    for (const metric of [...Object.keys(DASHBOARD_METRICS), 'LinksStarted']) {
      expect([...groupsOf(metric)].sort()).toEqual(['AdapterAuthorizationLegLogGroup', 'AdapterSmartHomeEventsFunctionLogGroup', 'AdapterSmartHomeSmartHomeFunctionLogGroup', 'AdapterTokenLogGroup']);
    }
    expect(filters.find((f) => f.MetricTransformations[0]!.MetricName === 'LinksStarted')!.FilterPattern).toBe(linksStartedPattern('interception'));
  });
});

// --- The filters against real records ------------------------------------------------------------

/** The value at a filter selector (`$.a.b`, `$.a[0].b`) in a record. */
function at(record: unknown, selector: string): unknown {
  let cur: unknown = record;
  for (const part of selector.replace(/^\$\./, '').split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(part);
    cur = cur === null || typeof cur !== 'object' ? undefined : index ? (cur as unknown[])[Number(index[1])] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** CloudWatch Logs' JSON filter patterns, the subset the dashboard uses: `{ c && c … }` with =, !=, >, >=, `= *`. */
function matches(pattern: string, record: unknown): boolean {
  const inner = /^\{ (.*) \}$/.exec(pattern)?.[1];
  if (!inner) throw new Error(`not a JSON pattern: ${pattern}`);
  return inner.split(' && ').every((clause) => {
    const m = /^(\$\S+) (=|!=|>=|>) (.+)$/.exec(clause);
    if (!m) throw new Error(`clause outside the subset: ${clause}`);
    const [, selector, op, raw] = m as unknown as [string, string, string, string];
    const v = at(record, selector);
    if (raw === '*') return v !== undefined && v !== null;
    if (raw.startsWith('"')) {
      const want = JSON.parse(raw) as string;
      return op === '=' ? v === want : v !== undefined && v !== want;
    }
    if (typeof v !== 'number') return false;
    return op === '>' ? v > Number(raw) : op === '>=' ? v >= Number(raw) : v === Number(raw);
  });
}

describe('the filters read the records the token handler writes', () => {
  let provider: FakeGeneric;
  let adapter: TestAdapter;
  let ok: ExchangeRecord;
  let failed: ExchangeRecord;
  let refreshed: ExchangeRecord;
  beforeAll(async () => {
    provider = await startFakeGeneric({ clients: { alexa: 'secret' }, redirectUri: ALEXA_REDIRECT_URI });
    adapter = await startTestAdapter({ provider: 'generic', tokenUrl: provider.tokenUrl });
    provider.addCode('good', { accessToken: 'at-1', refreshToken: 'rt-1' });
    provider.addRefreshToken('rt-1', { accessToken: 'at-2', refreshToken: 'rt-1' });
    const send = (params: Record<string, string>) => alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: 'alexa', clientSecret: 'secret', params });
    await send({ grant_type: 'authorization_code', code: 'good', redirect_uri: ALEXA_REDIRECT_URI });
    await send({ grant_type: 'authorization_code', code: 'unknown', redirect_uri: ALEXA_REDIRECT_URI });
    await send({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    [ok, failed, refreshed] = JSON.parse(JSON.stringify(adapter.records)) as ExchangeRecord[];
  });
  afterAll(async () => {
    await adapter?.close();
    await provider?.close();
  });

  it('each record is counted where the dashboard shows it, with every dimension and value present', () => {
    const expected: Record<string, ExchangeRecord[]> = {
      Exchanges: [ok!, failed!, refreshed!],
      Failures: [failed!],
      ProviderLatency: [ok!, failed!, refreshed!],
      AnswerTime: [ok!, failed!, refreshed!],
      SlowAnswers: [],
      RefreshRoles: [refreshed!],
      LinksCompleted: [ok!],
    };
    for (const [name, spec] of Object.entries(DASHBOARD_METRICS)) {
      const hit = [ok!, failed!, refreshed!].filter((r) => matches(spec.pattern, r));
      expect({ name, hit: hit.map((r) => r.requestId) }).toEqual({ name, hit: expected[name]!.map((r) => r.requestId) });
      for (const r of hit) {
        if (spec.value.startsWith('$.')) expect(typeof at(r, spec.value)).toBe('number');
        for (const selector of Object.values(('dimensions' in spec ? spec.dimensions : {}) as Record<string, string>)) expect(typeof at(r, selector)).toBe('string');
      }
    }
    expect([ok!, failed!, refreshed!].filter((r) => matches(linksStartedPattern('passthrough'), r))).toEqual([ok, failed]);
    expect(at(failed, '$.verdicts[0].code')).toBe('code_rejected');
    expect(at(refreshed, '$.refresh.role')).toBe('stateless');
    expect(matches(DASHBOARD_METRICS.SlowAnswers.pattern, { ...ok!, timing: { ...ok!.timing, totalMs: SLOW_ANSWER_MS } })).toBe(true);
  });

  it('DASHBOARD_FIELDS names every field the filters read', () => {
    const read = new Set<string>();
    for (const spec of [...Object.values(DASHBOARD_METRICS), { pattern: linksStartedPattern('interception'), value: '1' }, { pattern: linksStartedPattern('passthrough'), value: '1' }]) {
      for (const m of spec.pattern.matchAll(/\$\.(\S+)/g)) read.add(m[1]!);
      if (spec.value.startsWith('$.')) read.add(spec.value.slice(2));
      for (const s of Object.values(('dimensions' in spec ? spec.dimensions : {}) as Record<string, string>)) read.add(s.slice(2));
    }
    expect([...read].sort()).toEqual([...DASHBOARD_FIELDS].sort());
  });
});
