/** Drives the CLI in-process (run()) with captured stdout/stderr, a fixed clock and a given environment. */
import { Readable } from 'node:stream';
import { run } from '../../cli/main';
import type { LogRecord } from '../../cli/records';
import { normalise, runScenario } from './scenario-runner';
import { SCENARIOS } from './scenarios';

/** "Now" for every CLI test: an hour after the normalised fixtures start. */
export const NOW = Date.parse('2026-11-25T10:00:00.000Z');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string; tty?: boolean; stderrTty?: boolean; signal?: AbortSignal; pollMs?: number; fetch?: typeof fetch } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.stderrTty ?? false },
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    env: opts.env ?? {},
    now: () => NOW,
    ...(opts.signal ? { signal: opts.signal } : {}),
    pollMs: opts.pollMs ?? 20,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return { code, stdout, stderr };
}

/**
 * Every scenario run through the real handlers, normalised (fixed clock and ids), each scenario two
 * minutes after the previous one from 09:00 UTC, in table order.
 */
export async function scenarioFixtures(): Promise<{ name: string; records: LogRecord[] }[]> {
  const out: { name: string; records: LogRecord[] }[] = [];
  let start = Date.parse('2026-11-25T09:00:00.000Z');
  for (const [i, s] of SCENARIOS.entries()) {
    out.push({ name: s.name, records: normalise(await runScenario(s), start, `s${i + 1}`) });
    start += 120_000;
  }
  return out;
}

export const jsonl = (records: readonly LogRecord[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
