/**
 * The `type` every record carries, and the log filters that select records by it. The handlers write
 * it, the CLI reads only lines that carry it, and the stack's saved queries and metric filter match on
 * it: one string, so none of them can drift from the others.
 */

export const RECORD_TYPE = 'alexa-link-adapter.exchange' as const;

/** CloudWatch Logs JSON filter pattern (FilterLogEvents, metric filters) for records; `and` adds a condition. */
export const recordFilterPattern = (and?: string): string => `{ $.type = "${RECORD_TYPE}"${and ? ` && ${and}` : ''} }`;

/** Logs Insights condition selecting records (`| filter …`); `and` adds a condition. */
export const recordInsightsFilter = (and?: string): string => `type = "${RECORD_TYPE}"${and ? ` and ${and}` : ''}`;
