/**
 * A counting proxy in front of DynamoDB Local, in a process of its own: every call the handlers
 * make is counted at the wire, by operation, with the capacity DynamoDB Local says it consumed.
 *
 * To learn the consumed capacity without changing what the handler sends, the proxy adds
 * `"ReturnConsumedCapacity":"TOTAL"` to requests that do not ask for it (DynamoDB Local does not
 * verify request signatures) and removes `ConsumedCapacity` from the answer again, re-computing
 * Content-Length and the `x-amz-crc32` checksum the SDK verifies. A failed conditional write
 * answers no ConsumedCapacity (DynamoDB Local, like DynamoDB, puts none in an error); it is
 * counted as such, and the cost model charges it 1 write unit (DynamoDB bills a failed
 * conditional write as a write of the item's size, at least 1 unit).
 *
 * BENCH_DDB_TARGET: DynamoDB Local's endpoint. IPC: {cmd:'reset'} / {cmd:'stats'} (counts by leg, then
 * operation) / {cmd:'leg:<name>'} (calls from now on belong to that leg of the exchange).
 */
import { Agent, createServer, request } from 'node:http';
import { crc32 } from 'node:zlib';

export interface OperationCount {
  calls: number;
  capacityUnits: number;
  /** Calls answered with an error, by its type (ConditionalCheckFailedException, …). */
  errors: Record<string, number>;
  requestBytes: number;
  responseBytes: number;
}

const target = new URL(process.env.BENCH_DDB_TARGET ?? 'http://127.0.0.1:8000');
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
let counts: Record<string, Record<string, OperationCount>> = {};
let leg = 'all';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const original = Buffer.concat(chunks);
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    let body = original;
    let injected = false;
    try {
      const parsed = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
      if (parsed.ReturnConsumedCapacity === undefined || parsed.ReturnConsumedCapacity === 'NONE') {
        parsed.ReturnConsumedCapacity = 'TOTAL';
        injected = true;
        body = Buffer.from(JSON.stringify(parsed));
      }
    } catch {
      /* not JSON: pass through */
    }
    const headers = { ...req.headers, 'content-length': String(body.length), host: target.host };
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent }, (ur) => {
      const out: Buffer[] = [];
      ur.on('data', (c: Buffer) => out.push(c));
      ur.on('end', () => {
        let answer = Buffer.concat(out);
        const c = ((counts[leg] ??= {})[op] ??= { calls: 0, capacityUnits: 0, errors: {}, requestBytes: 0, responseBytes: 0 });
        c.calls++;
        c.requestBytes += original.length;
        const outHeaders = { ...ur.headers };
        try {
          const parsed = JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: { CapacityUnits?: number }; __type?: string };
          if ((ur.statusCode ?? 200) >= 400) {
            const type = String(parsed.__type ?? 'unknown').split('#').pop()!;
            c.errors[type] = (c.errors[type] ?? 0) + 1;
          }
          if (parsed.ConsumedCapacity?.CapacityUnits !== undefined) c.capacityUnits += parsed.ConsumedCapacity.CapacityUnits;
          if (injected && parsed.ConsumedCapacity !== undefined) {
            delete parsed.ConsumedCapacity;
            answer = Buffer.from(JSON.stringify(parsed));
            outHeaders['content-length'] = String(answer.length);
            outHeaders['x-amz-crc32'] = String(crc32(answer));
          }
        } catch {
          /* not JSON: pass through */
        }
        c.responseBytes += answer.length;
        res.writeHead(ur.statusCode ?? 500, outHeaders);
        res.end(answer);
      });
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    up.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ ready: `http://127.0.0.1:${port}` });
});
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd.startsWith('leg:')) {
    leg = msg.cmd.slice(4);
    process.send!({ leg });
  } else if (msg.cmd === 'reset') {
    counts = {};
    leg = 'all';
    process.send!({ reset: true });
  } else if (msg.cmd === 'stats') {
    process.send!({ stats: counts });
  }
});
process.on('disconnect', () => process.exit(0));
