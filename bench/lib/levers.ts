/**
 * The cost levers of issue 12, applied one after another to the MEASURED figures: a modelled ladder
 * from today's cost to the goals, so the later product work can be aimed (and the lead can see
 * which lever is worth what). Each lever is a pure change of the figures or of the cost options;
 * none of them is implemented in the product by the bench.
 */
import type { CostOptions, ExchangeFigures } from './cost';

export interface Lever {
  id: string;
  title: string;
  apply(f: ExchangeFigures, o: CostOptions): { f: ExchangeFigures; o: CostOptions };
}

/** An access-log line with only what the CLI and alarms join on: request id, status, latency, the Lambda's request id. */
export const LEAN_ACCESS_LOG_FORMAT = JSON.stringify({ requestId: '$context.requestId', status: '$context.status', latency: '$context.responseLatency', lambdaRequestId: '$context.integration.requestId' });

export const COMPACT_RECORD_BYTES = 700;
/** The floor: one 300-byte record (plus its newline and a little slack). */
export const MINIMAL_RECORD_BYTES = 350;

const legs = (f: ExchangeFigures, change: (l: ExchangeFigures['legs'][number]) => Partial<ExchangeFigures['legs'][number]>): ExchangeFigures => ({ ...f, legs: f.legs.map((l) => ({ ...l, ...change(l) })) });

export const LEVERS: Lever[] = [
  {
    id: 'no-guard-non-rotating',
    title: 'no refresh-guard writes for a provider that does not rotate',
    apply: (f, o) => ({ f: f.id === 'refresh' ? legs(f, () => ({ dynamodbCalls: 0, writeUnits: 0, readUnits: 0 })) : f, o }),
  },
  {
    id: 'one-write-rotating',
    title: 'rotating refresh: one conditional write of an item ≤ 1 KB',
    apply: (f, o) => ({ f: f.id === 'refresh-rotating' ? legs(f, () => ({ dynamodbCalls: 1, writeUnits: 1 })) : f, o }),
  },
  {
    id: 'compact-record',
    title: `compact record (≤ ${COMPACT_RECORD_BYTES} B per line)`,
    apply: (f, o) => ({ f: legs(f, (l) => ({ recordBytes: Math.min(l.recordBytes, l.recordLines * COMPACT_RECORD_BYTES) })), o }),
  },
  { id: 'system-log-warn', title: 'Lambda system log level WARN (no platform.start/report lines)', apply: (f, o) => ({ f, o: { ...o, platformLines: false } }) },
  { id: 'lean-access-log', title: 'access log: request id, status, latency, Lambda request id only', apply: (f, o) => ({ f, o: { ...o, accessLogFormat: LEAN_ACCESS_LOG_FORMAT } }) },
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
