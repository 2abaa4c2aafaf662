/**
 * The CLI next to a running local mode, out of the box: local mode writes the configuration it runs
 * and its console settings under .local/ (in its working directory), `doctor --local` probes the
 * demo provider that is running (not cdk.json's real provider, unreachable offline), and
 * `skill-config --local` prints the running endpoints; both files go when local mode stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortBlock } from '../support/ports';
import { accountLinkingRequestProblems } from '../support/smapi-account-linking';
import { runCli } from './cli-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let port: number;
let local: ChildProcess;
let stderr = '';
const cwd = process.cwd();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-mode-cli-'));
  port = await freePortBlock();
  // Local mode with its working directory in `dir` (npm start runs it in the package root).
  local = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'local', 'start.ts')], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  local.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const deadline = Date.now() + 60_000;
  while (!/Ready\. Ctrl-C stops\./.test(stderr)) {
    if (local.exitCode !== null || Date.now() > deadline) throw new Error(`local mode did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.chdir(dir);
  writeFileSync('records.jsonl', '');
});
afterAll(() => {
  process.chdir(cwd);
  if (local.exitCode === null) local.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('next to a running local mode', () => {
  it('the banner says how to check it', () => {
    expect(stderr).toContain('npx alexa-link-adapter doctor --local records.jsonl');
  });

  it('doctor --local checks the configuration local mode runs and probes its demo provider', async () => {
    const r = await runCli(['doctor', '--local', 'records.jsonl'], { env: {} });
    const demo = `http://127.0.0.1:${port + 1}/login/oauth/access_token`;
    expect(r.stdout).toMatch(new RegExp(`^PASS  configuration: .*\\.local/config\\.json \\(adapter object\\): provider github, tokenUrl ${demo.replace(/[./]/g, '\\$&')}.*\\(written by the running local mode, npm start\\)$`, 'm'));
    expect(r.stdout).toContain(`PASS  token endpoint reachable: ${demo} answered HTTP 200 (form)`);
    expect(r.stdout).toMatch(/^PASS  OAuth error shape: the provider refused the invalid code/m);
    expect(r.code).toBe(0);
  });

  it('skill-config --local prints the running endpoints', async () => {
    const r = await runCli(['skill-config', '--local', '--client-id', 'demo-client', '--scope', 'repo'], { env: {} });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { accountLinkingRequest: Record<string, unknown> };
    expect(accountLinkingRequestProblems(body)).toEqual([]);
    expect(body.accountLinkingRequest).toMatchObject({ authorizationUrl: `http://127.0.0.1:${port}/authorize`, accessTokenUrl: `http://127.0.0.1:${port}/token` });
    expect(r.stderr).toContain('.local/outputs.json (written by the running local mode)');
  });

  it('after local mode stops, the files are gone and doctor falls back to ./cdk.json', async () => {
    local.kill('SIGTERM');
    await new Promise((resolve) => local.once('exit', resolve));
    expect(existsSync(join(dir, '.local', 'config.json'))).toBe(false);
    expect(existsSync(join(dir, '.local', 'outputs.json'))).toBe(false);
    const r = await runCli(['doctor', '--local', 'records.jsonl'], { env: {} });
    expect(r.stdout).toMatch(/^FAIL  configuration: [\s\S]*cdk\.json[\s\S]*no such file/m);
    expect(r.code).toBe(1);
  });
});
