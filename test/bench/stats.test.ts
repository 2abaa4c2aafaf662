import { describe, expect, it } from 'vitest';
import { bootstrapQuantile, pairedDifferences, perExchange, prng, quantile, summarize } from '../../bench/lib/stats';

describe('quantile (type 7, linear between closest ranks)', () => {
  it('matches numpy.quantile on a small sample', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(s, 0.5)).toBeCloseTo(5.5);
    expect(quantile(s, 0.9)).toBeCloseTo(9.1);
    expect(quantile(s, 0.99)).toBeCloseTo(9.91);
    expect(quantile(s, 0.25)).toBeCloseTo(3.25);
  });

  it('handles the edges: empty, one value, q outside (0, 1)', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([1, 2, 3], 0)).toBe(1);
    expect(quantile([1, 2, 3], 1)).toBe(3);
  });
});

describe('paired differences', () => {
  it('is adapter − floor per pair, not a difference of quantiles', () => {
    // The adapter adds 1 ms to every pair; one floor request hit a 49 ms hiccup of its own.
    const floor = [1, 1, 1, 50, 1, 1, 1, 1, 1, 1];
    const adapter = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    const d = pairedDifferences(floor, adapter);
    expect(d).toEqual([1, 1, 1, -48, 1, 1, 1, 1, 1, 1]);
    expect(summarize(d).p99).toBe(1);
    expect(summarize(d).p50).toBe(1);
    // What the first bench reported as "added p99" says the adapter saves 44 ms at the tail.
    expect(quantile([...adapter].sort((a, b) => a - b), 0.99) - quantile([...floor].sort((a, b) => a - b), 0.99)).toBeLessThan(-40);
  });

  it('keeps negative differences (the adapter can win a pair) and refuses unequal lengths', () => {
    expect(pairedDifferences([3, 1], [2, 4])).toEqual([-1, 3]);
    expect(() => pairedDifferences([1], [1, 2])).toThrow(/length/);
  });
});

describe('summarize', () => {
  it('reports n, quantiles, mean, min and max of unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, p50: 3, mean: 3, min: 1, max: 5 });
    expect(s.p99).toBeCloseTo(4.96);
  });
});

describe('bootstrap interval', () => {
  it('is reproducible, ordered and contains the point estimate', () => {
    const rand = prng(1);
    const samples = Array.from({ length: 500 }, () => rand() * 10);
    const a = bootstrapQuantile(samples, 0.5);
    const b = bootstrapQuantile(samples, 0.5);
    expect(a).toEqual(b);
    expect(a.low).toBeLessThanOrEqual(a.high);
    const p50 = summarize(samples).p50;
    expect(a.low).toBeLessThanOrEqual(p50);
    expect(a.high).toBeGreaterThanOrEqual(p50);
    // A p99 from 500 samples is less certain than a p50.
    const tail = bootstrapQuantile(samples, 0.99);
    expect(tail.high - tail.low).toBeGreaterThan(0);
  });

  it('collapses to the value for constant samples', () => {
    expect(bootstrapQuantile([2, 2, 2, 2], 0.99)).toEqual({ low: 2, high: 2 });
  });
});

describe('perExchange', () => {
  it('divides, and says NaN when nothing ran', () => {
    expect(perExchange(300, 3)).toBe(100);
    expect(perExchange(300, 0)).toBeNaN();
  });
});
