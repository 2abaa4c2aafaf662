/**
 * Runs diagnosis scenarios through the REAL handlers: a scripted provider on loopback, the adapter's
 * routes through the API Gateway stand-in (local/adapter.ts, the same handlers Lambda runs), and
 * Alexa's requests as Alexa makes them (test/support/fake-alexa.ts). The records the handlers write
 * are the fixtures the CLI is tested on, so the CLI and the handlers cannot drift apart.
 *
 * Scenarios are data (scenarios.ts). Scenarios across routes (authorization leg, smart home) are
 * walked by flow-runner.ts (flow-scenarios.ts).
 */
import type { LogRecord } from '../../cli/records';
import { parseRecordLine } from '../../cli/records';
import { alexaTokenRequest, startTestAdapter, type TokenCall } from '../support/fake-alexa';
import { startFakeServer, type ReceivedRequest } from '../support/fake-server';
import { answer, type ProviderAnswer } from './provider-answer';

export type { ProviderAnswer };

export interface Scenario {
  name: string;
  /** The seed failure it reproduces (for the closing note and the README). */
  seed: string;
  provider: 'generic' | 'github' | 'google';
  upstreamTimeoutMs?: number;
  /** The provider's answers, in order (the last one repeats). */
  answers: ProviderAnswer[];
  /** Alexa's requests, in order. */
  requests: TokenCall[];
  /** Rule ids diagnose must name (findings: error/warn), exactly. */
  findings: string[];
  /** Rule ids reported as handled by the adapter, exactly. */
  handled?: string[];
}

/** Runs one scenario and returns the records the handlers wrote, re-read from their JSON lines. */
export async function runScenario(s: Scenario): Promise<LogRecord[]> {
  let n = 0;
  const provider = await startFakeServer((_req: ReceivedRequest, res) => {
    const a = s.answers[Math.min(n++, s.answers.length - 1)]!;
    answer(res, a);
  });
  const adapter = await startTestAdapter({ provider: s.provider, tokenUrl: provider.tokenUrl, ...(s.upstreamTimeoutMs ? { upstreamTimeoutMs: s.upstreamTimeoutMs } : {}) });
  try {
    for (const call of s.requests) await alexaTokenRequest(adapter.url, call);
    // Through JSON, exactly as CloudWatch or local mode's stdout would carry them.
    return adapter.records.map((r) => parseRecordLine(JSON.stringify(r))!);
  } finally {
    await adapter.close();
    await provider.close();
  }
}

/**
 * Stable records for output snapshots: a fixed clock (one second per record from a fixed start),
 * fixed request ids and timings. Only what varies between runs is replaced.
 */
export function normalise(records: readonly LogRecord[], start = Date.parse('2026-11-25T09:00:00.000Z'), tag = 'req'): LogRecord[] {
  return records.map((r, i) => {
    const copy = JSON.parse(JSON.stringify(r)) as LogRecord;
    copy.time = new Date(start + i * 1000).toISOString();
    copy.requestId = `${tag}-${i + 1}`;
    const up = copy.upstream as { outcome?: string; url?: string; latencyMs?: number } | undefined;
    // Whether the provider was called decides the split, never the measured value (a loopback call can take 0 ms).
    const called = up?.outcome !== undefined && up.outcome !== 'not_called';
    copy.timing = up?.outcome === 'timeout' ? { totalMs: 152, upstreamMs: 150, ownMs: 2 } : { totalMs: 42, upstreamMs: called ? 40 : 0, ownMs: called ? 2 : 42 };
    if (up?.latencyMs !== undefined) up.latencyMs = 40;
    if (up?.url !== undefined) up.url = 'https://provider.example/token';
    return copy;
  });
}
