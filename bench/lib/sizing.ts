/**
 * The scale model: what N linked users do to the stack's defaults. Pure arithmetic, unit-tested
 * (test/bench/sizing.test.ts); the per-exchange figures come from the bench (or its committed sample).
 *
 * Traffic: Alexa refreshes an access token when it has expired and the skill is used; with hour-long
 * access tokens that is about once an hour per active user. Peaks are the average × `peakFactor`.
 * Limits compared against:
 * - API Gateway stage throttling: the stack's `throttleRateLimit` / `throttleBurstLimit` defaults
 *   (lambda/core/config.ts; requests above them get 429, which Alexa treats as a failed refresh).
 * - Lambda concurrency = requests/s × billed seconds per request; account default 1,000 concurrent
 *   executions per region (new accounts may start lower), and a function scales by 1,000 every 10 s.
 * - DynamoDB: one partition serves 1,000 write units/s and 3,000 read units/s; an on-demand table
 *   starts with capacity for 4,000 writes/s and 12,000 reads/s and doubles its previous peak. The
 *   adapter's keys are hashes of a token or of a user key: spread over partitions, one item per
 *   refresh token, so no key is hot unless one token is refreshed in a loop (single-flight
 *   followers poll one item every 50 ms while a leader waits).
 */
import { monthlyCost, type Prices, type Quantities } from './cost';

export interface SizingInput {
  users: number;
  /** Share of linked users whose tokens Alexa refreshes (users of the skill in a given hour). */
  activeShare: number;
  refreshesPerActiveUserPerHour: number;
  peakFactor: number;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  accountConcurrency: number;
}

export const DEFAULT_SIZING: Omit<SizingInput, 'throttleRateLimit' | 'throttleBurstLimit'> = {
  users: 1_000_000,
  activeShare: 1,
  refreshesPerActiveUserPerHour: 1,
  peakFactor: 3,
  accountConcurrency: 1000,
};

export const PARTITION_WRITE_UNITS = 1000;
export const PARTITION_READ_UNITS = 3000;
export const ON_DEMAND_INITIAL_WRITES = 4000;
export const ON_DEMAND_INITIAL_READS = 12000;

export interface SizingRow {
  exchange: string;
  averageRps: number;
  peakRps: number;
  /** Peak over the stage rate limit (> 1: requests get 429). */
  throttleRatio: number;
  /** Share of peak requests over the rate limit. */
  throttledShareAtPeak: number;
  peakConcurrency: number;
  concurrencyShareOfAccount: number;
  peakWriteUnitsPerSecond: number;
  peakReadUnitsPerSecond: number;
  /** Partitions the peak needs for its writes / reads (≥ 1). */
  partitionsForWrites: number;
  partitionsForReads: number;
  withinOnDemandStart: boolean;
  exchangesPerMonth: number;
  monthlyCost: number;
  /** Rate limit that would carry the peak with 50% headroom. */
  suggestedRateLimit: number;
}

const HOURS_PER_MONTH = 730;

export function sizing(input: SizingInput, exchange: { title: string; quantities: Quantities }, prices: Prices, front: 'http-api' | 'function-url' = 'http-api'): SizingRow {
  const perHour = input.users * input.activeShare * input.refreshesPerActiveUserPerHour;
  const averageRps = perHour / 3600;
  const peakRps = averageRps * input.peakFactor;
  const q = exchange.quantities;
  const peakConcurrency = peakRps * (q.billedMs / 1000);
  const peakWriteUnitsPerSecond = peakRps * q.writeUnits;
  const peakReadUnitsPerSecond = peakRps * q.readUnits;
  const exchangesPerMonth = perHour * HOURS_PER_MONTH;
  return {
    exchange: exchange.title,
    averageRps,
    peakRps,
    throttleRatio: peakRps / input.throttleRateLimit,
    throttledShareAtPeak: Math.max(0, 1 - input.throttleRateLimit / peakRps),
    peakConcurrency,
    concurrencyShareOfAccount: peakConcurrency / input.accountConcurrency,
    peakWriteUnitsPerSecond,
    peakReadUnitsPerSecond,
    partitionsForWrites: Math.max(1, Math.ceil(peakWriteUnitsPerSecond / PARTITION_WRITE_UNITS)),
    partitionsForReads: Math.max(1, Math.ceil(peakReadUnitsPerSecond / PARTITION_READ_UNITS)),
    withinOnDemandStart: peakWriteUnitsPerSecond <= ON_DEMAND_INITIAL_WRITES && peakReadUnitsPerSecond <= ON_DEMAND_INITIAL_READS,
    exchangesPerMonth,
    monthlyCost: monthlyCost(q, exchangesPerMonth, prices, front),
    suggestedRateLimit: Math.ceil((peakRps * 1.5) / 50) * 50,
  };
}
