/**
 * The CLI's least-privilege IAM policy (`npx alexa-link-adapter iam-policy`; docs/diagnosing.md).
 *
 * Every AWS call the CLI makes is listed in CLI_AWS_CALLS with the commands that make it;
 * test/cli/iam-policy.test.ts runs each command against CloudFormation and CloudWatch Logs faked at
 * the HTTP level, records the calls, and checks each against the printed policy (action and
 * resource), so a new call cannot ship without its permission.
 *
 * Resources: the stack by name; its log groups by CloudFormation's naming of unnamed resources,
 * `<stack name>-<logical id>-<suffix>`. GetQueryResults has no resource-level permissions (IAM:
 * "Actions, resources, and condition keys for Amazon CloudWatch Logs"), so its resource is `*`.
 */
import { DEFAULT_STACK_NAME } from './constants';
import type { CliIO, Values } from './main';

export interface AwsCallPermission {
  /** The IAM action. */
  action: string;
  /** The CLI commands that make this call. */
  commands: readonly string[];
  /** Needed only for ranges over 24 h (Logs Insights). */
  insightsOnly?: boolean;
  resource(scope: PolicyScope): string;
}

export interface PolicyScope {
  stack: string;
  region: string;
  account: string;
  partition: string;
}

const logGroups = (s: PolicyScope) => `arn:${s.partition}:logs:${s.region}:${s.account}:log-group:${s.stack}-*`;

/** Operation name as the SDK sends it → the permission it needs. */
export const CLI_AWS_CALLS: Record<string, AwsCallPermission> = {
  DescribeStacks: {
    action: 'cloudformation:DescribeStacks',
    commands: ['logs', 'diagnose', 'report', 'skill-config'],
    resource: (s) => `arn:${s.partition}:cloudformation:${s.region}:${s.account}:stack/${s.stack}/*`,
  },
  FilterLogEvents: { action: 'logs:FilterLogEvents', commands: ['logs', 'diagnose', 'report'], resource: logGroups },
  StartQuery: { action: 'logs:StartQuery', commands: ['logs', 'diagnose', 'report'], insightsOnly: true, resource: logGroups },
  GetQueryResults: { action: 'logs:GetQueryResults', commands: ['logs', 'diagnose', 'report'], insightsOnly: true, resource: () => '*' },
};

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The policy document for one stack; `insights: false` leaves out what only ranges over 24 h need. */
export function cliPolicy(opts: Partial<PolicyScope> & { insights?: boolean } = {}): PolicyDocument {
  const scope: PolicyScope = { stack: opts.stack ?? DEFAULT_STACK_NAME, region: opts.region ?? '*', account: opts.account ?? '*', partition: opts.partition ?? 'aws' };
  const group = (sid: string, calls: AwsCallPermission[]): PolicyStatement[] => {
    const byResource = new Map<string, string[]>();
    for (const c of calls) byResource.set(c.resource(scope), [...(byResource.get(c.resource(scope)) ?? []), c.action]);
    return [...byResource].map(([resource, actions], i) => ({ Sid: `${sid}${byResource.size > 1 ? i + 1 : ''}`, Effect: 'Allow', Action: actions.sort(), Resource: [resource] }));
  };
  const calls = Object.values(CLI_AWS_CALLS);
  return {
    Version: '2012-10-17',
    Statement: [
      ...group('ReadStackOutputs', calls.filter((c) => c.action.startsWith('cloudformation:'))),
      ...group('ReadExchangeRecords', calls.filter((c) => c.action.startsWith('logs:') && !c.insightsOnly)),
      ...(opts.insights === false ? [] : group('RangesOver24h', calls.filter((c) => c.insightsOnly))),
    ],
  };
}

/** IAM's wildcard match (`*` any run of characters, `?` one character), as a resource ARN test. */
export function iamMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Whether the policy allows `action` on `resource`. */
export function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  return policy.Statement.some((s) => s.Action.includes(action) && s.Resource.some((r) => iamMatches(r, resource)));
}

/** `npx alexa-link-adapter iam-policy …`: the policy as JSON on stdout. */
export function iamPolicyCommand(v: Values, io: CliIO): number {
  const policy = cliPolicy({
    stack: (v['stack'] as string | undefined) ?? io.env['ALEXA_LINK_ADAPTER_STACK'] ?? DEFAULT_STACK_NAME,
    region: v['region'] as string | undefined,
    account: v['account'] as string | undefined,
    partition: v['partition'] as string | undefined,
    insights: !v['no-insights'],
  });
  io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  return 0;
}
