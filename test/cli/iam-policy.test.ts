/**
 * The CLI's least-privilege IAM policy against what the CLI really calls: each command runs against
 * CloudFormation and CloudWatch Logs faked at the HTTP level (stack and log groups named as
 * CloudFormation names them), every recorded call must be allowed by the printed policy (action and
 * resource ARN), and the default ranges must not need Logs Insights.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allows, CLI_AWS_CALLS, cliPolicy, iamMatches, type PolicyDocument } from '../../cli/iam-policy';
import { useFakeAws, type FakeAws } from '../support/fake-aws-logs';
import { NOW, runCli } from './cli-support';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STACK = 'AlexaLinkAdapter';
// CloudFormation names unnamed resources <stack>-<logical id>-<suffix>.
const TOKEN_GROUP = `${STACK}-AdapterTokenLogGroup1A2B3C4D-aBcDeFgHiJkL`;
const AUTH_GROUP = `${STACK}-AdapterAuthorizationLegLogGroup9F8E7D6C-mNoPqRsTuVwX`;

let aws: FakeAws;
let env: Record<string, string>;

const fake = useFakeAws(REGION);
beforeAll(() => {
  ({ aws, env } = fake());
});
beforeEach(() => {
  aws.calls.length = 0;
  aws.groups.clear();
  aws.stacks.clear();
  aws.stacks.set(STACK, {
    AccessTokenUri: 'https://abc123.execute-api.eu-west-1.amazonaws.com/token',
    AuthorizationUri: 'https://github.com/login/oauth/authorize',
    AuthenticationScheme: 'HTTP Basic (Recommended)',
    DomainList: 'none needed for the token leg',
    TokenLogGroupName: TOKEN_GROUP,
    AuthorizeLogGroupName: AUTH_GROUP,
    AccessLogGroupName: `${STACK}-AdapterAccessLogGroup00000000-zzzzzzzzzzzz`,
  });
  const record = { type: 'alexa-link-adapter.exchange', time: new Date(NOW - 60_000).toISOString(), route: 'POST /token', requestId: 'r1', outcome: 'success', verdicts: [], timing: { totalMs: 5, upstreamMs: 3 } };
  aws.groups.set(TOKEN_GROUP, [{ timestamp: NOW - 60_000, message: JSON.stringify(record) }]);
  aws.groups.set(AUTH_GROUP, []);
});

/** The resource ARN a recorded call acts on, as IAM evaluates it. */
function resourceOf(call: { operation: string; body: Record<string, unknown> }): string[] {
  switch (call.operation) {
    case 'DescribeStacks':
      return [`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${String(call.body['StackName'])}/0a1b2c3d-uuid`];
    case 'FilterLogEvents':
      return [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${String(call.body['logGroupName'])}`];
    case 'StartQuery':
      return (call.body['logGroupNames'] as string[]).map((g) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${g}`);
    default:
      return ['*'];
  }
}

function expectAllowed(policy: PolicyDocument): string[] {
  expect(aws.calls.length).toBeGreaterThan(0);
  for (const call of aws.calls) {
    const permission = CLI_AWS_CALLS[call.operation];
    expect(permission, `the CLI called ${call.operation}, which CLI_AWS_CALLS does not list`).toBeDefined();
    for (const resource of resourceOf(call)) expect(allows(policy, permission!.action, resource), `${permission!.action} on ${resource}`).toBe(true);
  }
  return [...new Set(aws.calls.map((c) => c.operation))];
}

describe('iam-policy covers every call of every command', () => {
  const scoped = cliPolicy({ stack: STACK, region: REGION, account: ACCOUNT });
  const withoutInsights = cliPolicy({ stack: STACK, region: REGION, account: ACCOUNT, insights: false });

  it.each([
    [['logs'], ['DescribeStacks', 'FilterLogEvents']],
    [['diagnose'], ['DescribeStacks', 'FilterLogEvents']],
    [['report', '--link', 'r1'], ['DescribeStacks', 'FilterLogEvents']],
    [['skill-config'], ['DescribeStacks']],
  ])('%j at its default range needs no Logs Insights: %j', async (args, operations) => {
    const r = await runCli(args, { env });
    expect(r.stderr).not.toMatch(/error/);
    expect(expectAllowed(withoutInsights)).toEqual(operations);
  });

  it.each([['logs'], ['diagnose'], ['report', '--link', 'r1']])('%s --since 7d uses Logs Insights, which only the full policy allows', async (...args) => {
    await runCli([...args, '--since', '7d'], { env });
    expect(expectAllowed(scoped)).toEqual(['DescribeStacks', 'StartQuery', 'GetQueryResults']);
    expect(allows(withoutInsights, 'logs:StartQuery', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${TOKEN_GROUP}`)).toBe(false);
  });

  it('doctor makes no AWS call', async () => {
    await runCli(['doctor', '--config', 'cdk.json', '--no-probe'], { env });
    expect(aws.calls).toEqual([]);
  });

  it('is narrow: another stack, another region or another log group is not allowed', () => {
    expect(allows(scoped, 'cloudformation:DescribeStacks', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Other/1`)).toBe(false);
    expect(allows(scoped, 'logs:FilterLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${TOKEN_GROUP}`)).toBe(false);
    expect(allows(scoped, 'logs:FilterLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/other`)).toBe(false);
    expect(allows(scoped, 'logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${TOKEN_GROUP}`)).toBe(false);
    expect(iamMatches('arn:aws:logs:*:*:log-group:S-*', 'arn:aws:logs:eu-west-1:1:log-group:S-x:*')).toBe(true);
  });

  it('npx alexa-link-adapter iam-policy prints it as JSON, --no-insights without the Logs Insights statement', async () => {
    const r = await runCli(['iam-policy', '--stack', STACK, '--region', REGION, '--account', ACCOUNT], { env: {} });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(scoped);
    expect(scoped.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['ReadStackOutputs', ['cloudformation:DescribeStacks'], [`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/*`]],
      ['ReadExchangeRecords', ['logs:FilterLogEvents'], [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${STACK}-*`]],
      ['RangesOver24h1', ['logs:StartQuery'], [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${STACK}-*`]],
      ['RangesOver24h2', ['logs:GetQueryResults'], ['*']],
    ]);
    const r2 = await runCli(['iam-policy', '--no-insights'], { env: {} });
    expect((JSON.parse(r2.stdout) as PolicyDocument).Statement.flatMap((s) => s.Action)).toEqual(['cloudformation:DescribeStacks', 'logs:FilterLogEvents']);
  });
});
