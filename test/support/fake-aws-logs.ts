/**
 * CloudWatch Logs and CloudFormation as loopback HTTP servers, answering the SDK's wire protocols as
 * the service documentation describes them:
 * - CloudWatch Logs: AWS JSON 1.1 (POST /, `X-Amz-Target: Logs_20140328.<Operation>`, errors as
 *   `{"__type": "…", "message": "…"}` with HTTP 400);
 * - CloudFormation: AWS Query (POST form `Action=DescribeStacks`, XML answers, `<ErrorResponse>`).
 * Every request is recorded (operation and parsed body) so tests can assert paging and filters.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, vi } from 'vitest';
import { listen } from '../../local/adapter';

export interface LogEvent {
  logStreamName?: string;
  timestamp: number;
  message: string;
  eventId?: string;
}

export interface AwsCall {
  operation: string;
  body: Record<string, unknown>;
  authorization?: string;
}

export interface FakeAws {
  url: string;
  calls: AwsCall[];
  /** Log events per log group (missing group → ResourceNotFoundException). */
  groups: Map<string, LogEvent[]>;
  /** Events per FilterLogEvents page. */
  pageSize: number;
  /** Answer every call with this error instead. */
  failWith?: { status: number; type: string; message: string };
  /** Stack outputs per stack name (missing stack → ValidationError). */
  stacks: Map<string, Record<string, string>>;
  /** GetQueryResults answers Running this many times before Complete. */
  insightsRunningPolls: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake-request-id' });
  res.end(JSON.stringify(body));
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeAws(): Promise<FakeAws> {
  const queries = new Map<string, { groups: string[]; start: number; end: number; polls: number }>();
  let self!: FakeAws;
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const operation = target.replace(/^Logs_20140328\./, '');
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        self.calls.push({ operation, body, authorization: req.headers['authorization'] });
        if (self.failWith) return json(res, self.failWith.status, { __type: self.failWith.type, message: self.failWith.message });
        const group = body['logGroupName'] as string | undefined;
        switch (operation) {
          case 'FilterLogEvents': {
            const events = self.groups.get(group ?? '');
            if (!events) return json(res, 400, { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
            const start = (body['startTime'] as number | undefined) ?? 0;
            const end = (body['endTime'] as number | undefined) ?? Number.MAX_SAFE_INTEGER;
            const matching = events.filter((e) => e.timestamp >= start && e.timestamp <= end && (!body['filterPattern'] || e.message.includes('"type":"alexa-link-adapter.exchange"')));
            const offset = Number(body['nextToken'] ?? 0);
            const page = matching.slice(offset, offset + self.pageSize);
            const next = offset + self.pageSize < matching.length ? String(offset + self.pageSize) : undefined;
            return json(res, 200, {
              events: page.map((e) => ({ logStreamName: e.logStreamName ?? '2026/11/25/[$LATEST]abc', timestamp: e.timestamp, ingestionTime: e.timestamp + 100, message: e.message, eventId: e.eventId ?? `${group}#${events.indexOf(e)}` })),
              ...(next ? { nextToken: next } : {}),
            });
          }
          case 'StartQuery': {
            const names = (body['logGroupNames'] as string[] | undefined) ?? [];
            const missing = names.find((n) => !self.groups.has(n));
            if (missing) return json(res, 400, { __type: 'ResourceNotFoundException', message: `Log group '${missing}' does not exist` });
            const id = `query-${queries.size + 1}`;
            queries.set(id, { groups: names, start: Number(body['startTime']) * 1000, end: Number(body['endTime']) * 1000, polls: 0 });
            return json(res, 200, { queryId: id });
          }
          case 'GetQueryResults': {
            const q = queries.get(body['queryId'] as string);
            if (!q) return json(res, 400, { __type: 'InvalidParameterException', message: 'unknown query' });
            if (q.polls++ < self.insightsRunningPolls) return json(res, 200, { status: 'Running', results: [], statistics: { recordsScanned: 10 * q.polls } });
            const rows = q.groups
              .flatMap((g) => self.groups.get(g)!)
              .filter((e) => e.timestamp >= q.start && e.timestamp <= q.end)
              .sort((a, b) => a.timestamp - b.timestamp)
              .map((e) => [{ field: '@message', value: e.message }, { field: '@ptr', value: 'ptr' }]);
            return json(res, 200, { status: 'Complete', results: rows, statistics: { recordsMatched: rows.length } });
          }
          default:
            return json(res, 400, { __type: 'UnknownOperationException', message: operation });
        }
      }
      // CloudFormation, AWS Query protocol.
      const form = new URLSearchParams(text);
      const action = form.get('Action') ?? '';
      self.calls.push({ operation: action, body: Object.fromEntries(form), authorization: req.headers['authorization'] });
      res.setHeader('content-type', 'text/xml');
      const err = (code: string, message: string, status = 400) => {
        res.statusCode = status;
        res.end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`);
      };
      if (self.failWith) return err(self.failWith.type, self.failWith.message, self.failWith.status);
      if (action !== 'DescribeStacks') return err('InvalidAction', action);
      const name = form.get('StackName') ?? '';
      const outputs = self.stacks.get(name);
      if (!outputs) return err('ValidationError', `Stack with id ${name} does not exist`);
      const members = Object.entries(outputs)
        .map(([k, v]) => `<member><OutputKey>${xmlEscape(k)}</OutputKey><OutputValue>${xmlEscape(v)}</OutputValue></member>`)
        .join('');
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${xmlEscape(name)}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${xmlEscape(name)}/1</StackId><CreationTime>2026-11-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    })().catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  const running = await listen(server, 0, '127.0.0.1');
  self = { url: running.url, calls: [], groups: new Map(), pageSize: 50, stacks: new Map(), insightsRunningPolls: 0, close: () => running.close() };
  return self;
}

/**
 * The fake services for one test file, with the SDK's credential chain kept off any real ~/.aws: beforeAll
 * starts them and stubs the environment (fake keys, `region`, no profile or config files), afterAll undoes
 * both. The getter gives the fake and the environment the CLI needs (its endpoint overrides).
 */
export function useFakeAws(region = 'eu-west-1'): () => { aws: FakeAws; env: Record<string, string> } {
  let state: { aws: FakeAws; env: Record<string, string> } | undefined;
  beforeAll(async () => {
    const aws = await startFakeAws();
    state = { aws, env: { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.url, AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url } };
    // The standard credential chain reads the environment first; keep any real ~/.aws out of the test.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'TESTACCESSKEYNOTREAL');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-key');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_REGION', region);
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await state?.aws.close();
  });
  return () => {
    if (!state) throw new Error('useFakeAws: the fake services start in beforeAll');
    return state;
  };
}
