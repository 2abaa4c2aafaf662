/**
 * The cost levers of issue 12 that are NOT in the product, applied one after another to the MEASURED
 * figures: a modelled ladder from today's cost to the goals. Each lever is a pure change of the
 * figures or of the cost options. Levers the product has taken are measured, not modelled, and are
 * gone from this list: no refresh-guard writes for a provider that does not rotate, Lambda platform
 * lines at WARN, the lean access-log format, the compact record.
 */
import type { CostOptions, ExchangeFigures } from './cost';

export interface Lever {
  id: string;
  title: string;
  apply(f: ExchangeFigures, o: CostOptions): { f: ExchangeFigures; o: CostOptions };
}

/** The floor: one 300-byte record (plus its newline and a little slack). */
export const MINIMAL_RECORD_BYTES = 350;

const legs = (f: ExchangeFigures, change: (l: ExchangeFigures['legs'][number]) => Partial<ExchangeFigures['legs'][number]>): ExchangeFigures => ({ ...f, legs: f.legs.map((l) => ({ ...l, ...change(l) })) });

export const LEVERS: Lever[] = [
  {
    id: 'one-write-rotating',
    title: 'rotating refresh: one conditional write of an item ≤ 1 KB',
    apply: (f, o) => ({ f: f.id === 'refresh-rotating' ? legs(f, () => ({ dynamodbCalls: 1, writeUnits: 1 })) : f, o }),
  },
  { id: 'memory-128', title: '128 MB (own CPU ×13.8; its cold start does not fit: see the memory table)', apply: (f, o) => ({ f, o: { ...o, memoryMb: 128 } }) },
  {
    id: 'minimal-record',
    title: `minimal record (≤ ${MINIMAL_RECORD_BYTES} B: codes and numbers only)`,
    apply: (f, o) => ({ f: legs(f, (l) => ({ recordBytes: Math.min(l.recordBytes, l.recordLines * MINIMAL_RECORD_BYTES) })), o }),
  },
  { id: 'function-url', title: 'Lambda function URL instead of the HTTP API (see its trade-offs)', apply: (f, o) => ({ f, o: { ...o, front: 'function-url' } }) },
];

/** The figures and options after each lever, cumulatively (index 0: as measured). */
export function ladder(f: ExchangeFigures, o: CostOptions, levers: readonly Lever[] = LEVERS): { lever: string; f: ExchangeFigures; o: CostOptions }[] {
  const steps = [{ lever: 'as measured', f, o }];
  let cur = { f, o };
  for (const l of levers) {
    cur = l.apply(cur.f, cur.o);
    steps.push({ lever: l.title, ...cur });
  }
  return steps;
}
