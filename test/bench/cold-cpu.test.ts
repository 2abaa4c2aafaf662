import { describe, expect, it } from 'vitest';
import { coldCpuRow, MB_FOR_ONE_VCPU, type ChildSample } from '../../bench/lib/cold-cpu';

const sample = (over: Partial<ChildSample>): ChildSample => ({
  bootMs: 100,
  requireMs: 50,
  firstMs: 800,
  firstCpuMs: 150,
  coldCpuMs: 250,
  warm: [
    { ms: 20, cpuMs: 4, status: 200 },
    { ms: 30, cpuMs: 6, status: 200 },
  ],
  maxRssMb: 68,
  firstStatus: 200,
  firstProblems: [],
  ...over,
});

describe('cold start by memory size', () => {
  it('one vCPU at 1,769 MB (Lambda, "Memory and computing power")', () => {
    expect(MB_FOR_ONE_VCPU).toBe(1769);
  });

  it('reports medians, the slowest cold total, the mean warm CPU and which first requests failed', () => {
    const r = coldCpuRow(256, 256 / 1769, [], [
      sample({ firstMs: 700 }),
      sample({ firstMs: 900, firstStatus: 503, firstProblems: ['503', 'deployment_key_unavailable'] }),
      sample({ firstMs: 2000, warm: [{ ms: 40, cpuMs: 8, status: 503 }] }),
    ]);
    expect(r.runs).toBe(3);
    expect(r.firstMs).toBe(900);
    expect(r.coldTotalMs).toBe(100 + 50 + 900);
    expect(r.coldTotalMaxMs).toBe(100 + 50 + 2000);
    expect(r.warmMs).toBe(30);
    expect(r.warmCpuMs).toBeCloseTo((4 + 6 + 4 + 6 + 8) / 5);
    expect(r.firstOk).toBe(2);
    expect([r.warmOk, r.warmRequests]).toEqual([4, 5]);
    expect(r.firstProblems).toEqual(['503', 'deployment_key_unavailable']);
  });
});
