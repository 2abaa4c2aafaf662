import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costPerMillion, DEFAULT_COST_OPTIONS, invocationMs, monthlyCost, quantities, tiered, type CostOptions, type ExchangeFigures, type LegFigures, type Prices } from '../../bench/lib/cost';
import { accessLogContext, meteredBytes, platformLines, renderAccessLog } from '../../bench/lib/log-lines';
import { accessLogFormat } from '../../lib/account-linking-adapter';

const prices = JSON.parse(readFileSync(new URL('../../bench/prices.json', import.meta.url), 'utf8')) as Prices;
const options: CostOptions = { ...DEFAULT_COST_OPTIONS, accessLogFormat: accessLogFormat().toString() };

const leg = (over: Partial<LegFigures> = {}): LegFigures => ({
  leg: 'token',
  cpuMs: 0,
  dynamodbCalls: 0,
  writeUnits: 0,
  readUnits: 0,
  recordBytes: 0,
  recordLines: 0,
  providerWait: true,
  httpApi: true,
  method: 'POST',
  routeKey: 'POST /token',
  answerBytes: 300,
  ...over,
});
const exchange = (legs: LegFigures[], maxRssMb = 90): ExchangeFigures => ({ id: 'x', title: 'x', legs, maxRssMb });

describe('the price list', () => {
  it('names its region, date and a source for every service', () => {
    expect(prices.region).toBe('us-east-1');
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}/);
    for (const s of [prices.httpApi, prices.lambda, prices.dynamodb, prices.cloudwatchLogs, prices.functionUrl]) expect(s.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});

describe('invocation duration', () => {
  it('bills the provider wait, CPU stretched by the memory size\'s CPU share, and DynamoDB round trips, rounded up to 1 ms', () => {
    const l = leg({ cpuMs: 0.5, dynamodbCalls: 2 });
    const at256 = invocationMs(l, { ...options, memoryMb: 256 }, prices.lambda);
    expect(at256.durationMs).toBeCloseTo(200 + 0.5 * (1769 / 256) + 2 * 4);
    expect(at256.billedMs).toBe(212);
    // At 1769 MB and above a function has a full vCPU: no stretch.
    expect(invocationMs(l, { ...options, memoryMb: 3008 }, prices.lambda).durationMs).toBeCloseTo(200.5 + 8);
    expect(invocationMs(l, { ...options, cpuScaling: false }, prices.lambda).durationMs).toBeCloseTo(208.5);
    // An invocation without a provider wait (authorize) bills its own time only, at least 1 ms.
    expect(invocationMs(leg({ providerWait: false }), options, prices.lambda).billedMs).toBe(1);
  });
});

describe('cost per million exchanges', () => {
  it('reproduces the floor of the issue: requests, 128 MB for 200 ms and one 300-byte record', () => {
    const f = exchange([leg({ recordBytes: 301, recordLines: 1 })]);
    const c = costPerMillion(f, { ...options, memoryMb: 128 }, prices);
    expect(c.perMillion.front).toBeCloseTo(1.0);
    expect(c.perMillion.lambdaRequests).toBeCloseTo(0.2);
    // 0.125 GB × 0.2 s × $0.0000133334 × 1e6
    expect(c.perMillion.lambdaDuration).toBeCloseTo(0.333, 2);
    expect(c.quantities.logBytes.record).toBe(300 + 26);
  });

  it('charges DynamoDB from counted capacity and logs per GB, and the total is the sum of its lines', () => {
    const f = exchange([leg({ writeUnits: 3, readUnits: 1, recordBytes: 1451, recordLines: 1 })]);
    const c = costPerMillion(f, options, prices);
    expect(c.perMillion.dynamodb).toBeCloseTo(3 * 0.625 + 0.125);
    const logBytes = c.quantities.lambdaLogBytes + c.quantities.accessLogBytes;
    expect(c.perMillion.logs).toBeCloseTo((logBytes / 2 ** 30) * 0.5 * 1e6);
    const p = c.perMillion;
    expect(p.total).toBeCloseTo(p.front + p.lambdaRequests + p.lambdaDuration + p.dynamodb + p.logs);
  });

  it('a function URL front drops the HTTP API request and the access-log line, nothing else', () => {
    const f = exchange([leg({ recordBytes: 1000, recordLines: 1 })]);
    const api = costPerMillion(f, options, prices);
    const url = costPerMillion(f, { ...options, front: 'function-url' }, prices);
    expect(url.perMillion.front).toBe(0);
    expect(url.quantities.accessLogBytes).toBe(0);
    expect(url.perMillion.lambdaDuration).toBeCloseTo(api.perMillion.lambdaDuration);
    expect(api.perMillion.total - url.perMillion.total).toBeCloseTo(1 + (api.quantities.accessLogBytes / 2 ** 30) * 0.5 * 1e6);
  });

  it('a direct invoke (AcceptGrant) has no HTTP API request; two legs are two invocations', () => {
    expect(costPerMillion(exchange([leg({ httpApi: false })]), options, prices).perMillion.front).toBe(0);
    const two = quantities(exchange([leg({ providerWait: false }), leg({ providerWait: false, method: 'GET', routeKey: 'GET /callback' })]), options, prices);
    expect(two.lambdaRequests).toBe(2);
    expect(two.httpApiRequests).toBe(2);
  });

  it('flags a memory size the measured high-water does not fit', () => {
    expect(costPerMillion(exchange([leg()], 140), { ...options, memoryMb: 128 }, prices).fitsMemory).toBe(false);
    expect(costPerMillion(exchange([leg()], 140), options, prices).fitsMemory).toBe(true);
    // Measured again with the heap held to 128 MB: that run decides the 128 MB question.
    expect(costPerMillion({ ...exchange([leg()], 140), maxRssMbAt128: 95 }, { ...options, memoryMb: 128 }, prices).fitsMemory).toBe(true);
  });
});

describe('tiers and the monthly bill', () => {
  it('prices each tier in turn', () => {
    const tiers = [
      { upTo: 300, price: 1 },
      { upTo: null, price: 0.9 },
    ];
    expect(tiered(100, tiers)).toBeCloseTo(100);
    expect(tiered(400, tiers)).toBeCloseTo(300 + 90);
  });

  it('equals the per-million figure × volume below the first tier boundaries', () => {
    const f = exchange([leg({ writeUnits: 2, recordBytes: 1400, recordLines: 1 })]);
    const c = costPerMillion(f, options, prices);
    expect(monthlyCost(c.quantities, 10e6, prices, 'http-api')).toBeCloseTo(c.perMillion.total * 10, 6);
    // Past 300 M HTTP API requests the price drops to $0.90 per million.
    expect(monthlyCost(c.quantities, 400e6, prices, 'http-api')).toBeCloseTo(c.perMillion.total * 400 - 100 * 0.1, 2);
  });
});

describe('log lines', () => {
  it('renders the stack\'s access-log format with every $context variable replaced', () => {
    const line = renderAccessLog(accessLogFormat().toString(), accessLogContext({ method: 'POST', routeKey: 'POST /token', status: 200, responseLength: 512, latencyMs: 210, integrationLatencyMs: 205, lambdaRequestId: 'abc', epochMs: 1 }));
    expect(line).not.toContain('$context');
    const parsed = JSON.parse(line) as Record<string, string>;
    expect(parsed).toMatchObject({ routeKey: 'POST /token', status: '200', integrationRequestId: 'abc', errorMessage: '-' });
  });

  it('platform lines are JSON platform.start and platform.report; metering adds 26 B per event', () => {
    const lines = platformLines({ requestId: 'r', startMs: 0, durationMs: 201.5, billedDurationMs: 202, memorySizeMb: 256, maxMemoryUsedMb: 90 });
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['platform.start', 'platform.report']);
    expect(meteredBytes(['abc', 'é'])).toBe(3 + 26 + 2 + 26);
  });
});

describe('levers', () => {
  it('apply cumulatively; each changes only what it names', async () => {
    const { ladder } = await import('../../bench/lib/levers');
    const refresh: ExchangeFigures = { id: 'refresh', title: 'r', legs: [leg({ dynamodbCalls: 2, writeUnits: 4, recordBytes: 1400, recordLines: 1 })], maxRssMb: 90 };
    const steps = ladder(refresh, options);
    expect(steps.map((s) => s.lever)[0]).toBe('as measured');
    const after = (id: number) => steps[id]!;
    // The rotating-refresh lever leaves a non-rotating exchange alone.
    expect(after(1).f.legs[0]).toMatchObject({ dynamodbCalls: 2, writeUnits: 4 });
    expect(after(2).o.memoryMb).toBe(128);
    expect(after(3).f.legs[0]!.recordBytes).toBe(350);
    expect(after(4).o.front).toBe('function-url');
    const totals = steps.map((s) => costPerMillion(s.f, s.o, prices).perMillion.total);
    for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeLessThanOrEqual(totals[i - 1]! + 1e-9);
    const rotating: ExchangeFigures = { ...refresh, id: 'refresh-rotating' };
    expect(ladder(rotating, options)[1]!.f.legs[0]).toMatchObject({ dynamodbCalls: 1, writeUnits: 1 });
  });

  it('system log level WARN drops the platform lines; an empty access-log format drops the access line', () => {
    const f = exchange([leg({ recordBytes: 1000, recordLines: 1 })]);
    expect(quantities(f, { ...options, platformLines: false }, prices).logBytes.platform).toBe(0);
    expect(quantities(f, { ...options, accessLogFormat: '' }, prices).logBytes.accessLog).toBe(0);
  });
});
