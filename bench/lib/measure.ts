/**
 * Runs one scenario: both arms in fresh processes, warm-up, then paired exchanges with the order
 * alternating (floor first on even pairs, adapter first on odd ones), then each process's counters.
 * A separate, shorter pass through the counting proxy counts DynamoDB calls and capacity, so the
 * timed pass talks to DynamoDB Local directly and the proxy's hop is in no latency figure.
 */
import type { HostStats } from '../procs/host';
import type { OperationCount } from '../procs/ddb-proxy';
import { startChild, type Child } from './processes';
import type { ArmName, ArmSpec, Environment, Scenario } from './scenarios';
import { bootstrapQuantile, pairedDifferences, perExchange, summarize, type Summary } from './stats';

export interface RunOptions {
  warmup: number;
  requests: number;
  maxMs: number;
  countRequests: number;
  /** Extra node flags for the adapter process (e.g. --cpu-prof). */
  adapterExecArgv?: string[];
}

export interface LegResult {
  floor: Summary;
  adapter: Summary;
  /** adapter − floor, per pair. */
  diff: Summary;
  diffP50CI: { low: number; high: number };
  diffP99CI: { low: number; high: number };
}

export interface ArmCounters {
  /** Whole-process CPU per exchange (stand-in + handler), µs. */
  processCpuUs: number;
  /** CPU inside the handler per exchange (what the Lambda runs), µs. */
  handlerCpuUs: number;
  /** High-water RSS over the run (no memory pressure: V8 grows its heap lazily), MB. */
  maxRssMb: number;
  heapUsedMaxMb: number;
  /** RSS and live heap after a full GC at the end: closer to what the function needs, MB. */
  rssAfterGcMb: number;
  liveHeapMb: number;
  /** Bytes the handlers wrote to stdout per exchange (the records), and lines. */
  logBytes: number;
  logLines: number;
  lastLines: Record<string, string>;
}

export interface DynamoDbCounts {
  exchanges: number;
  callsPerExchange: Record<string, number>;
  writeUnitsPerExchange: number;
  readUnitsPerExchange: number;
  /** Failed conditional writes etc. per exchange, by error type. */
  errorsPerExchange: Record<string, number>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  floorName: string;
  pairs: number;
  truncated: boolean;
  legs: Record<string, LegResult>;
  total: LegResult;
  arms: Record<ArmName, ArmCounters>;
  /** DynamoDB calls and capacity per exchange, by leg (counting pass). */
  dynamodb?: Record<string, DynamoDbCounts>;
  /** Adapter handler CPU and record bytes per invocation, by leg. */
  legCounters: Record<string, { handlerCpuUs: number; logBytes: number; logLines: number; sampleRecord?: string }>;
}

async function startArm(host: string, spec: ArmSpec, execArgv?: string[]): Promise<Child<{ ready: string }>> {
  return startChild<{ ready: string }>(host, { ...spec.env, BENCH_HOST: JSON.stringify({ kind: spec.kind, routes: spec.routes }) }, { execArgv: ['--expose-gc', ...(execArgv ?? [])] });
}

function counters(s: HostStats, exchanges: number): ArmCounters {
  return {
    processCpuUs: perExchange(s.cpuUserUs + s.cpuSystemUs, exchanges),
    handlerCpuUs: perExchange(s.handlerCpuUs, exchanges),
    maxRssMb: s.maxRssKb / 1024,
    heapUsedMaxMb: s.heapUsedMax / (1024 * 1024),
    rssAfterGcMb: s.rssAfterGc / (1024 * 1024),
    liveHeapMb: s.heapUsedAfterGc / (1024 * 1024),
    logBytes: perExchange(s.stdoutBytes, exchanges),
    logLines: perExchange(s.stdoutLines, exchanges),
    lastLines: s.lastLines,
  };
}

function leg(floor: number[], adapter: number[]): LegResult {
  const d = pairedDifferences(floor, adapter);
  return { floor: summarize(floor), adapter: summarize(adapter), diff: summarize(d), diffP50CI: bootstrapQuantile(d, 0.5), diffP99CI: bootstrapQuantile(d, 0.99) };
}

const WRITES = new Set(['PutItem', 'DeleteItem', 'UpdateItem', 'BatchWriteItem', 'TransactWriteItems']);

export function dynamoDbPerExchange(counts: Record<string, OperationCount>, exchanges: number): DynamoDbCounts {
  const callsPerExchange: Record<string, number> = {};
  const errorsPerExchange: Record<string, number> = {};
  let write = 0;
  let read = 0;
  for (const [op, c] of Object.entries(counts)) {
    callsPerExchange[op] = c.calls / exchanges;
    for (const [type, n] of Object.entries(c.errors)) errorsPerExchange[`${op} ${type}`] = n / exchanges;
    // A failed conditional write returns no ConsumedCapacity; DynamoDB still bills it (≥ 1 unit).
    const failedWrites = WRITES.has(op) ? (c.errors.ConditionalCheckFailedException ?? 0) : 0;
    if (WRITES.has(op)) write += c.capacityUnits + failedWrites;
    else read += c.capacityUnits;
  }
  return { exchanges, callsPerExchange, writeUnitsPerExchange: write / exchanges, readUnitsPerExchange: read / exchanges, errorsPerExchange };
}

export async function runScenario(
  scenario: Scenario,
  env: Environment,
  hostScript: string,
  endpoints: { dynamodb: string; proxy: Child<{ ready: string }> },
  options: RunOptions,
): Promise<ScenarioResult> {
  const specs = scenario.arms(env, endpoints.dynamodb);
  const floorHost = await startArm(hostScript, specs.floor);
  const adapterHost = await startArm(hostScript, specs.adapter, options.adapterExecArgv);
  const times: Record<ArmName, Record<string, number[]>> = { floor: {}, adapter: {} };
  for (const arm of ['floor', 'adapter'] as const) for (const l of [...scenario.legs, 'total']) times[arm][l] = [];
  let pairs = 0;
  let truncated = false;
  let stats: Record<ArmName, HostStats>;
  try {
    const base = { floor: floorHost.ready.ready, adapter: adapterHost.ready.ready };
    const once = async (arm: ArmName, i: number, keep: boolean) => {
      const r = await scenario.step(arm, base[arm], i);
      if (!keep) return;
      let total = 0;
      for (const l of scenario.legs) {
        times[arm][l]!.push(r[l]!);
        total += r[l]!;
      }
      times[arm].total!.push(total);
    };
    for (let i = 0; i < options.warmup; i++) {
      await once('floor', i, false);
      await once('adapter', i, false);
    }
    await Promise.all([floorHost.ask('reset', 'reset'), adapterHost.ask('reset', 'reset')]);
    const started = performance.now();
    for (let i = 0; i < options.requests; i++) {
      if (performance.now() - started > options.maxMs) {
        truncated = true;
        break;
      }
      const order: ArmName[] = i % 2 === 0 ? ['floor', 'adapter'] : ['adapter', 'floor'];
      for (const arm of order) await once(arm, options.warmup + i, true);
      pairs++;
    }
    stats = { floor: await floorHost.ask<HostStats>('stats', 'stats'), adapter: await adapterHost.ask<HostStats>('stats', 'stats') };
  } finally {
    await Promise.allSettled([floorHost.stop(), adapterHost.stop()]);
  }
  const legs: Record<string, LegResult> = {};
  for (const l of scenario.legs) legs[l] = leg(times.floor[l]!, times.adapter[l]!);
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    floorName: scenario.floorName,
    pairs,
    truncated,
    legs,
    total: leg(times.floor.total!, times.adapter.total!),
    arms: { floor: counters(stats.floor, pairs), adapter: counters(stats.adapter, pairs) },
    legCounters: {},
  };
  // Host routes are named `METHOD /path`; legs map to them in order (a single-route host has one).
  const routeNames = specs.adapter.routes.map((r) => `${r.method} ${r.path}`);
  scenario.legs.forEach((l, i) => {
    const name = routeNames[Math.min(i, routeNames.length - 1)]!;
    const r = stats.adapter.routes[name];
    result.legCounters[l] = {
      handlerCpuUs: perExchange(r?.handlerCpuUs ?? 0, pairs),
      logBytes: perExchange(r?.stdoutBytes ?? 0, pairs),
      logLines: perExchange(r?.stdoutLines ?? 0, pairs),
      sampleRecord: stats.adapter.lastLines[name],
    };
  });

  if (scenario.countDynamoDb && options.countRequests > 0) {
    const proxyEndpoint = endpoints.proxy.ready.ready;
    const counted = await startArm(hostScript, scenario.arms(env, proxyEndpoint).adapter);
    try {
      const base = counted.ready.ready;
      // One unmeasured exchange first: the SDK client's first call (credentials, endpoint) is cold-start work.
      await scenario.step('adapter', base, -1);
      await endpoints.proxy.ask('reset', 'reset');
      const onLeg = (l: string) => endpoints.proxy.ask(`leg:${l}`, 'leg');
      if (scenario.legs.length === 1) await onLeg(scenario.legs[0]!);
      for (let i = 0; i < options.countRequests; i++) await scenario.step('adapter', base, i, scenario.legs.length > 1 ? onLeg : undefined);
      const byLeg = await endpoints.proxy.ask<Record<string, Record<string, OperationCount>>>('stats', 'stats');
      result.dynamodb = Object.fromEntries(scenario.legs.map((l) => [l, dynamoDbPerExchange(byLeg[l] ?? {}, options.countRequests)]));
    } finally {
      await counted.stop();
    }
  }
  return result;
}

/** The stand-in on its own: a stub handler behind it, no upstream; its CPU per request is API Gateway's work in AWS. */
export async function runStub(hostScript: string, options: RunOptions): Promise<{ latency: Summary; processCpuUs: number; handlerCpuUs: number; maxRssMb: number }> {
  const { send } = await import('./client');
  const host = await startArm(hostScript, { kind: 'http', routes: [{ method: 'POST', path: '/token', handler: { floor: 'stub' } }], env: {} });
  try {
    const url = `${host.ready.ready}/token`;
    const req = () => send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic YmVuY2g6YmVuY2g=' }, body: 'grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Flayla.amazon.com%2Fapi%2Fskill%2Flink%2FM2AAAAAAAAAAAA' });
    for (let i = 0; i < options.warmup; i++) await req();
    await host.ask('reset', 'reset');
    const ms: number[] = [];
    for (let i = 0; i < options.requests; i++) ms.push((await req()).ms);
    const s = await host.ask<HostStats>('stats', 'stats');
    return { latency: summarize(ms), processCpuUs: perExchange(s.cpuUserUs + s.cpuSystemUs, ms.length), handlerCpuUs: perExchange(s.handlerCpuUs, ms.length), maxRssMb: s.maxRssKb / 1024 };
  } finally {
    await host.stop();
  }
}
