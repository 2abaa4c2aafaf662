/**
 * A record as the CLI reads it back (cli/records.ts parseRecordLine): what a compact (v2) record
 * leaves out put back, and every verdict with its severity and text rendered from the catalogue.
 * Tests of a route's behaviour assert on this: what the record says, whatever its written form;
 * test/contract/record-size.test.ts and the no-secret tests assert on what is written.
 */
import { parseRecordLine } from '../../cli/records';

export function readBack<T>(record: object): T {
  const read = parseRecordLine(JSON.stringify(record));
  if (!read) throw new Error(`not a record: ${JSON.stringify(record).slice(0, 200)}`);
  return read as unknown as T;
}

/**
 * Verdicts as the CLI shows them (`{code, severity, message}`, compact ones rendered from the
 * catalogue), for the record of this provider and grant they would be written in.
 */
export function renderedVerdicts(verdicts: readonly object[], record: { provider: string; grantType?: string }): { code: string; severity: string; message: string }[] {
  return readBack<{ verdicts: { code: string; severity: string; message: string }[] }>({
    type: 'alexa-link-adapter.exchange',
    v: 2,
    time: '2026-12-01T00:00:00.000Z',
    requestId: 'r',
    route: 'POST /token',
    outcome: 'success',
    timing: { totalMs: 0 },
    ...record,
    clientAuth: 'none',
    verdicts,
  }).verdicts;
}
