/**
 * The bench's statistics, pure so they can be unit-tested (test/bench/stats.test.ts).
 *
 * Latency is reported as quantiles of PAIRED differences: request i through the adapter minus
 * request i through the floor (sent back to back, order alternating), so drift, GC pauses of the
 * client and load from other processes hit both sides of a pair alike. p99(adapter) − p99(floor)
 * is not a quantile of anything and flips sign between runs; p99 of the differences is.
 */

/** Quantile of sorted values, linear interpolation between closest ranks (Hyndman & Fan type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[sorted.length - 1]!;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { n: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), mean, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/** b[i] − a[i] for every pair; the arrays must be the same length (one entry per pair). */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`paired samples differ in length: ${a.length} vs ${b.length}`);
  return a.map((x, i) => b[i]! - x);
}

/** A small deterministic PRNG (mulberry32): bootstrap intervals are reproducible run to run. */
export function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap interval of a quantile: resample the samples with replacement `rounds`
 * times, take the quantile of each resample, report the (1−level)/2 and (1+level)/2 quantiles.
 * Shows how much a p99 from this many samples can be trusted.
 */
export function bootstrapQuantile(samples: readonly number[], q: number, options: { rounds?: number; level?: number; seed?: number } = {}): { low: number; high: number } {
  const n = samples.length;
  if (n === 0) return { low: NaN, high: NaN };
  const rounds = options.rounds ?? 200;
  const level = options.level ?? 0.95;
  const rand = prng(options.seed ?? 12);
  const estimates: number[] = [];
  const resample = new Array<number>(n);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) resample[i] = samples[Math.floor(rand() * n)]!;
    resample.sort((a, b) => a - b);
    estimates.push(quantile(resample, q));
  }
  estimates.sort((a, b) => a - b);
  return { low: quantile(estimates, (1 - level) / 2), high: quantile(estimates, (1 + level) / 2) };
}

/** Per-exchange figures from counters taken over a run: total / exchanges, NaN when nothing ran. */
export function perExchange(total: number, exchanges: number): number {
  return exchanges > 0 ? total / exchanges : NaN;
}
