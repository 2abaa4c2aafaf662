import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Prices, Quantities } from '../../bench/lib/cost';
import { DEFAULT_SIZING, sizing } from '../../bench/lib/sizing';
import { parseAdapterConfig } from '../../lambda/core/config';

const prices = JSON.parse(readFileSync(new URL('../../bench/prices.json', import.meta.url), 'utf8')) as Prices;
const q: Quantities = { httpApiRequests: 1, lambdaRequests: 1, gbSeconds: 0.25 * 0.25, billedMs: 250, writeUnits: 3, readUnits: 1, lambdaLogBytes: 2000, accessLogBytes: 400, logBytes: { record: 1500, platform: 500, accessLog: 400 } };
const defaults = parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' });

describe('sizing', () => {
  it('reads the stack\'s throttling defaults from the configuration schema', () => {
    expect(defaults.throttleRateLimit).toBeGreaterThan(0);
    expect(defaults.throttleBurstLimit).toBeGreaterThanOrEqual(defaults.throttleRateLimit);
  });

  it('1 million users refreshing hourly with peaks ×3: 833 requests/s at peak, concurrency = rps × billed seconds', () => {
    const r = sizing({ ...DEFAULT_SIZING, throttleRateLimit: 50, throttleBurstLimit: 100 }, { title: 'refresh', quantities: q }, prices);
    expect(r.averageRps).toBeCloseTo(277.8, 1);
    expect(r.peakRps).toBeCloseTo(833.3, 1);
    expect(r.throttleRatio).toBeCloseTo(16.67, 2);
    expect(r.throttledShareAtPeak).toBeCloseTo(0.94, 2);
    expect(r.peakConcurrency).toBeCloseTo(208.3, 1);
    expect(r.peakWriteUnitsPerSecond).toBeCloseTo(2500);
    expect(r.partitionsForWrites).toBe(3);
    expect(r.partitionsForReads).toBe(1);
    expect(r.withinOnDemandStart).toBe(true);
    expect(r.exchangesPerMonth).toBeCloseTo(730e6);
    expect(r.suggestedRateLimit).toBe(1250);
  });

  it('a small skill is not throttled, and its monthly bill is the per-exchange cost × volume', () => {
    const r = sizing({ ...DEFAULT_SIZING, users: 10_000, throttleRateLimit: 50, throttleBurstLimit: 100 }, { title: 'refresh', quantities: q }, prices);
    expect(r.throttleRatio).toBeLessThan(1);
    expect(r.throttledShareAtPeak).toBe(0);
    const perExchange = 1e-6 * (1 + 0.2) + q.gbSeconds * 0.0000133334 + 1e-6 * (3 * 0.625 + 0.125) + (2400 / 2 ** 30) * 0.5;
    expect(r.monthlyCost).toBeCloseTo(perExchange * r.exchangesPerMonth, 4);
  });

  it('write-heavy peaks beyond a new on-demand table\'s start capacity ask for pre-warming', () => {
    const r = sizing({ ...DEFAULT_SIZING, users: 5_000_000, throttleRateLimit: 50, throttleBurstLimit: 100 }, { title: 'refresh', quantities: q }, prices);
    expect(r.peakWriteUnitsPerSecond).toBeGreaterThan(4000);
    expect(r.withinOnDemandStart).toBe(false);
  });
});
