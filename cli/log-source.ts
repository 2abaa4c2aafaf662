/**
 * Where exchange records come from. The commands see only this interface; the CloudWatch Logs
 * implementation lives in `cloudwatch.ts`, the local one (local mode's stdout JSON lines, from a
 * file or stdin) here.
 */
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseRecordLine, parseRecordLines, timeMs, type LogRecord } from './records';

export interface ReadRange {
  /** Epoch ms; undefined = from the beginning. */
  sinceMs?: number;
  /** Epoch ms; undefined = until now. */
  untilMs?: number;
}

export interface FollowOptions {
  sinceMs?: number;
  signal: AbortSignal;
  onRecord(record: LogRecord): void;
}

export interface LogSource {
  /** Human description for messages (`log group …`, `file records.jsonl`). */
  readonly description: string;
  read(range: ReadRange, progress?: (message: string) => void): Promise<LogRecord[]>;
  follow(options: FollowOptions): Promise<void>;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Waits `ms`, or less when `signal` aborts. The abort listener goes when the wait ends: a follow polls
 * for hours, and one listener left per poll would pile up (Node warns at 11: MaxListenersExceededWarning).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function inRange(r: LogRecord, range: ReadRange): boolean {
  const t = timeMs(r);
  return (range.sinceMs === undefined || t >= range.sinceMs) && (range.untilMs === undefined || t <= range.untilMs);
}

/** Local mode: `npm start -s > records.jsonl`, then `--local records.jsonl`; or `--local -` for stdin. */
export class LocalLogSource implements LogSource {
  readonly description: string;

  constructor(
    private readonly path: string,
    private readonly stdin: Readable = process.stdin,
    private readonly pollMs = 500,
  ) {
    this.description = path === '-' ? 'stdin' : `file ${path}`;
  }

  async read(range: ReadRange): Promise<LogRecord[]> {
    let text: string;
    if (this.path === '-') {
      const chunks: Buffer[] = [];
      for await (const c of this.stdin) chunks.push(Buffer.from(c as Buffer));
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      try {
        text = await readFile(this.path, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    return parseRecordLines(text).filter((r) => inRange(r, range));
  }

  async follow(options: FollowOptions): Promise<void> {
    const emit = (line: string) => {
      const r = parseRecordLine(line);
      if (r && inRange(r, { sinceMs: options.sinceMs })) options.onRecord(r);
    };
    if (this.path === '-') {
      const rl = createInterface({ input: this.stdin, crlfDelay: Infinity });
      options.signal.addEventListener('abort', () => rl.close(), { once: true });
      for await (const line of rl) emit(line);
      return;
    }
    // A file being appended to (`npm start -s >> records.jsonl`): read what is there, then poll for more.
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      throw new CliError(`cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let offset = 0;
    let partial = '';
    try {
      while (!options.signal.aborted) {
        const { size } = await handle.stat();
        if (size < offset) offset = 0; // truncated: start over
        if (size > offset) {
          const buf = Buffer.alloc(size - offset);
          await handle.read(buf, 0, buf.length, offset);
          offset = size;
          const lines = (partial + buf.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          lines.forEach(emit);
        }
        await sleep(this.pollMs, options.signal);
      }
    } finally {
      await handle.close();
    }
  }
}
