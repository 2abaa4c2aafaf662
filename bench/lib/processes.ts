/**
 * Building and starting the bench's processes. Everything runs as plain `node` on esbuild bundles
 * (no tsx loader in the measured processes): the handlers bundled exactly as NodejsFunction bundles
 * them for the stack (lib/adapter-function.ts `bundling`), the hosts, upstream and proxy bundled
 * the same way. Bundles go to bench/.build/ (git-ignored) so the AWS SDK, external as on Lambda,
 * resolves from the project's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { HandlerName } from '../../lib/handler-assets';
import { handlerBuildOptions } from '../../scripts/handler-assets';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUILD_DIR = join(ROOT, 'bench', '.build');

/** The bench's own processes, bundled like the handlers: keepNames, node24, cjs, AWS SDK external. */
export async function bundleHandler(entry: string, outfile: string, options: { minify?: boolean } = {}): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: options.minify ?? true,
    keepNames: true,
    sourcemap: false,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return outfile;
}

export interface Bundles {
  host: string;
  upstream: string;
  proxy: string;
  handlers: Record<'token' | 'authorize' | 'smart-home', string>;
  /** Unminified handler bundles for CPU profiles (esbuild marks each module with a `// path` comment). */
  profileHandlers: Record<'token' | 'authorize' | 'smart-home', string>;
}

export async function buildBundles(): Promise<Bundles> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const out = (name: string) => join(BUILD_DIR, name);
  const proc = (name: string) => bundleHandler(join(ROOT, 'bench', 'procs', `${name}.ts`), out(`${name}.cjs`), { minify: false });
  // The handlers exactly as the package ships them (scripts/handler-assets.ts), minified or not (for profiles).
  const handler = async (name: HandlerName, minify: boolean) => {
    const outfile = out(`${name}${minify ? '' : '.prof'}.cjs`);
    await build({ ...handlerBuildOptions(name, 'sdk-external'), minify, write: true, outfile, logLevel: 'silent' });
    return outfile;
  };
  const [host, upstream, proxy, token, authorize, smartHome, tokenP, authorizeP, smartHomeP] = await Promise.all([
    proc('host'),
    proc('upstream'),
    proc('ddb-proxy'),
    handler('token', true),
    handler('authorize', true),
    handler('smart-home', true),
    handler('token', false),
    handler('authorize', false),
    handler('smart-home', false),
  ]);
  return { host, upstream, proxy, handlers: { token, authorize, 'smart-home': smartHome }, profileHandlers: { token: tokenP, authorize: authorizeP, 'smart-home': smartHomeP } };
}

export interface Child<Ready> {
  ready: Ready;
  proc: ChildProcess;
  /** Sends a command and resolves with the value under `key` of the next message that has it. */
  ask<T>(cmd: string, key: string): Promise<T>;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startChild<Ready extends object>(script: string, env: Record<string, string>, options: { execArgv?: string[]; cwd?: string } = {}): Promise<Child<Ready>> {
  const proc = spawn(process.execPath, [...(options.execArgv ?? []), script], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Records go to a pipe as in Lambda; the host counts them itself, here they are drained.
  proc.stdout!.resume();
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => {
    if (err.length < 20_000) err += c.toString('utf8');
  });
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ready = await new Promise<Ready>((resolve, reject) => {
    const onMessage = (m: Ready & { ready?: unknown }) => {
      if (m.ready !== undefined) {
        proc.off('message', onMessage);
        resolve(m);
      }
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${err}`)));
  });
  return {
    ready,
    proc,
    ask<T>(cmd: string, key: string) {
      return new Promise<T>((resolve) => {
        const onMessage = (m: Record<string, unknown>) => {
          if (key in m) {
            proc.off('message', onMessage);
            resolve(m[key] as T);
          }
        };
        proc.on('message', onMessage);
        proc.send({ cmd });
      });
    },
    stderr: () => err,
    async stop() {
      process.off('exit', killOnExit);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      // Disconnecting lets the child exit by itself (process.exit), so a --cpu-prof profile is written.
      proc.disconnect();
      const term = setTimeout(() => proc.kill('SIGTERM'), 5000);
      const kill = setTimeout(() => proc.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(term);
      clearTimeout(kill);
    },
  };
}
