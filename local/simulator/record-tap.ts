/**
 * Local mode's exchange records, kept in memory for the link simulator as a reader of stdout sees
 * them: each record goes through JSON and `parseRecordLine`, the same path `diagnose --local` takes.
 */
import { parseRecordLine, type LogRecord } from '../../cli/records';
import type { RecordSink } from '../../lambda/shared/log';

/** Enough for many simulated links; the oldest records go first. */
const KEEP = 2000;

export class RecordTap {
  readonly records: LogRecord[] = [];

  /** A sink that writes to `next` (stdout in local mode) and keeps the record. */
  sink(next?: RecordSink): RecordSink {
    return (record) => {
      next?.(record);
      const parsed = parseRecordLine(JSON.stringify(record));
      if (!parsed) return;
      this.records.push(parsed);
      if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP);
    };
  }
}
