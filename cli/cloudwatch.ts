/**
 * The deployed stack as a log source: finds the stack's log groups from its CloudFormation outputs
 * (every `…LogGroupName` output except the API Gateway access log), reads exchange records with
 * FilterLogEvents (paged by nextToken) or, for ranges over a day, Logs Insights (StartQuery /
 * GetQueryResults), and follows new records by polling FilterLogEvents.
 *
 * Why polling for --follow: StartLiveTail is an HTTP/2 event stream (the SDK needs an h2 connection
 * to streams-live.logs.<region>.amazonaws.com); polling FilterLogEvents every few seconds gives the
 * same records with a few seconds' delay, works with the same IAM action as `logs`, and can be
 * tested against a plain loopback HTTP server.
 */
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { CliError, sleep, type FollowOptions, type LogSource, type ReadRange } from './log-source';
import { recordFilterPattern, recordInsightsFilter } from '../lambda/contract/record-type';
import { OUTPUT_KEYS } from '../lambda/contract/outputs';
import { parseRecordLine, timeMs, type LogRecord } from './records';

/** FilterLogEvents pattern: only exchange records (JSON filter syntax). */
export const RECORD_FILTER = recordFilterPattern();
/** Ranges longer than this go through Logs Insights (one query instead of many pages). */
export const INSIGHTS_THRESHOLD_MS = 24 * 3600_000;
/** Logs Insights returns at most 10,000 rows per query. */
export const INSIGHTS_LIMIT = 10_000;

export interface AwsOptions {
  region?: string;
  profile?: string;
  /** Endpoint overrides (tests, LocalStack); also read from AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / _CLOUDFORMATION by the SDK. */
  logsEndpoint?: string;
  cloudFormationEndpoint?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'AccessDeniedException',
  'AccessDenied',
  'CredentialsProviderError',
]);

/** Turns an SDK error into a message a user can act on (exit code 2). */
export function awsErrorMessage(err: unknown, what: string): CliError {
  const e = err as { name?: string; message?: string; Code?: string };
  const name = e.name ?? e.Code ?? 'Error';
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') {
    return new CliError(`${what}: your AWS credentials have expired (${name}). Refresh them (e.g. aws sso login --profile …) and try again.`);
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new CliError(`${what}: no AWS credentials found. Use --profile NAME, or set AWS_PROFILE / AWS_ACCESS_KEY_ID.`);
  }
  if (CREDENTIAL_ERRORS.has(name)) return new CliError(`${what}: AWS refused the credentials (${name}: ${e.message ?? ''}).`);
  if (name === 'ResourceNotFoundException') {
    return new CliError(`${what}: not found (${e.message ?? name}). Is the stack deployed in this region? Use --region, --stack or --log-group.`);
  }
  if (name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
    return new CliError(`${what}: ${e.message}. Deploy it with npx cdk deploy, or name it with --stack and check --region.`);
  }
  return new CliError(`${what}: ${name}: ${e.message ?? String(err)}`);
}

function clientConfig(opts: AwsOptions, endpoint: string | undefined) {
  return {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
  };
}

export function logsClient(opts: AwsOptions): CloudWatchLogsClient {
  return new CloudWatchLogsClient(clientConfig(opts, opts.logsEndpoint));
}

export interface StackInfo {
  name: string;
  region: string;
  outputs: Record<string, string>;
  /** Log groups holding exchange records (not the access log). */
  logGroups: string[];
}

/** Reads the stack's outputs (the stable keys of OUTPUT_KEYS, lambda/contract/outputs.ts). */
export async function describeStack(stackName: string, opts: AwsOptions): Promise<StackInfo> {
  const cfn = new CloudFormationClient(clientConfig(opts, opts.cloudFormationEndpoint));
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = res.Stacks?.[0];
    if (!stack) throw new CliError(`stack ${stackName}: not found`);
    const outputs: Record<string, string> = {};
    for (const o of stack.Outputs ?? ([] as Output[])) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
    const logGroups = Object.entries(outputs)
      .filter(([k]) => k.endsWith('LogGroupName') && k !== OUTPUT_KEYS.accessLogGroupName)
      .map(([, v]) => v);
    if (logGroups.length === 0) throw new CliError(`stack ${stackName} has no …LogGroupName output; is it an alexa-link-adapter stack? Name a log group with --log-group.`);
    return { name: stackName, region: await cfn.config.region(), outputs, logGroups };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw awsErrorMessage(err, `stack ${stackName}`);
  } finally {
    cfn.destroy();
  }
}

function toRecord(e: FilteredLogEvent): LogRecord | undefined {
  return e.message ? parseRecordLine(e.message) : undefined;
}

export class CloudWatchLogSource implements LogSource {
  readonly description: string;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly logGroups: readonly string[],
    private readonly options: { now?: () => number; pollMs?: number; insightsPollMs?: number } = {},
  ) {
    this.description = `log group${logGroups.length === 1 ? '' : 's'} ${logGroups.join(', ')}`;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async read(range: ReadRange, progress?: (message: string) => void): Promise<LogRecord[]> {
    const since = range.sinceMs ?? 0;
    const until = range.untilMs ?? this.now();
    const records: LogRecord[] = [];
    if (until - since > INSIGHTS_THRESHOLD_MS) {
      records.push(...(await this.insights(since, until, progress)));
    } else {
      for (const group of this.logGroups) records.push(...(await this.filter(group, since, until, progress)));
    }
    return records.sort((a, b) => timeMs(a) - timeMs(b));
  }

  private async filter(group: string, since: number, until: number, progress?: (m: string) => void): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    let events = 0;
    do {
      let res;
      try {
        res = await this.client.send(
          new FilterLogEventsCommand({ logGroupName: group, startTime: since, endTime: until, filterPattern: RECORD_FILTER, nextToken }),
        );
      } catch (err) {
        throw awsErrorMessage(err, `log group ${group}`);
      }
      pages++;
      for (const e of res.events ?? []) {
        events++;
        const r = toRecord(e);
        if (r) out.push(r);
      }
      nextToken = res.nextToken;
      if (nextToken || pages > 1) progress?.(`${group}: ${pages} page${pages === 1 ? '' : 's'}, ${events} events`);
    } while (nextToken);
    return out;
  }

  private async insights(since: number, until: number, progress?: (m: string) => void): Promise<LogRecord[]> {
    let queryId: string | undefined;
    try {
      const started = await this.client.send(
        new StartQueryCommand({
          logGroupNames: [...this.logGroups],
          startTime: Math.floor(since / 1000),
          endTime: Math.ceil(until / 1000),
          queryString: `fields @message | filter ${recordInsightsFilter()} | sort @timestamp asc | limit ${INSIGHTS_LIMIT}`,
          limit: INSIGHTS_LIMIT,
        }),
      );
      queryId = started.queryId;
    } catch (err) {
      throw awsErrorMessage(err, `Logs Insights query on ${this.logGroups.join(', ')}`);
    }
    for (;;) {
      let res;
      try {
        res = await this.client.send(new GetQueryResultsCommand({ queryId }));
      } catch (err) {
        throw awsErrorMessage(err, 'Logs Insights results');
      }
      const status = res.status ?? 'Unknown';
      if (status === 'Complete') {
        const rows = res.results ?? [];
        if (rows.length >= INSIGHTS_LIMIT) progress?.(`Logs Insights returned its maximum of ${INSIGHTS_LIMIT} records; narrow --since or use --link`);
        return rows.map((row) => row.find((f) => f.field === '@message')?.value).flatMap((m) => (m ? [parseRecordLine(m)] : [])).filter((r): r is LogRecord => r !== undefined);
      }
      if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout') throw new CliError(`Logs Insights query ${status.toLowerCase()}`);
      progress?.(`Logs Insights: ${status}, ${res.statistics?.recordsScanned ?? 0} records scanned`);
      await sleep(this.options.insightsPollMs ?? 1000);
    }
  }

  async follow(options: FollowOptions): Promise<void> {
    const seen = new Set<string>();
    let since = options.sinceMs ?? this.now() - 60_000;
    while (!options.signal.aborted) {
      for (const group of this.logGroups) {
        let nextToken: string | undefined;
        do {
          let res;
          try {
            res = await this.client.send(new FilterLogEventsCommand({ logGroupName: group, startTime: since, filterPattern: RECORD_FILTER, nextToken }));
          } catch (err) {
            throw awsErrorMessage(err, `log group ${group}`);
          }
          for (const e of res.events ?? []) {
            const key = `${group}/${e.eventId ?? `${e.logStreamName}/${e.timestamp}`}`;
            if (seen.has(key)) continue;
            seen.add(key);
            if (e.timestamp !== undefined) since = Math.max(since, e.timestamp - 5_000);
            const r = toRecord(e);
            if (r) options.onRecord(r);
          }
          nextToken = res.nextToken;
        } while (nextToken && !options.signal.aborted);
      }
      await sleep(this.options.pollMs ?? 2000, options.signal);
    }
  }
}
