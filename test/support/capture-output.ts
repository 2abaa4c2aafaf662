/**
 * Captures (and swallows) everything written to stdout and stderr from now on, as the default record
 * sink writes it in Lambda: the tests then check the exact bytes CloudWatch would receive.
 * vi.restoreAllMocks() ends the capture.
 */
import { vi } from 'vitest';

export function captureOutput(into: string[] = []): string[] {
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write);
  }
  return into;
}

/** The exchange records among captured output lines. */
export const recordLinesOf = (captured: readonly string[]): string[] =>
  captured.join('').split('\n').filter((l) => l.startsWith('{"type":"alexa-link-adapter.exchange"'));

/** Record lines of a capture read incrementally (for runs of thousands of requests: no re-join per request). */
export function recordTap(captured: readonly string[]): () => readonly string[] {
  const lines: string[] = [];
  let read = 0;
  let partial = '';
  return () => {
    if (read < captured.length) {
      const parts = (partial + captured.slice(read).join('')).split('\n');
      read = captured.length;
      partial = parts.pop()!;
      for (const l of parts) if (l.startsWith('{"type":"alexa-link-adapter.exchange"')) lines.push(l);
    }
    return lines;
  };
}
