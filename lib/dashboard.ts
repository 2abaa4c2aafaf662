/**
 * `AdapterDashboard`: the operator's first view of the stack, one CloudWatch dashboard (its console
 * URL is the stack output `DashboardUrl`).
 *
 * Its metrics come from CloudWatch Logs metric filters on the exchange records, not from
 * embedded-metric-format (EMF) records: a metric filter costs nothing per exchange (only the custom
 * metrics it publishes, as EMF's would), while EMF adds its `_aws` block, about 200–250 bytes, to every
 * record that CloudWatch Logs then bills as ingestion (≈ $0.12 per million exchanges at $0.50/GB),
 * and ties the record's shape to the metrics. The filters read only fields that are a public interface
 * of the record (lambda/core/exchange-record.ts): `type`, `route`, `outcome`, `grantType`,
 * `verdicts[0].code`, `timing.totalMs`, `timing.upstreamMs`, `refresh.role` (`DASHBOARD_FIELDS`).
 * Dimensions come only from closed sets (routes, outcomes, verdict codes, refresh roles), so the
 * number of custom metrics stays small (CloudWatch Logs disables a filter whose dimensions reach
 * 1,000 values).
 *
 * Beside them, the metrics AWS publishes for free: the HTTP API's requests, 4xx (stage throttling
 * answers 429) and 5xx, and the token function's errors, throttles and concurrency.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ALEXA_TOKEN_DEADLINE_MS } from '../lambda/core/deadline';

const RECORD = '$.type = "alexa-link-adapter.exchange"';

/** The record fields the dashboard reads: keep them (names and meaning) when the record changes. */
export const DASHBOARD_FIELDS = ['type', 'route', 'outcome', 'grantType', 'verdicts[0].code', 'timing.totalMs', 'timing.upstreamMs', 'refresh.role'] as const;

/** An answer this slow (ms, handler time) is close to Alexa's 4.5 s: the same line as the slow-exchanges saved query. */
export const SLOW_ANSWER_MS = 3000;

/** One metric filter on every exchange-record log group. */
interface FilterSpec {
  pattern: string;
  value: string;
  dimensions?: Record<string, string>;
  unit?: cloudwatch.Unit;
}

/** The metrics, by name. A metric with dimensions has no default value (CloudWatch Logs refuses both). */
export const DASHBOARD_METRICS = {
  /** Every exchange, by route and outcome: AcceptGrant, Event Gateway, every route's failures. */
  Exchanges: { pattern: `{ ${RECORD} && $.route = * && $.outcome = * }`, value: '1', dimensions: { Route: '$.route', Outcome: '$.outcome' } },
  /** Exchanges that did not succeed, by the code of their first verdict (the cause). */
  Failures: { pattern: `{ ${RECORD} && $.outcome != "success" && $.verdicts[0].code = * }`, value: '1', dimensions: { VerdictCode: '$.verdicts[0].code' } },
  /** Time spent in the provider's (or Login with Amazon's, the Event Gateway's) answer, per route; 0 = not called. */
  ProviderLatency: { pattern: `{ ${RECORD} && $.timing.upstreamMs > 0 }`, value: '$.timing.upstreamMs', dimensions: { Route: '$.route' }, unit: cloudwatch.Unit.MILLISECONDS },
  /** The handler's whole answer time, per route. */
  AnswerTime: { pattern: `{ ${RECORD} && $.timing.totalMs >= 0 }`, value: '$.timing.totalMs', dimensions: { Route: '$.route' }, unit: cloudwatch.Unit.MILLISECONDS },
  /** Answers within 1.5 s of Alexa's budget. */
  SlowAnswers: { pattern: `{ ${RECORD} && $.timing.totalMs >= ${SLOW_ANSWER_MS} }`, value: '1' },
  /** How each refresh was coordinated (refresh-guard.ts): direct, leader, follower, grace, degraded, refused, … */
  RefreshRoles: { pattern: `{ ${RECORD} && $.refresh.role = * }`, value: '1', dimensions: { Role: '$.refresh.role' } },
  /** Code exchanges that gave Alexa tokens: links completed. */
  LinksCompleted: { pattern: `{ ${RECORD} && $.route = "POST /token" && $.grantType = "authorization_code" && $.outcome = "success" }`, value: '1' },
} satisfies Record<string, FilterSpec>;

/** Where a link starts: our /authorize in interception mode; in passthrough mode the first step the adapter sees, the code exchange. */
export function linksStartedPattern(mode: 'passthrough' | 'interception'): string {
  return mode === 'interception' ? `{ ${RECORD} && $.route = "GET /authorize" }` : `{ ${RECORD} && $.route = "POST /token" && $.grantType = "authorization_code" }`;
}

/** Properties of {@link AdapterDashboard}. */
export interface AdapterDashboardProps {
  /** Metric namespace (the observability construct's, one per stack). */
  readonly namespace: string;
  /** `interception`: links start at GET /authorize; `passthrough`: at the code exchange. */
  readonly mode: 'passthrough' | 'interception';
  /** Log groups receiving exchange records (more with `addLogGroup`). */
  readonly logGroups: logs.ILogGroup[];
  readonly httpApi: apigwv2.IHttpApi;
  readonly stageName: string;
  readonly tokenFunction: lambda.IFunction;
  /** The failed-exchanges alarm, shown on the dashboard. */
  readonly alarm?: cloudwatch.IAlarm;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

export class AdapterDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard in the CloudWatch console. */
  public readonly url: string;
  private readonly props: AdapterDashboardProps;
  private groups = 0;

  constructor(scope: Construct, id: string, props: AdapterDashboardProps) {
    super(scope, id);
    this.props = props;
    const { namespace } = props;
    const period = props.period ?? Duration.minutes(5);
    const metric = (metricName: string, statistic: string, label: string) => new cloudwatch.Metric({ namespace, metricName, statistic, period, label });
    /** Every dimension value of a metric, found at view time (verdict codes, routes, roles are not known at synth). */
    const search = (metricName: string, dims: string[], statistic: string, label: string, filter = '') =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${namespace},${dims.join(',')}} MetricName="${metricName}"${filter}', '${statistic}', ${period.toSeconds()})`,
        label,
        usingMetrics: {},
        period,
      });
    const deadline = { value: ALEXA_TOKEN_DEADLINE_MS, label: 'Alexa gives up (4.5 s)', color: cloudwatch.Color.RED };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown: [
          '## Alexa account linking',
          'Causes and fixes of failed links: `npx alexa-link-adapter diagnose --stack <this stack>`; one link: the *link-timeline* saved query (Logs Insights). Metrics from metric filters on the exchange records (lib/dashboard.ts).',
        ].join('\n'),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Links started and completed',
        left: [metric('LinksStarted', 'Sum', props.mode === 'interception' ? 'started (GET /authorize)' : 'started (code exchanges)'), metric('LinksCompleted', 'Sum', 'completed (tokens to Alexa)')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Failures by verdict code', left: [search('Failures', ['VerdictCode'], 'Sum', '')], width: 8, stacked: true }),
      props.alarm
        ? new cloudwatch.AlarmWidget({ title: 'Failed exchanges (alarm)', alarm: props.alarm, width: 8 })
        : new cloudwatch.GraphWidget({ title: 'Exchanges by route and outcome', left: [search('Exchanges', ['Route', 'Outcome'], 'Sum', '')], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Provider latency per route, p50 and p99 (ms)',
        left: [search('ProviderLatency', ['Route'], 'p50', 'p50'), search('ProviderLatency', ['Route'], 'p99', 'p99')],
        leftAnnotations: [deadline],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `Answers close to Alexa's budget (≥ ${SLOW_ANSWER_MS} ms) and p99 answer time`,
        left: [metric('SlowAnswers', 'Sum', `answers ≥ ${SLOW_ANSWER_MS} ms`)],
        right: [search('AnswerTime', ['Route'], 'p99', 'p99')],
        rightAnnotations: [deadline],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Refresh roles (leader, follower, grace, direct, degraded, refused, …)', left: [search('RefreshRoles', ['Role'], 'Sum', '')], width: 8, stacked: true }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'AcceptGrant and Event Gateway outcomes',
        left: [search('Exchanges', ['Route', 'Outcome'], 'Sum', '', ' (Route="AcceptGrant" OR Route="POST /events" OR Route="lwa_refresh")')],
        width: 8,
        stacked: true,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API: requests, 4xx (throttled: 429), 5xx',
        left: [
          apiMetric(props, 'Count', 'requests'),
          apiMetric(props, '4xx', '4xx (stage throttling answers 429)'),
          apiMetric(props, '5xx', '5xx'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Token function: errors, throttles, concurrency',
        left: [
          props.tokenFunction.metricErrors({ period, label: 'errors' }),
          props.tokenFunction.metricThrottles({ period, label: 'throttles' }),
        ],
        right: [props.tokenFunction.metric('ConcurrentExecutions', { statistic: 'Maximum', period, label: 'concurrency (max)' })],
        width: 8,
      }),
    );
    // The commercial partition's console (China and GovCloud have consoles of their own).
    const region = Stack.of(this).region;
    this.url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboard.dashboardName}`;
    for (const g of props.logGroups) this.addLogGroup(g);
  }

  /** Publishes the dashboard's metrics from this log group's exchange records too. */
  addLogGroup(logGroup: logs.ILogGroup): void {
    const n = ++this.groups;
    const specs: Record<string, FilterSpec> = { ...DASHBOARD_METRICS, LinksStarted: { pattern: linksStartedPattern(this.props.mode), value: '1' } };
    for (const [metricName, spec] of Object.entries(specs)) {
      new logs.MetricFilter(this, `${metricName}${n}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(spec.pattern),
        metricNamespace: this.props.namespace,
        metricName,
        metricValue: spec.value,
        ...(spec.dimensions ? { dimensions: spec.dimensions } : { defaultValue: 0 }),
        ...(spec.unit ? { unit: spec.unit } : {}),
      });
    }
  }
}

function apiMetric(props: AdapterDashboardProps, metricName: string, label: string): cloudwatch.Metric {
  // HTTP APIs publish per ApiId and Stage (AWS/ApiGateway; "$default" is the stage's name).
  return new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.httpApi.apiId, Stage: props.stageName }, statistic: 'Sum', period: props.period ?? Duration.minutes(5), label });
}
