/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local, for tests that must show a promise holds
 * when the table is slow, throttled or drops connections. Handlers under test are left unchanged:
 * the AWS SDK honours `AWS_ENDPOINT_URL_DYNAMODB` (or a client `endpoint`), so they talk to the
 * proxy as they would to DynamoDB.
 *
 *   const proxy = await startDynamoDbProxy(ddb().endpoint);
 *   proxy.setRule((call) => call.op === 'GetItem' && call.pk?.startsWith('refresh#') ? { delayMs: 1200 } : undefined);
 *   … AWS_ENDPOINT_URL_DYNAMODB=proxy.endpoint …
 *
 * Each request is one DynamoDB JSON-protocol call (`X-Amz-Target: DynamoDB_20120810.<Op>`); the
 * rule sees the operation, its key, and counters, and answers with a fault or nothing (forward as
 * is). Faults:
 * - `delayMs`: hold the request back before DynamoDB sees it (a slow network or a queue);
 * - `answerDelayMs`: forward at once, hold the answer back (the write lands, the caller waits);
 * - `error`: answer HTTP 400 with DynamoDB's own error shape instead of forwarding
 *   (`ProvisionedThroughputExceededException`, `ThrottlingException`, `RequestLimitExceeded`,
 *   `InternalServerError`…), as the service does for a throttled hot key;
 * - `reset`: destroy the connection without an answer; `hang`: never answer.
 * Every call is recorded with what was done to it, for assertions.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../../local/adapter';

export interface ProxiedCall {
  /** DynamoDB operation, e.g. `GetItem`, `PutItem`. */
  op: string;
  table?: string;
  /** Partition and sort key of the item (GetItem/DeleteItem `Key`, PutItem `Item`), when given as strings. */
  pk?: string;
  sk?: string;
  /** 1-based number of this call among all calls, and among calls of its operation. */
  n: number;
  nOfOp: number;
  /** ms since the proxy started. */
  at: number;
}

export type DynamoErrorName =
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'RequestLimitExceeded'
  | 'InternalServerError'
  | 'ServiceUnavailable';

export interface Fault {
  delayMs?: number;
  answerDelayMs?: number;
  error?: DynamoErrorName;
  reset?: true;
  hang?: true;
}

export type FaultRule = (call: ProxiedCall) => Fault | undefined;

export interface DynamoDbProxy {
  /** http://127.0.0.1:<port>: give it to the SDK as the DynamoDB endpoint. */
  endpoint: string;
  /** Replaces the rule (undefined: forward everything untouched). */
  setRule(rule: FaultRule | undefined): void;
  /** Every call so far, with the fault applied to it. */
  calls: (ProxiedCall & { fault?: Fault })[];
  /** Calls of one operation (and, optionally, one partition key). */
  count(op?: string, pk?: string): number;
  close(): Promise<void>;
}

/** Status, `__type` namespace and message of DynamoDB's JSON error answers (HTTP 400 for throttling, 500/503 for the others). */
const ERRORS: Record<DynamoErrorName, { status: number; type: string; message: string }> = {
  ProvisionedThroughputExceededException: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  ThrottlingException: { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  RequestLimitExceeded: { status: 400, type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded', message: 'Throughput exceeds the current throughput limit for your account.' },
  InternalServerError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  ServiceUnavailable: { status: 503, type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'Service Unavailable' },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function describeCall(headers: IncomingMessage['headers'], body: Buffer): Pick<ProxiedCall, 'op' | 'table' | 'pk' | 'sk'> {
  const target = String(headers['x-amz-target'] ?? '');
  const op = target.includes('.') ? target.slice(target.indexOf('.') + 1) : target || 'unknown';
  try {
    const json = JSON.parse(body.toString('utf8')) as { TableName?: string; Key?: Record<string, { S?: string }>; Item?: Record<string, { S?: string }> };
    const key = json.Key ?? json.Item;
    return { op, table: json.TableName, pk: key?.pk?.S, sk: key?.sk?.S };
  } catch {
    return { op };
  }
}

/** Forwards one request to DynamoDB Local and returns its whole answer. */
function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
      readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
    });
    upstream.once('error', reject);
    upstream.end(body);
  });
}

export async function startDynamoDbProxy(targetEndpoint: string): Promise<DynamoDbProxy> {
  const target = new URL(targetEndpoint);
  const started = Date.now();
  let rule: FaultRule | undefined;
  const calls: DynamoDbProxy['calls'] = [];
  const perOp = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const what = describeCall(req.headers, body);
      const nOfOp = (perOp.get(what.op) ?? 0) + 1;
      perOp.set(what.op, nOfOp);
      const call: ProxiedCall = { ...what, n: calls.length + 1, nOfOp, at: Date.now() - started };
      const fault = rule?.(call);
      calls.push({ ...call, ...(fault ? { fault } : {}) });
      if (fault?.hang) {
        hanging.add(res);
        return;
      }
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.reset) {
        req.socket.destroy();
        return;
      }
      if (fault?.error) {
        const e = ERRORS[fault.error];
        const text = JSON.stringify({ __type: e.type, message: e.message });
        res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const answer = await forward(target, req, body);
      if (fault?.answerDelayMs) await sleep(fault.answerDelayMs);
      if (res.destroyed) return;
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  const running = await listen(server, 0, '127.0.0.1');
  return {
    endpoint: running.url,
    setRule(r) {
      rule = r;
    },
    calls,
    count: (op, pk) => calls.filter((c) => (op === undefined || c.op === op) && (pk === undefined || c.pk === pk)).length,
    close: async () => {
      for (const r of hanging) r.destroy();
      await running.close();
    },
  };
}
