/**
 * The CLI against CloudWatch Logs and CloudFormation faked at the HTTP level (the SDK's AWS JSON 1.1
 * and Query protocols on loopback, endpoints overridden): stack discovery, FilterLogEvents paging,
 * Logs Insights for long ranges, --follow by polling, and the errors users hit (expired
 * credentials, missing log group, missing stack): a clear message and exit code 2.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '../../cli/records';
import { useFakeAws, type FakeAws } from '../support/fake-aws-logs';
import { runCli, scenarioFixtures } from './cli-support';
import { SCENARIOS } from './scenarios';

/** Each scenario is its own link; diagnose names each scenario's findings. */
const SUMMARY = `${SCENARIOS.reduce((n, s) => n + s.findings.length, 0)} findings in ${SCENARIOS.length} links`;

const TOKEN_GROUP = '/aws/lambda/AlexaLinkAdapter-TokenFunction';
const AUTH_GROUP = '/aws/lambda/AlexaLinkAdapter-AuthorizeFunction';
const ACCESS_GROUP = 'AlexaLinkAdapter-AccessLogGroup';

let aws: FakeAws;
let records: LogRecord[];
let env: Record<string, string>;

const events = (rs: readonly LogRecord[]) => rs.map((r) => ({ timestamp: Date.parse(r.time), message: JSON.stringify(r) }));

const fake = useFakeAws();
beforeAll(async () => {
  records = (await scenarioFixtures()).flatMap((f) => f.records);
  ({ aws, env } = fake());
});
beforeEach(() => {
  aws.calls.length = 0;
  aws.failWith = undefined;
  aws.pageSize = 50;
  aws.insightsRunningPolls = 0;
  aws.groups.clear();
  aws.stacks.clear();
  aws.stacks.set('AlexaLinkAdapter', {
    AccessTokenUri: 'https://abc123.execute-api.eu-west-1.amazonaws.com/token',
    AuthorizationUri: 'https://provider.example/authorize',
    DomainList: 'none needed for the token leg',
    TokenLogGroupName: TOKEN_GROUP,
    AuthorizeLogGroupName: AUTH_GROUP,
    AccessLogGroupName: ACCESS_GROUP,
  });
  // Exchange records and the Lambda platform's own lines side by side, as in a real log group.
  aws.groups.set(TOKEN_GROUP, [
    { timestamp: Date.parse('2026-11-25T08:59:00Z'), message: '{"time":"2026-11-25T08:59:00Z","type":"platform.start","record":{}}' },
    ...events(records),
  ]);
  aws.groups.set(AUTH_GROUP, []);
  aws.groups.set(ACCESS_GROUP, [{ timestamp: Date.parse('2026-11-25T09:00:00Z'), message: '{"requestId":"x","status":"200"}' }]);
});

describe('stack discovery and FilterLogEvents paging', () => {
  it('diagnose finds the log groups from the stack outputs and pages through them', async () => {
    aws.pageSize = 4;
    const r = await runCli(['diagnose', '--region', 'eu-west-1'], { env, stderrTty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(SUMMARY);
    expect(aws.calls[0]).toMatchObject({ operation: 'DescribeStacks', body: { StackName: 'AlexaLinkAdapter' } });
    const filters = aws.calls.filter((c) => c.operation === 'FilterLogEvents');
    // Every …LogGroupName output but the access log, each paged to the end by nextToken.
    const pages = Math.ceil(records.length / 4);
    expect(filters.map((c) => [c.body['logGroupName'], c.body['nextToken'] ?? null])).toEqual([
      ...Array.from({ length: pages }, (_, i) => [TOKEN_GROUP, i === 0 ? null : String(i * 4)]),
      [AUTH_GROUP, null],
    ]);
    expect(filters[0]!.body).toMatchObject({
      filterPattern: '{ $.type = "alexa-link-adapter.exchange" }',
      startTime: Date.parse('2026-11-24T10:00:00.000Z'),
      endTime: Date.parse('2026-11-25T10:00:00.000Z'),
    });
    // Signed with the standard credential chain (SigV4 from the environment).
    expect(filters[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=TESTACCESSKEYNOTREAL\/\d{8}\/eu-west-1\/logs\/aws4_request/);
    // The progress line on a terminal stderr, cleared at the end.
    expect(r.stderr).toContain(`${TOKEN_GROUP}: ${pages} pages, ${records.length} events`);
    expect(r.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it('piped stderr gets no progress line; --stack names another stack', async () => {
    aws.stacks.set('Other', { TokenLogGroupName: TOKEN_GROUP });
    aws.pageSize = 4;
    const r = await runCli(['logs', '--stack', 'Other', '--since', '2h', '--json'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(SCENARIOS.length);
  });

  it('--log-group skips CloudFormation', async () => {
    const r = await runCli(['logs', '--log-group', TOKEN_GROUP, '--since', '2h'], { env });
    expect(r.code).toBe(0);
    expect(aws.calls.map((c) => c.operation)).toEqual(['FilterLogEvents']);
    expect(r.stdout).toContain('link fp:');
  });

  it('report fills the Authorization URL and Domain List from the stack outputs', async () => {
    const r = await runCli(['report', '--link', 's6-3', '--region', 'eu-west-1'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- **Authorization Url:** https://provider.example/authorize');
    expect(r.stdout).toContain('- **Access Token URI:** https://abc123.execute-api.eu-west-1.amazonaws.com/token');
    expect(r.stdout).toContain('(stack AlexaLinkAdapter, eu-west-1)');
    expect(r.stdout).toContain('the adapter runs in eu-west-1');
  });
});

describe('Logs Insights for ranges over a day', () => {
  it('--since 3d: one StartQuery, polled until Complete', async () => {
    aws.insightsRunningPolls = 2;
    const r = await runCli(['diagnose', '--since', '3d'], { env, stderrTty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(SUMMARY);
    expect(aws.calls.map((c) => c.operation)).toEqual(['DescribeStacks', 'StartQuery', 'GetQueryResults', 'GetQueryResults', 'GetQueryResults']);
    expect(aws.calls[1]!.body).toMatchObject({ logGroupNames: [TOKEN_GROUP, AUTH_GROUP], startTime: Date.parse('2026-11-22T10:00:00Z') / 1000 });
    expect(String(aws.calls[1]!.body['queryString'])).toContain('filter type = "alexa-link-adapter.exchange"');
    expect(r.stderr).toContain('Logs Insights: Running');
  }, 20_000);
});

describe('--follow (polling FilterLogEvents)', () => {
  it('prints records already there, then new ones as they arrive, once each', async () => {
    const first = records.slice(0, 2);
    const later = records.slice(2, 3);
    aws.groups.set(TOKEN_GROUP, events(first));
    // Count only this test's polls: calls of earlier tests must not let the waits pass early.
    const polls = () => aws.calls.filter((c) => c.operation === 'FilterLogEvents').length;
    const before = polls();
    const controller = new AbortController();
    const run = runCli(['logs', '--log-group', TOKEN_GROUP, '--follow', '--since', '2h'], { env, signal: controller.signal, pollMs: 10 });
    await vi.waitFor(() => expect(polls() - before).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    aws.groups.get(TOKEN_GROUP)!.push(...events(later));
    const afterPush = polls();
    await vi.waitFor(() => expect(polls() - afterPush).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    controller.abort();
    const r = await run;
    expect(r.code).toBe(0);
    const printed = r.stdout.match(/^  (PASS|FAIL)  \S+/gm)!;
    expect(printed.map((l) => l.slice(8))).toEqual([...first, ...later].map((x) => x.time));
  });
});

describe('errors: clear message, exit code 2', () => {
  it('expired credentials (ExpiredTokenException)', async () => {
    aws.failWith = { status: 400, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
    const r = await runCli(['logs', '--log-group', TOKEN_GROUP], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: log group ${TOKEN_GROUP}: your AWS credentials have expired (ExpiredTokenException). Refresh them (e.g. aws sso login --profile …) and try again.\n`);
  });

  it('expired credentials at CloudFormation (Query protocol ExpiredToken)', async () => {
    aws.failWith = { status: 403, type: 'ExpiredToken', message: 'The security token included in the request is expired' };
    const r = await runCli(['diagnose'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stack AlexaLinkAdapter: your AWS credentials have expired (ExpiredToken)');
  });

  it('missing log group (ResourceNotFoundException)', async () => {
    const r = await runCli(['diagnose', '--log-group', '/aws/lambda/nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: log group /aws/lambda/nope: not found (The specified log group does not exist.). Is the stack deployed in this region?');
  });

  it('missing stack (ValidationError)', async () => {
    const r = await runCli(['logs', '--stack', 'NotDeployed'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: stack NotDeployed: Stack with id NotDeployed does not exist. Deploy it with npx cdk deploy');
  });
});
