/** Saved Logs Insights queries, the failed-exchanges metric filter and alarm, optional SNS notifications. */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseAdapterConfig } from '../../lambda/core/config';
import { FAILED_EXCHANGE_PATTERN, SAVED_QUERIES } from '../../lib/observability';
import { BASE_INPUT, build, onlyId } from './helpers';

describe('AdapterObservability', () => {
  it('saves the three Logs Insights queries on the token log group', () => {
    const { template } = build();
    const queries = template.findResources('AWS::Logs::QueryDefinition');
    const byName: Record<string, { QueryString: string; LogGroupNames: unknown }> = Object.fromEntries(Object.values(queries).map((q) => [q.Properties.Name, q.Properties]));
    expect(Object.keys(byName).sort()).toEqual(['AlexaLinkAdapter/failed-links', 'AlexaLinkAdapter/link-timeline', 'AlexaLinkAdapter/slow-exchanges']);
    for (const [name, q] of Object.entries(byName)) {
      expect(q.QueryString).toBe(SAVED_QUERIES[name.split('/')[1] as keyof typeof SAVED_QUERIES]);
      expect(q.QueryString).toContain('filter type = "alexa-link-adapter.exchange"');
      expect(q.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^AdapterTokenLogGroup/) }]);
    }
  });

  it('counts failed exchanges with a metric filter and alarms on the first one; no topic by default', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: FAILED_EXCHANGE_PATTERN,
      LogGroupName: { Ref: Match.stringLikeRegexp('^AdapterTokenLogGroup') },
      MetricTransformations: [{ MetricNamespace: 'AlexaLinkAdapter/AlexaLinkAdapter', MetricName: 'FailedExchanges', MetricValue: '1', DefaultValue: 0 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AlexaLinkAdapter/AlexaLinkAdapter',
      MetricName: 'FailedExchanges',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.absent(),
    });
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('alarmEmail: an encrypted, TLS-only topic with the email subscribed, as the alarm action; cdk-nag clean', () => {
    const { template, stack } = build({ alarmEmail: 'ops@example.com', alarmThreshold: 3 }, { nag: true });
    const topicId = onlyId(template, 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 3, AlarmActions: [{ Ref: topicId }] });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
  });

  it('alarmTopicArn: the existing topic is the action, nothing new is created', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts';
    const { template } = build({ alarmTopicArn: arn });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [arn] });
  });

  it('configuration: bad values name the field; email and topic are exclusive', () => {
    expect(() => parseAdapterConfig({ ...BASE_INPUT, alarmEmail: 'not-an-email' })).toThrow(/alarmEmail: must be an email address/);
    expect(() => parseAdapterConfig({ ...BASE_INPUT, alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' })).toThrow(/alarmTopicArn: must be an SNS topic ARN/);
    expect(() => parseAdapterConfig({ ...BASE_INPUT, alarmThreshold: 0 })).toThrow(/alarmThreshold/);
    expect(() => parseAdapterConfig({ ...BASE_INPUT, alarmEmail: 'a@example.com', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' })).toThrow(/alarmEmail or alarmTopicArn, not both/);
    expect(parseAdapterConfig(BASE_INPUT).alarmThreshold).toBe(1);
  });
});
