/**
 * The log lines AWS writes around each exchange, rendered as they would be for a deployed stack so
 * their bytes can be counted (the record itself is measured: it is what the handler writes).
 *
 * Assumptions, each with its source:
 * - Lambda system log lines, JSON log format (lib/adapter-function.ts sets LoggingFormat.JSON; no
 *   system log level is set, so INFO): per warm invocation `platform.start` and `platform.report`
 *   (the text format's START and REPORT; END has no JSON line, `platform.runtimeDone` is DEBUG).
 *   Shapes from the Lambda Telemetry API event schema reference (docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html)
 *   and "Log-level filtering" (monitoring-cloudwatchlogs-log-level.html). Cold starts add
 *   platform.initStart / initReport, not counted here.
 * - The HTTP API access-log line: the stack's own format (lib/account-linking-adapter.ts
 *   accessLogFormat()), with $context values of AWS's shapes: request ids of 16 characters, Alexa's
 *   IPv4 source address, the Lambda's awsRequestId (a UUID) as integration request id, `-` for an
 *   empty value (API Gateway's rendering).
 * - CloudWatch Logs meters each event as its UTF-8 message plus 26 bytes (PutLogEvents' event size
 *   rule, docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html); the
 *   bench charges that overhead too, so the figure errs high rather than low.
 */

export const EVENT_OVERHEAD_BYTES = 26;

export interface PlatformLineInput {
  requestId: string;
  /** Epoch ms of the invocation start. */
  startMs: number;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
}

export function platformLines(i: PlatformLineInput): string[] {
  const start = { time: new Date(i.startMs).toISOString(), type: 'platform.start', record: { requestId: i.requestId, version: '$LATEST' } };
  const report = {
    time: new Date(i.startMs + i.durationMs).toISOString(),
    type: 'platform.report',
    record: {
      requestId: i.requestId,
      metrics: { durationMs: Math.round(i.durationMs * 1000) / 1000, billedDurationMs: i.billedDurationMs, memorySizeMB: i.memorySizeMb, maxMemoryUsedMB: i.maxMemoryUsedMb },
      status: 'success',
    },
  };
  return [JSON.stringify(start), JSON.stringify(report)];
}

/** Replaces each `$context.x.y` of an API Gateway access-log format; unknown or empty values render as `-`. */
export function renderAccessLog(format: string, context: Record<string, string | number | undefined>): string {
  return format.replace(/\$context\.[A-Za-z0-9_.]+[A-Za-z0-9_]/g, (name) => {
    const v = context[name.slice('$context.'.length)];
    return v === undefined || v === '' ? '-' : String(v);
  });
}

/** $context values of one request, shaped as API Gateway writes them. */
export function accessLogContext(i: { method: string; routeKey: string; status: number; responseLength: number; latencyMs: number; integrationLatencyMs: number; lambdaRequestId: string; epochMs: number }): Record<string, string | number> {
  return {
    requestId: 'Jz6X2hYzoAMEMdA=',
    requestTimeEpoch: i.epochMs,
    'identity.sourceIp': '54.240.197.233',
    httpMethod: i.method,
    routeKey: i.routeKey,
    status: i.status,
    responseLength: i.responseLength,
    responseLatency: Math.round(i.latencyMs),
    integrationLatency: Math.round(i.integrationLatencyMs),
    integrationStatus: 200,
    'integration.requestId': i.lambdaRequestId,
  };
}

/** Bytes CloudWatch Logs meters for these lines (each line one event). */
export function meteredBytes(lines: readonly string[], overhead = EVENT_OVERHEAD_BYTES): number {
  return lines.reduce((sum, l) => sum + Buffer.byteLength(l, 'utf8') + overhead, 0);
}
