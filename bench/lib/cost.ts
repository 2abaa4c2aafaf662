/**
 * The cost model: dollars per million exchanges from measured figures and a price list
 * (bench/prices.json). Pure arithmetic, unit-tested (test/bench/cost.test.ts).
 *
 * Per invocation, Lambda bills wall time: the provider wait (a parameter, default 200 ms), plus the
 * handler's own CPU time (measured on the bench machine, stretched by the CPU share Lambda gives the
 * memory size: one vCPU at 1,769 MB, so ×6.9 at 256 MB), plus one in-region round trip per
 * DynamoDB call (a parameter: DynamoDB Local's latency is not DynamoDB's). DynamoDB is charged from
 * the consumed capacity counted at DynamoDB Local; CloudWatch Logs from the bytes of the record as
 * written, the Lambda platform lines and the HTTP API access-log line (bench/lib/log-lines.ts).
 */
import { accessLogContext, meteredBytes, platformLines, renderAccessLog } from './log-lines';

export interface Tier {
  price: number;
}

export interface Prices {
  region: string;
  asOf: string;
  httpApi: { perMillionRequests: (Tier & { upToMillions: number | null })[]; source: string };
  functionUrl: { perMillionRequests: number; source: string };
  lambda: {
    perMillionRequests: number;
    arm64PerGbSecond: (Tier & { upToGbSeconds: number | null })[];
    billingGranularityMs: number;
    mbForOneVcpu: number;
    source: string;
  };
  dynamodb: { onDemandPerMillionWriteUnits: number; onDemandPerMillionReadUnits: number; source: string };
  cloudwatchLogs: { vendedPerGb: (Tier & { upToGb: number | null })[]; standardPerGb: number; bytesPerGb: number; source: string };
}

/** One Lambda invocation of an exchange, as measured. */
export interface LegFigures {
  leg: string;
  /** Handler CPU per invocation on the bench machine, ms. */
  cpuMs: number;
  dynamodbCalls: number;
  writeUnits: number;
  readUnits: number;
  /** Bytes the handler wrote to stdout (records, newline included) and lines. */
  recordBytes: number;
  recordLines: number;
  /** The Lambda waits for the provider during this invocation. */
  providerWait: boolean;
  /** Behind API Gateway (false: Alexa invokes the Lambda directly). */
  httpApi: boolean;
  method: string;
  routeKey: string;
  /** Bytes of the answer's body (the access log's responseLength). */
  answerBytes: number;
}

export interface ExchangeFigures {
  id: string;
  title: string;
  legs: LegFigures[];
  /** High-water RSS of the adapter process, MB. */
  maxRssMb: number;
  /** High-water RSS with V8's heap held to a 128 MB function's budget, when measured, MB. */
  maxRssMbAt128?: number;
  /** Goal in $ per million exchanges, all in (issue 12). */
  goal?: number;
}

export interface CostOptions {
  memoryMb: number;
  providerWaitMs: number;
  dynamodbLatencyMs: number;
  front: 'http-api' | 'function-url';
  /** Stretch CPU time by the CPU share of the memory size (Lambda: one vCPU at 1,769 MB). */
  cpuScaling: boolean;
  /** '' = access logging off. */
  accessLogFormat: string;
  eventOverheadBytes: number;
  /** Lambda system log level INFO writes platform.start/report per invocation; WARN writes none. */
  platformLines: boolean;
}

export const DEFAULT_COST_OPTIONS: Omit<CostOptions, 'accessLogFormat'> = {
  memoryMb: 256,
  providerWaitMs: 200,
  dynamodbLatencyMs: 4,
  front: 'http-api',
  cpuScaling: true,
  eventOverheadBytes: 26,
  platformLines: true,
};

/** What one exchange consumes, in the units AWS bills. */
export interface Quantities {
  httpApiRequests: number;
  lambdaRequests: number;
  gbSeconds: number;
  billedMs: number;
  writeUnits: number;
  readUnits: number;
  lambdaLogBytes: number;
  accessLogBytes: number;
  logBytes: { record: number; platform: number; accessLog: number };
}

export interface CostLines {
  front: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamodb: number;
  logs: number;
  total: number;
}

export interface Cost {
  quantities: Quantities;
  /** $ per million exchanges, first price tier. */
  perMillion: CostLines;
  /** The measured high-water RSS fits the memory size. */
  fitsMemory: boolean;
}

/** Wall time of one invocation and what Lambda bills for it. */
export function invocationMs(leg: LegFigures, o: Pick<CostOptions, 'memoryMb' | 'providerWaitMs' | 'dynamodbLatencyMs' | 'cpuScaling'>, lambda: Pick<Prices['lambda'], 'billingGranularityMs' | 'mbForOneVcpu'>): { durationMs: number; billedMs: number } {
  const stretch = o.cpuScaling ? Math.max(1, lambda.mbForOneVcpu / o.memoryMb) : 1;
  const durationMs = (leg.providerWait ? o.providerWaitMs : 0) + leg.cpuMs * stretch + leg.dynamodbCalls * o.dynamodbLatencyMs;
  const g = lambda.billingGranularityMs;
  return { durationMs, billedMs: Math.max(g, Math.ceil(durationMs / g) * g) };
}

/** Price of `amount` units under tiers whose `upTo` bounds are cumulative (null: no bound). */
export function tiered(amount: number, tiers: readonly { upTo: number | null; price: number }[]): number {
  let left = amount;
  let floor = 0;
  let cost = 0;
  for (const t of tiers) {
    const width = t.upTo === null ? Infinity : t.upTo - floor;
    const take = Math.min(left, width);
    cost += take * t.price;
    left -= take;
    floor = t.upTo ?? floor;
    if (left <= 0) break;
  }
  return cost;
}

export function quantities(f: ExchangeFigures, o: CostOptions, prices: Prices): Quantities {
  let httpApiRequests = 0;
  let gbSeconds = 0;
  let billedMs = 0;
  let writeUnits = 0;
  let readUnits = 0;
  let record = 0;
  let platform = 0;
  let accessLog = 0;
  for (const leg of f.legs) {
    const { durationMs, billedMs: billed } = invocationMs(leg, o, prices.lambda);
    billedMs += billed;
    gbSeconds += (billed / 1000) * (o.memoryMb / 1024);
    writeUnits += leg.writeUnits;
    readUnits += leg.readUnits;
    // CloudWatch stores each line without its newline; every line is one metered event.
    record += leg.recordBytes - leg.recordLines + leg.recordLines * o.eventOverheadBytes;
    if (o.platformLines) platform += meteredBytes(
      platformLines({ requestId: '0f3c5a8e-2b7d-4c1e-9a6f-3d2e1b0c9a87', startMs: 1_764_547_200_123, durationMs, billedDurationMs: billed, memorySizeMb: o.memoryMb, maxMemoryUsedMb: Math.ceil(f.maxRssMb) }),
      o.eventOverheadBytes,
    );
    if (leg.httpApi && o.front === 'http-api') httpApiRequests++;
    if (leg.httpApi && o.front === 'http-api' && o.accessLogFormat !== '') {
      const line = renderAccessLog(
        o.accessLogFormat,
        accessLogContext({ method: leg.method, routeKey: leg.routeKey, status: leg.method === 'GET' ? 302 : 200, responseLength: leg.answerBytes, latencyMs: durationMs + 8, integrationLatencyMs: durationMs + 3, lambdaRequestId: '0f3c5a8e-2b7d-4c1e-9a6f-3d2e1b0c9a87', epochMs: 1_764_547_200_123 }),
      );
      accessLog += meteredBytes([line], o.eventOverheadBytes);
    }
  }
  return { httpApiRequests, lambdaRequests: f.legs.length, gbSeconds, billedMs, writeUnits, readUnits, lambdaLogBytes: record + platform, accessLogBytes: accessLog, logBytes: { record, platform, accessLog } };
}

/** $ per million exchanges at the first price tier. */
export function costPerMillion(f: ExchangeFigures, o: CostOptions, prices: Prices): Cost {
  const q = quantities(f, o, prices);
  const perGb = (bytes: number, price: number) => (bytes / prices.cloudwatchLogs.bytesPerGb) * price * 1e6;
  const lines = {
    front: q.httpApiRequests * prices.httpApi.perMillionRequests[0]!.price + (o.front === 'function-url' ? q.lambdaRequests * prices.functionUrl.perMillionRequests : 0),
    lambdaRequests: q.lambdaRequests * prices.lambda.perMillionRequests,
    lambdaDuration: q.gbSeconds * prices.lambda.arm64PerGbSecond[0]!.price * 1e6,
    dynamodb: q.writeUnits * prices.dynamodb.onDemandPerMillionWriteUnits + q.readUnits * prices.dynamodb.onDemandPerMillionReadUnits,
    logs: perGb(q.lambdaLogBytes, prices.cloudwatchLogs.vendedPerGb[0]!.price) + perGb(q.accessLogBytes, prices.cloudwatchLogs.standardPerGb),
  };
  const total = lines.front + lines.lambdaRequests + lines.lambdaDuration + lines.dynamodb + lines.logs;
  // At 128 MB the heap-capped run is the honest test (a free V8 grows its heap lazily and never shrinks RSS).
  const rss = o.memoryMb <= 128 && f.maxRssMbAt128 !== undefined ? f.maxRssMbAt128 : f.maxRssMb;
  return { quantities: q, perMillion: { ...lines, total }, fitsMemory: rss <= o.memoryMb };
}

/** Monthly bill for `exchanges` exchanges of one kind, with every price tier applied. */
export function monthlyCost(q: Quantities, exchanges: number, prices: Prices, front: CostOptions['front']): number {
  const m = exchanges;
  const httpApi = tiered((q.httpApiRequests * m) / 1e6, prices.httpApi.perMillionRequests.map((t) => ({ upTo: t.upToMillions, price: t.price })));
  const requests = ((q.lambdaRequests * m) / 1e6) * (prices.lambda.perMillionRequests + (front === 'function-url' ? prices.functionUrl.perMillionRequests : 0));
  const duration = tiered(q.gbSeconds * m, prices.lambda.arm64PerGbSecond.map((t) => ({ upTo: t.upToGbSeconds, price: t.price })));
  const dynamodb = ((q.writeUnits * m) / 1e6) * prices.dynamodb.onDemandPerMillionWriteUnits + ((q.readUnits * m) / 1e6) * prices.dynamodb.onDemandPerMillionReadUnits;
  const gb = (bytes: number) => (bytes * m) / prices.cloudwatchLogs.bytesPerGb;
  const logs = tiered(gb(q.lambdaLogBytes), prices.cloudwatchLogs.vendedPerGb.map((t) => ({ upTo: t.upToGb, price: t.price }))) + gb(q.accessLogBytes) * prices.cloudwatchLogs.standardPerGb;
  return httpApi + requests + duration + dynamodb + logs;
}
