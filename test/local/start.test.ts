/**
 * `npm start` end to end, as a user runs it: a child process, the banner on stderr, one exchange
 * made the way the printed curl line makes it, exactly one JSON record on stdout, clean shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../lambda/core/profiles';
import { freePort } from '../support/dynamodb-local';
import { readBack } from '../support/read-back';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// tsx's own CLI, as `npm start` runs it (tsx relays SIGINT/SIGTERM to the node process it starts).
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];

function startLocal(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(TSX, ['local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = run.stderr().match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`local mode exited (${run.child.exitCode}) before ${pattern}:\n${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm start (local mode)', () => {
  it('prints the banner, serves the printed curl exchange, logs exactly one record, stops cleanly', async () => {
    const port = await freePort();
    const run = startLocal([], { PORT: String(port) });
    await waitFor(run, /Ready\. Ctrl-C stops\./);

    const banner = run.stderr();
    const tokenUri = banner.match(/Access Token URI\s+(\S+)/)?.[1];
    expect(tokenUri).toBe(`http://127.0.0.1:${port}/token`);
    expect(banner).toMatch(/state table\s+\S+ at http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/stdout/);
    // The copy-paste line: pull the pieces out of it and make the same request with fetch.
    const curl = banner.split('\n').find((l) => l.trim().startsWith('curl -s -u demo-client:demo-secret -d grant_type=authorization_code'));
    expect(curl).toBeDefined();
    const m = curl!.match(/-u (\S+):(\S+) -d grant_type=authorization_code -d code=\$\(curl -s (\S+)\) -d redirect_uri=(\S+) (\S+)$/);
    expect(m, curl).not.toBeNull();
    const [, id, secret, codeUrl, redirectUri, target] = m!;
    expect(target).toBe(tokenUri);

    const code = await (await fetch(codeUrl!)).text();
    expect(code).toMatch(/^[0-9a-f]{20}$/);
    // What curl -u … -d … sends: Basic credentials, a form body.
    const res = await fetch(target!, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri! }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 28800, scope: 'repo gist' });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));

    // The record is written before the answer goes out, so it is on stdout by now (give the pipe a moment).
    await new Promise((r) => setTimeout(r, 200));
    const lines = run.stdout().split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    // Read as `logs`/`diagnose` read it (a compact record leaves response.status 200 to the reader).
    const record = readBack<{ type: string; outcome: string; grantType: string; clientAuth: string; verdicts: { code: string }[]; response: { status: number } }>(JSON.parse(lines[0]!) as object);
    expect(record).toMatchObject({ type: 'alexa-link-adapter.exchange', outcome: 'success', grantType: 'authorization_code', clientAuth: 'basic', response: { status: 200 } });
    expect(record.verdicts.map((v) => v.code)).toContain('upstream_form_encoded');
    // Secret-free: no token, code or client secret in the line.
    for (const secretValue of [code, body.access_token as string, body.refresh_token as string, secret!]) expect(lines[0]).not.toContain(secretValue);

    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toMatch(/stopped\./);
  });

  it('serves the printed Alexa-style /authorize URL: login page, /callback, a code for layla, and the token exchange', async () => {
    const port = await freePort();
    const run = startLocal([], { PORT: String(port) });
    await waitFor(run, /Ready\. Ctrl-C stops\./);
    const banner = run.stderr();
    expect(banner).toMatch(new RegExp(`Web Authorization\\s+http://127\\.0\\.0\\.1:${port}/authorize`));
    expect(banner).toMatch(new RegExp(`provider redirect\\s+http://127\\.0\\.0\\.1:${port}/callback`));
    const start = banner.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`http://127.0.0.1:${port}/authorize?`))!;
    expect(start).toBeDefined();
    // The three curl hops of the banner, with fetch.
    const login = (await fetch(start, { redirect: 'manual' })).headers.get('location')!;
    const page = await fetch(login, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const callback = (await fetch(login, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=demo&password=demo&action=approve' })).headers.get('location')!;
    expect(callback.startsWith(`http://127.0.0.1:${port}/callback?`)).toBe(true);
    const alexa = new URL((await fetch(callback, { redirect: 'manual' })).headers.get('location')!);
    expect(`${alexa.origin}${alexa.pathname}`).toBe('https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA');
    expect(alexa.searchParams.get('state')).toBe('alexa-state-123');
    const res = await fetch(`http://127.0.0.1:${port}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: alexa.searchParams.get('code')!, redirect_uri: 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA' }).toString(),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const records = run.stdout().split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { route: string; linkId?: string });
    expect(records.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token']);
    expect(new Set(records.map((r) => r.linkId)).size).toBe(1);
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it('exits non-zero naming the file and the field when --config is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-config-'));
    dirs.push(dir);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ provider: 'github', tokenUrl: 'http://github.com/login/oauth/access_token', upstreamTimeoutMs: 9000 }));
    const run = startLocal(['--config', file], { PORT: String(await freePort()) });
    const exit = await run.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const err = run.stderr();
    expect(err).toContain(file);
    expect(err).toMatch(/- tokenUrl: must use https/);
    expect(err).toMatch(/- upstreamTimeoutMs: /);
    expect(err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(run.stdout()).toBe('');
  });

  it('starts with a whole custom profile (no extends) in the --config file (issue 10 item 8)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-config-'));
    dirs.push(dir);
    const file = join(dir, 'whole.json');
    const { id: _id, displayName: _d, ...whole } = BUILT_IN_PROFILES.generic!;
    writeFileSync(file, JSON.stringify({ provider: 'acme', tokenUrl: 'https://id.example.com/oauth/token', profile: whole }));
    const run = startLocal(['--config', file], { PORT: '0' });
    await waitFor(run, /Ready\. Ctrl-C stops\./);
    expect(run.stderr()).toMatch(/provider profile\s+acme/);
    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });

  it('takes the adapter configuration from a cdk.json given to --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-config-'));
    dirs.push(dir);
    const file = join(dir, 'cdk.json');
    writeFileSync(file, JSON.stringify({ app: 'npx tsx bin/app.ts', context: { adapter: { provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token' } } }));
    const run = startLocal(['--config', file], { PORT: '0' });
    await waitFor(run, /Ready\. Ctrl-C stops\./);
    expect(run.stderr()).toMatch(/provider profile\s+google/);
    expect(run.stderr()).toMatch(/upstream tokenUrl\s+https:\/\/oauth2\.googleapis\.com\/token/);
    expect(run.stderr()).toContain('cdk.json context.adapter');
    expect(run.stderr()).not.toMatch(/demo provider\s+http/); // --config points elsewhere: no demo provider
    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });
});
