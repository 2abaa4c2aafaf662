/**
 * `AdapterObservability`: what the operator needs to see failed links without the CLI.
 * - Saved Logs Insights queries (CloudWatch console > Logs Insights > Saved queries): failed links,
 *   slow exchanges, and the timeline of one link.
 * - A metric filter counting failed exchanges (`outcome != "success"`) on every exchange-record log
 *   group, and an alarm on it.
 * - Optionally, notifications: an email subscription on a new SNS topic (encrypted with its own KMS
 *   key, since CloudWatch alarms cannot publish to a topic under the AWS-managed `aws/sns` key), or an
 *   existing topic.
 * Routes added later register their log group with `addLogGroup()`; the queries list log groups lazily.
 */
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { recordFilterPattern, recordInsightsFilter } from '../lambda/contract/record-type';

const RECORD = recordInsightsFilter();

/** Saved Logs Insights queries: name suffix → query string. */
export const SAVED_QUERIES = {
  'failed-links': [
    'fields @timestamp, route, grantType, outcome, response.status, response.error, verdicts.0.code',
    `| filter ${RECORD} and outcome != "success"`,
    '| stats count(*) as failures, latest(@timestamp) as lastFailure, latest(verdicts.0.code) as lastVerdict by coalesce(linkId, tokens.codeFp, tokens.refreshTokenInFp, requestId) as link, route, outcome',
    '| sort lastFailure desc',
    '| limit 100',
  ].join('\n'),
  'slow-exchanges': [
    'fields @timestamp, route, grantType, timing.totalMs, timing.upstreamMs, upstream.latencyMs, upstream.outcome, upstream.url',
    `| filter ${RECORD} and (timing.totalMs > 3000 or upstream.outcome = "timeout")`,
    '| sort timing.totalMs desc',
    '| limit 100',
  ].join('\n'),
  'link-timeline': [
    'fields @timestamp, route, grantType, outcome, response.status, response.error, verdicts.0.code, verdicts.0.message',
    '# Replace LINK_ID with a linkId or a fingerprint (fp:…) from `npx alexa-link-adapter logs` or the failed-links query.',
    `| filter ${RECORD} and (linkId = "LINK_ID" or tokens.codeFp = "LINK_ID" or tokens.accessTokenFp = "LINK_ID" or tokens.refreshTokenInFp = "LINK_ID" or tokens.refreshTokenOutFp = "LINK_ID")`,
    '| sort @timestamp asc',
  ].join('\n'),
} as const;

/** Metric filter pattern: every exchange record whose outcome is not success. */
export const FAILED_EXCHANGE_PATTERN = recordFilterPattern('$.outcome != "success"');
export const FAILED_EXCHANGES_METRIC = 'FailedExchanges';

/** Properties of {@link AdapterObservability}. */
export interface AdapterObservabilityProps {
  /** Log groups that receive exchange records (more can be added with `addLogGroup`). */
  readonly logGroups: logs.ILogGroup[];
  /**
   * Failed exchanges within `alarmPeriod` that set the alarm off.
   * @default 1
   */
  readonly alarmThreshold?: number;
  /**
   * Period the failed exchanges are summed over.
   * @default Duration.minutes(5)
   */
  readonly alarmPeriod?: Duration;
  /**
   * Email address subscribed to a new SNS topic that receives the alarm (the address must confirm).
   * @default - no email
   */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic for the alarm (instead of a new one).
   * @default - none
   */
  readonly alarmTopicArn?: string;
}

export class AdapterObservability extends Construct {
  /** CloudWatch metric namespace of the failed-exchange metric (one per stack). */
  public readonly namespace: string;
  /** Failed exchanges (sum), from the metric filters. */
  public readonly failedExchanges: cloudwatch.Metric;
  /** Alarm on failed exchanges. */
  public readonly alarm: cloudwatch.Alarm;
  /** The topic the alarm notifies, when configured. */
  public readonly topic?: sns.ITopic;
  /** The saved queries, by name suffix. */
  public readonly queries: Record<keyof typeof SAVED_QUERIES, logs.CfnQueryDefinition>;
  private readonly logGroups: logs.ILogGroup[] = [];

  constructor(scope: Construct, id: string, props: AdapterObservabilityProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.namespace = `AlexaLinkAdapter/${stackName}`;

    const logGroupNames = Lazy.list({ produce: () => this.logGroups.map((g) => g.logGroupName) });
    const entries = Object.entries(SAVED_QUERIES) as [keyof typeof SAVED_QUERIES, string][];
    this.queries = Object.fromEntries(
      entries.map(([name, queryString]) => [
        name,
        new logs.CfnQueryDefinition(this, `Query-${name}`, { name: `${stackName}/${name}`, queryString, logGroupNames }),
      ]),
    ) as AdapterObservability['queries'];

    const period = props.alarmPeriod ?? Duration.minutes(5);
    this.failedExchanges = new cloudwatch.Metric({ namespace: this.namespace, metricName: FAILED_EXCHANGES_METRIC, statistic: 'Sum', period });
    this.alarm = new cloudwatch.Alarm(this, 'FailedExchangesAlarm', {
      alarmDescription:
        'Alexa account linking: exchanges that did not succeed. Run `npx alexa-link-adapter diagnose` (or the failed-links saved query) for causes and fixes.',
      metric: this.failedExchanges,
      threshold: props.alarmThreshold ?? 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.alarmTopicArn) {
      this.topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    } else if (props.alarmEmail) {
      // SSE with a customer key CloudWatch may use: the AWS-managed aws/sns key does not allow
      // cloudwatch.amazonaws.com, so alarm notifications to such a topic would be dropped.
      const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alexa-link-adapter alarm topic' });
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'alexa-link-adapter failed exchanges', masterKey: key, enforceSSL: true });
      topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));
      this.topic = topic;
    }
    if (this.topic) this.alarm.addAlarmAction(new cwActions.SnsAction(this.topic));

    for (const g of props.logGroups) this.addLogGroup(g);
  }

  /** Counts failed exchanges of this log group too and adds it to the saved queries. */
  addLogGroup(logGroup: logs.ILogGroup): void {
    this.logGroups.push(logGroup);
    new logs.MetricFilter(this, `FailedExchanges${this.logGroups.length}`, {
      logGroup,
      filterPattern: logs.FilterPattern.literal(FAILED_EXCHANGE_PATTERN),
      metricNamespace: this.namespace,
      metricName: FAILED_EXCHANGES_METRIC,
      metricValue: '1',
      defaultValue: 0,
    });
  }
}
