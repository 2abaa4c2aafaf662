/**
 * One bench "function" in a process of its own: a handler behind a stand-in for what invokes it in
 * AWS, plus the counters the bench reads over IPC. The orchestrator (bench/run.ts) starts one host
 * per arm (adapter, floor, stub), so each process's CPU and memory are that arm's alone.
 *
 * Stand-ins:
 * - `http`: local mode's API Gateway HTTP API stand-in (local/api-gateway.ts: payload format 2.0,
 *   form bodies base64-encoded as in AWS). Its own cost is API Gateway's work in AWS, not the
 *   Lambda's; it is the same code in every arm, so it cancels in paired differences, and the `stub`
 *   arm measures it on its own.
 * - `invoke`: Alexa's direct invoke of the smart-home Lambda: the JSON body is the event, the
 *   handler's value is the JSON answer.
 *
 * Handlers: a Lambda bundle built exactly as NodejsFunction builds it (its `handler` export is
 * called as Lambda calls it: configuration from the environment, store from TABLE_NAME), or one
 * of the floors (bench/lib/floors.ts).
 *
 * Configuration: BENCH_HOST (JSON, see HostConfig). IPC: {cmd:'reset'} starts a measurement window;
 * {cmd:'stats'} answers the counters since the last reset. Records the handlers write to stdout are
 * counted here (bytes and lines) and pass on to the orchestrator's pipe as in Lambda.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { apiGatewayListener, type Route, type V2Handler } from '../../local/api-gateway';
import { acceptGrantFloor, forwardFloor, redirectFloor, stubFloor } from '../lib/floors';

export type HandlerSpec =
  | { bundle: string }
  | { floor: 'forward'; target: string }
  | { floor: 'redirect'; target: string }
  | { floor: 'accept-grant'; target: string; clientId: string; clientSecret: string }
  | { floor: 'stub' };

export interface HostRoute {
  method: string;
  path: string;
  handler: HandlerSpec;
}

export interface HostConfig {
  kind: 'http' | 'invoke';
  routes: HostRoute[];
}

export interface HostStats {
  /** process.cpuUsage() since reset, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** CPU inside handler calls (what the Lambda would run), µs, and the number of calls. */
  handlerCpuUs: number;
  invocations: number;
  /** process.resourceUsage().maxRSS, KB (a high-water mark since process start). */
  maxRssKb: number;
  /** Highest heapUsed seen after an invocation, bytes. */
  heapUsedMax: number;
  heapTotal: number;
  /** After a full GC at the end of the window (needs --expose-gc): the live heap and RSS, MB-ready bytes. */
  heapUsedAfterGc: number;
  rssAfterGc: number;
  stdoutBytes: number;
  stdoutLines: number;
  /** The last line each route wrote (the record), for samples. */
  lastLines: Record<string, string>;
  /** The same counters by route (`GET /authorize`, …). */
  routes: Record<string, RouteStats>;
}

export interface RouteStats {
  invocations: number;
  handlerCpuUs: number;
  stdoutBytes: number;
  stdoutLines: number;
}

const config = JSON.parse(process.env.BENCH_HOST ?? '{}') as HostConfig;
const requireBundle = createRequire(__filename);

type AnyHandler = (event: never, context: { awsRequestId: string; getRemainingTimeInMillis: () => number }) => Promise<unknown>;

function handlerOf(spec: HandlerSpec): AnyHandler {
  if ('bundle' in spec) return (requireBundle(spec.bundle) as { handler: AnyHandler }).handler;
  switch (spec.floor) {
    case 'forward':
      return forwardFloor(spec.target) as AnyHandler;
    case 'redirect':
      return redirectFloor(spec.target) as AnyHandler;
    case 'accept-grant':
      return acceptGrantFloor(spec.target, spec.clientId, spec.clientSecret) as AnyHandler;
    case 'stub':
      return stubFloor() as AnyHandler;
  }
}

// --- Counters ---------------------------------------------------------------------------------------
let cpu0 = process.cpuUsage();
let handlerCpuUs = 0;
let invocations = 0;
let heapUsedMax = 0;
let stdoutBytes = 0;
let stdoutLines = 0;
let currentRoute = '';
const lastLines: Record<string, string> = {};
let routeStats: Record<string, RouteStats> = {};
const routeOf = (name: string) => (routeStats[name] ??= { invocations: 0, handlerCpuUs: 0, stdoutBytes: 0, stdoutLines: 0 });

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const bytes = Buffer.byteLength(text);
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  stdoutBytes += bytes;
  stdoutLines += lines;
  if (currentRoute) {
    const r = routeOf(currentRoute);
    r.stdoutBytes += bytes;
    r.stdoutLines += lines;
    lastLines[currentRoute] = text.trimEnd();
  }
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

function measured(name: string, handler: AnyHandler): AnyHandler {
  return async (event, context) => {
    currentRoute = name;
    const c0 = process.cpuUsage();
    try {
      return await handler(event, context);
    } finally {
      const d = process.cpuUsage(c0);
      const r = routeOf(name);
      r.handlerCpuUs += d.user + d.system;
      r.invocations++;
      handlerCpuUs += d.user + d.system;
      invocations++;
      if (invocations % 8 === 0) heapUsedMax = Math.max(heapUsedMax, process.memoryUsage().heapUsed);
    }
  };
}

function stats(): HostStats {
  const d = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  heapUsedMax = Math.max(heapUsedMax, mem.heapUsed);
  const maxRssKb = process.resourceUsage().maxRSS;
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  return { cpuUserUs: d.user, cpuSystemUs: d.system, handlerCpuUs, invocations, maxRssKb, heapUsedMax, heapTotal: mem.heapTotal, heapUsedAfterGc: after.heapUsed, rssAfterGc: after.rss, stdoutBytes, stdoutLines, lastLines: { ...lastLines }, routes: routeStats };
}

function reset(): void {
  cpu0 = process.cpuUsage();
  handlerCpuUs = 0;
  invocations = 0;
  stdoutBytes = 0;
  stdoutLines = 0;
  routeStats = {};
}

// --- Stand-ins ----------------------------------------------------------------------------------------
function httpListener() {
  const routes: Route[] = config.routes.map((r) => ({ method: r.method, path: r.path, handler: measured(`${r.method} ${r.path}`, handlerOf(r.handler)) as V2Handler, timeoutMs: 5000 }));
  return apiGatewayListener(routes);
}

function invokeListener() {
  const route = config.routes[0]!;
  const handler = measured(`${route.method} ${route.path}`, handlerOf(route.handler));
  return async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as never;
    const deadline = Date.now() + 8000;
    const answer = await handler(event, { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  };
}

const listener = config.kind === 'invoke' ? invokeListener() : httpListener();
const server = createServer((req, res) => {
  listener(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ ready: `http://127.0.0.1:${port}` });
});

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'reset') {
    reset();
    process.send!({ reset: true });
  } else if (msg.cmd === 'stats') {
    process.send!({ stats: stats() });
  }
});
process.on('disconnect', () => process.exit(0));
