/**
 * Writes one record as one line of compact JSON on stdout. In Lambda (JSON log format) a line
 * written to stdout directly reaches CloudWatch as-is, so Logs Insights sees the record's own
 * fields; console.log would wrap it in the runtime's {timestamp, level, message} envelope.
 */
export type RecordSink = (record: object) => void;

export const stdoutSink: RecordSink = (record) => {
  process.stdout.write(`${JSON.stringify(record)}\n`);
};
