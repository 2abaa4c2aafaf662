/**
 * `npx alexa-link-adapter simulate` against local mode's adapter over HTTP (the demo provider behind
 * it, interception mode): the checks of the link simulator (cli/link-checks.ts), printed; the secret
 * only from the environment and never echoed; exit codes.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/main';
import { fingerprint } from '../../lambda/core/fingerprint';
import { demoLogin, startSimulatorStack, type SimulatorStack } from '../support/simulator-stack';
import { runCli } from './cli-support';

const LAYLA = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';
const SECRET = 'demo-secret';
const ENV = { ALEXA_CLIENT_SECRET: SECRET };

let stack: SimulatorStack;
let tokenUrl: string;
beforeAll(async () => {
  stack = await startSimulatorStack();
  tokenUrl = `${stack.adapter.url}/token`;
});
afterAll(async () => {
  await stack?.close();
});

/** The browser's hops from the printed Web Authorization URI to Alexa's redirect URL (which is not followed). */
async function browse(authorizeUrl: string): Promise<string> {
  const toProvider = (await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
  const callback = await demoLogin(new URL(toProvider));
  return (await fetch(callback, { redirect: 'manual' })).headers.get('location')!;
}

const lines = (out: string) => out.split('\n').filter((l) => /^\s+(return|token|refresh|replay)\s/.test(l)).map((l) => l.trim().replace(/:.*$/, '').replace(/\s+/g, ' '));

describe('simulate', () => {
  it('--authorize-url: prints the URI as Alexa opens it, reads back the address, then code, refresh and replay all pass', async () => {
    const stdin = new PassThrough();
    let stdout = '';
    let stderr = '';
    const done = run(['simulate', '--token-url', tokenUrl, '--client-id', 'demo-client', '--authorize-url', `${stack.adapter.url}/authorize`, '--scope', 'repo', '--pkce'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin,
      env: ENV,
      now: Date.now,
    });
    while (!/Paste the address/.test(stderr)) await new Promise((r) => setTimeout(r, 20));
    const printed = /^\s+(http:\/\/\S+)$/m.exec(stderr)![1]!;
    const q = new URL(printed).searchParams;
    expect([...q.keys()]).toEqual(['client_id', 'response_type', 'state', 'scope', 'redirect_uri', 'code_challenge', 'code_challenge_method']);
    expect(q.get('redirect_uri')).toBe(LAYLA);
    const back = await browse(printed);
    expect(back.startsWith(`${LAYLA}?`)).toBe(true);
    stdin.end(`${back}\n`);
    expect(await done).toBe(0);
    expect(lines(stdout)).toEqual([
      'return PASS redirect to the Alexa URL',
      'return PASS state unchanged',
      'token PASS token answer',
      'token PASS token_type Bearer',
      'token PASS expires_in ≥ 360 s',
      'token PASS refresh token present',
      'refresh PASS refresh works',
      'replay PASS replay within grace works',
    ]);
    expect(stdout).toContain(`secret ${fingerprint(SECRET)}`);
    const code = new URL(back).searchParams.get('code')!;
    expect(stdout).toContain(`diagnose --link ${fingerprint(code)}`);
    // The demo's refresh tokens are single-use: the replay is the adapter's grace answer.
    expect(stdout).toMatch(/replay within grace works: HTTP 200 JSON in \d+ ms; the same answer as the refresh/);
    for (const secret of [SECRET, code]) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  });

  it('--code with credentials in the body, --json', async () => {
    const back = await browse(`${stack.adapter.url}/authorize?${new URLSearchParams({ client_id: 'demo-client', response_type: 'code', state: 's', redirect_uri: LAYLA })}`);
    const code = new URL(back).searchParams.get('code')!;
    const r = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'demo-client', '--scheme', 'body', '--code', code, '--json'], { env: ENV });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { scheme: string; codeFp: string; checks: { step: string; id: string; status: string }[] };
    expect(json.scheme).toBe('body');
    expect(json.codeFp).toBe(fingerprint(code));
    expect(json.checks.map((c) => `${c.step}:${c.id}:${c.status}`)).toEqual([
      'token:token_answer:pass',
      'token:token_type:pass',
      'token:expires_in:pass',
      'token:refresh_token:pass',
      'refresh:refresh_works:pass',
      'replay:replay_works:pass',
    ]);
    expect(stack.tap.records.filter((x) => x.route === 'POST /token').at(-3)).toMatchObject({ clientAuth: 'body', grantType: 'authorization_code' });
    expect(r.stdout).not.toContain(code);
  });

  it('a wrong secret fails the token answer (exit 1), and the secret is never printed', async () => {
    const back = await browse(`${stack.adapter.url}/authorize?${new URLSearchParams({ client_id: 'demo-client', response_type: 'code', state: 's', redirect_uri: LAYLA })}`);
    const wrong = 'not-the-secret-3f9a';
    const r = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'demo-client', '--return-url', back, '--state', 's'], { env: { ALEXA_CLIENT_SECRET: wrong } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/token\s+FAIL\s+token answer: JSON, HTTP 200, within 4\.5 s: HTTP 401, not 200; error=invalid_client/);
    expect(r.stdout).toMatch(/refresh\s+SKIP/);
    expect(r.stdout).not.toContain(wrong);
    expect(r.stdout).toContain(fingerprint(wrong));
  });

  it('--return-url with a changed state: Alexa stops, no token request is made', async () => {
    const before = stack.tap.records.length;
    const r = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'demo-client', '--return-url', `${LAYLA}?code=abc&state=cut`, '--state', 'the-state-alexa-sent'], { env: ENV });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/return\s+FAIL\s+state unchanged: sent 20 characters, got back 3/);
    expect(r.stdout).toMatch(/token\s+SKIP\s+token answer[^\n]*Alexa stops here: state unchanged failed/);
    expect(stack.tap.records.length).toBe(before);
  });

  it('refresh and replay alone, from ALEXA_REFRESH_TOKEN', async () => {
    const code = stack.demo!.mintCode();
    const first = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: LAYLA }).toString(),
    });
    const rt = ((await first.json()) as { refresh_token: string }).refresh_token;
    const r = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'demo-client'], { env: { ...ENV, ALEXA_REFRESH_TOKEN: rt } });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['refresh PASS refresh works', 'replay PASS replay within grace works']);
    expect(r.stdout).not.toContain(rt);
  });

  it('usage errors: no secret in the environment, two code sources, no token URL (exit 2)', async () => {
    const noSecret = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'c', '--code', 'x'], { env: {} });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/set ALEXA_CLIENT_SECRET to the skill's client secret/);
    const two = await runCli(['simulate', '--token-url', tokenUrl, '--client-id', 'c', '--code', 'x', '--return-url', LAYLA], { env: ENV });
    expect(two.code).toBe(2);
    expect((await runCli(['simulate', '--client-id', 'c'], { env: ENV })).code).toBe(2);
    const help = await runCli(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--authorize-url URL');
    expect((await runCli(['--help'])).stdout).toMatch(/simulate\s+Alexa's token leg/);
  });

  it('is wired into the package bin', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const code = stack.demo!.mintCode();
    const child = spawn(process.execPath, ['bin/alexa-link-adapter.mjs', 'simulate', '--token-url', tokenUrl, '--client-id', 'demo-client', '--code', code, '--redirect-uri', LAYLA], {
      cwd: root,
      env: { ...process.env, ...ENV, NO_COLOR: '1', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exit = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(exit).toBe(0);
    expect(lines(out)).toHaveLength(6);
    expect(out).not.toContain(SECRET);
  });
});
