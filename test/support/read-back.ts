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
