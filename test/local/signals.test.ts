/**
 * Quiet, correct process behaviour of local mode, run exactly as the README runs it: `npm start -s`
 * (npm is the parent, with `sh -c` between it and node), then a signal to the process the user
 * started, npm. npm forwards SIGTERM/SIGINT only to that shell, which does not pass it on; local mode
 * must still stop and free PORT…PORT+3 (local/parent-watch.ts), and print no AWS SDK Node-version
 * notice on a supported Node (cli/node-support.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SDK_NODE_NOTICE_SWITCH } from '../../cli/node-support';
import { freePortBlock, listening } from '../support/ports';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Every process below `pid` (Linux `ps`). */
function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    children.set(parent!, [...(children.get(parent!) ?? []), child!]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start -s, then a signal to npm (the process the user started)', () => {
  it.each([
    ['SIGTERM to npm (kill $!)', 'SIGTERM', 'npm'],
    ['SIGINT to npm (kill -INT $!)', 'SIGINT', 'npm'],
    ['Ctrl-C (SIGINT to the whole foreground process group)', 'SIGINT', 'group'],
    ['SIGKILL to npm (no signal is forwarded at all)', 'SIGKILL', 'npm'],
  ] as const)('%s: local mode stops, ports PORT…PORT+3 are free, no process is left, no SDK notice', async (_name, signal, target) => {
    const port = await freePortBlock();
    const env: Record<string, string | undefined> = { ...process.env, PORT: String(port) };
    // The test runner acknowledges the SDK notice for its own processes; local mode must do it itself.
    delete env[SDK_NODE_NOTICE_SWITCH];
    delete env['NODE_NO_WARNINGS'];
    // Its own process group, as a shell job: the group is what a terminal's Ctrl-C signals.
    const npm = spawn('npm', ['start', '-s'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.push(npm);
    let stderr = '';
    let stdout = '';
    npm.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    npm.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));

    await until(`"Ready" from local mode:\n${stderr}`, () => /Ready\. Ctrl-C stops\./.test(stderr), 60_000);
    for (let i = 0; i < 4; i++) expect(await listening(port + i), `port ${port + i}`).toBe(true);
    const tree = descendants(npm.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(ROOT, '.local', 'config.json'))).toBe(true);

    if (target === 'group') process.kill(-npm.pid!, signal);
    else npm.kill(signal);
    await exited;
    await until('ports PORT…PORT+3 free', async () => (await Promise.all([0, 1, 2, 3].map((i) => listening(port + i)))).every((open) => !open), 10_000);
    await until('no process of local mode left', () => tree.every((pid) => !alive(pid)), 10_000);

    if (signal !== 'SIGKILL') expect(stderr).toMatch(new RegExp(`${signal}: stopping…\\nstopped\\.`));
    expect(stderr).not.toMatch(/again: exiting without waiting/);
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|EBADENGINE|\(node:\d+\) \w*Warning/);
    expect(stdout).toBe('');
  });
});
