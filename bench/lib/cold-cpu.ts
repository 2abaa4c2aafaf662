/**
 * A cold start at the CPU share of a memory size, MEASURED: a fresh `node` process loads the token
 * bundle and answers its first requests while the parent lets it run only `share` of the time
 * (SIGCONT/SIGSTOP in 20 ms periods, as CFS bandwidth control gives a cgroup its quota). Lambda gives a
 * function CPU in proportion to its memory (one vCPU at 1,769 MB: 7.2% at 128 MB, 14.5% at 256 MB).
 *
 * The first request is the worst a container meets: the deployment key read from Secrets Manager
 * (the SDK client loaded, a TLS handshake), then a rotating refresh: the DynamoDB client loaded, the
 * in-progress marker, the provider called over TLS (a fresh handshake), the answer written. Provider
 * and Secrets Manager answer over HTTPS from this process with a throw-away certificate the child
 * trusts (NODE_EXTRA_CA_CERTS); DynamoDB Local is plain HTTP (the one TLS handshake not counted: about
 * one provider handshake more, see the table's CPU column). Then a few warm requests in the same process
 * (a rotating refresh each: the connection to the provider kept alive), and the process's high-water
 * RSS. CPU is the child's own `process.cpuUsage`. Wall times are the child's own clock, so
 * they include the time it was stopped: what Alexa waits. This machine's x86 core stands in for a
 * Graviton core, and other work on the 2 cores stretches the figures: they err high.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats';

export interface ColdCpuRow {
  memoryMb: number;
  /** Share of one CPU the child ran with. */
  share: number;
  runs: number;
  /** Node flags the child ran with (V8's heap held to the function's budget at 128 MB). */
  execArgv: string[];
  /** Median wall ms: node's own start up to the script, loading the bundle, the first request (cold). */
  bootMs: number;
  requireMs: number;
  firstMs: number;
  /** boot + require + first: what the first Alexa request of a new container waits, before API Gateway's own time. */
  coldTotalMs: number;
  /** The slowest run's boot + require + first. */
  coldTotalMaxMs: number;
  /** Median CPU ms of the first request alone, and of the process up to the end of it (node's start included). */
  firstCpuMs: number;
  coldCpuMs: number;
  /** Median wall ms and mean CPU ms of a warm request (the requests after the first, same container). */
  warmMs: number;
  warmCpuMs: number;
  /** Median high-water RSS of the process at the end, MB. */
  maxRssMb: number;
  /** Runs whose first answer was 200; what went wrong in the others (verdict codes). */
  firstOk: number;
  /** Warm requests answered 200, of all warm requests. */
  warmOk: number;
  warmRequests: number;
  firstProblems: string[];
}

/** One vCPU at this many MB (Lambda, "Memory and computing power"). */
export const MB_FOR_ONE_VCPU = 1769;

const PERIOD_MS = 20;

const CHILD = `
const t0 = performance.now(); // ms since the process started: node's own boot
const mod = require(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const write = process.stdout.write.bind(process.stdout);
const records = [];
process.stdout.write = (line) => (records.push(String(line)), true); // the exchange records
const event = (rt) => ({ version: '2.0', routeKey: 'POST /token', rawPath: '/token', rawQueryString: '', isBase64Encoded: true,
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from('alexa:secret').toString('base64') },
  body: Buffer.from('grant_type=refresh_token&refresh_token=' + rt).toString('base64'),
  requestContext: { requestId: 'r-' + rt, http: { method: 'POST', path: '/token', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Apache-HttpClient' } } });
const ctx = (id) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 5000 });
const cpuMs = (c) => (c.user + c.system) / 1000;
(async () => {
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  const a = await mod.handler(event('rt-' + process.pid + '-0'), ctx('a0'));
  const t3 = performance.now();
  const firstCpuMs = cpuMs(process.cpuUsage(c2));
  const coldCpuMs = cpuMs(process.cpuUsage()); // the process so far: node's start, the bundle, the first request
  const warm = [];
  for (let i = 1; i <= Number(process.env.BENCH_WARM); i++) {
    const c = process.cpuUsage();
    const w0 = performance.now();
    const r = await mod.handler(event('rt-' + process.pid + '-' + i), ctx('a' + i));
    warm.push({ ms: performance.now() - w0, cpuMs: cpuMs(process.cpuUsage(c)), status: r.statusCode });
  }
  const codes = (i) => { try { return JSON.parse(records[i]).verdicts.map((v) => v.code); } catch { return [String(records[i]).slice(0, 300)]; } };
  write(JSON.stringify({ bootMs: t0, requireMs: t1 - t0, firstMs: t3 - t2, firstCpuMs, coldCpuMs, warm, maxRssMb: process.resourceUsage().maxRSS / 1024, firstStatus: a.statusCode, firstProblems: a.statusCode === 200 ? [] : [String(a.statusCode), ...codes(0)] }));
  process.exit(0);
})();
`;

/** Runs `script` in a fresh node process at `share` of one CPU; resolves with what it printed. */
function throttled(script: string, env: Record<string, string>, share: number, execArgv: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, script], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = true;
    const cycle = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      running = !running;
      child.kill(running ? 'SIGCONT' : 'SIGSTOP');
      timer = setTimeout(cycle, (running ? share : 1 - share) * PERIOD_MS);
    };
    if (share < 1) timer = setTimeout(cycle, share * PERIOD_MS);
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(guard);
      if (code === 0) resolve(out);
      else reject(new Error(`cold-start probe exited with ${code}: ${err.slice(0, 2000)}`));
    });
  });
}

/** What one probe process printed. */
export interface ChildSample {
  bootMs: number;
  requireMs: number;
  firstMs: number;
  firstCpuMs: number;
  coldCpuMs: number;
  warm: { ms: number; cpuMs: number; status: number }[];
  maxRssMb: number;
  firstStatus: number;
  firstProblems: string[];
}

/** One row of the table from the probes of one memory size: medians (pure; test/bench/cold-cpu.test.ts). */
export function coldCpuRow(memoryMb: number, share: number, execArgv: string[], samples: readonly ChildSample[]): ColdCpuRow {
  const med = (v: number[]) => summarize(v).p50;
  const warm = samples.flatMap((s) => s.warm);
  const cold = samples.map((s) => s.bootMs + s.requireMs + s.firstMs);
  return {
    memoryMb,
    share,
    runs: samples.length,
    execArgv,
    bootMs: med(samples.map((s) => s.bootMs)),
    requireMs: med(samples.map((s) => s.requireMs)),
    firstMs: med(samples.map((s) => s.firstMs)),
    coldTotalMs: med(cold),
    coldTotalMaxMs: Math.max(...cold),
    firstCpuMs: med(samples.map((s) => s.firstCpuMs)),
    coldCpuMs: med(samples.map((s) => s.coldCpuMs)),
    warmMs: med(warm.map((w) => w.ms)),
    warmCpuMs: summarize(warm.map((w) => w.cpuMs)).mean,
    maxRssMb: med(samples.map((s) => s.maxRssMb)),
    firstOk: samples.filter((s) => s.firstStatus === 200).length,
    warmOk: warm.filter((w) => w.status === 200).length,
    warmRequests: warm.length,
    firstProblems: [...new Set(samples.flatMap((s) => s.firstProblems))],
  };
}

export interface ColdCpuEnv {
  tokenBundle: string;
  /** DynamoDB Local's endpoint and a table made with createStateTable. */
  dynamodbEndpoint: string;
  tableName: string;
  /** Node flags for a memory size (V8 heap limits). */
  execArgvFor?: (memoryMb: number) => string[];
  /** Warm requests after the first, per process (5). */
  warmRequests?: number;
}

export async function coldStartsByMemory(env: ColdCpuEnv, memorySizes: readonly number[], runs: number): Promise<ColdCpuRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-cold-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const deploymentKey = 'bench-deployment-key-of-32-characters-at-least';
    // The provider (a GitHub App: a new single-use refresh token per refresh) and Secrets Manager, over TLS.
    const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:deployment-key-AbCdEf', Name: 'deployment-key', SecretString: deploymentKey, VersionId: 'v1' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ access_token: `ghu_${'a'.repeat(36)}`, expires_in: 28800, refresh_token: `ghr_${Math.random().toString(36).slice(2)}${'r'.repeat(60)}`, refresh_token_expires_in: 15897600, token_type: 'bearer', scope: '' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = join(dir, 'cold.cjs');
    writeFileSync(script, CHILD);
    const childEnv = {
      BENCH_BUNDLE: env.tokenBundle,
      BENCH_WARM: String(env.warmRequests ?? 5),
      NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
      ADAPTER_CONFIG: JSON.stringify({ provider: 'github-app', tokenUrl: `${base}/login/oauth/access_token` }),
      TABLE_NAME: env.tableName,
      DEPLOYMENT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:deployment-key-AbCdEf',
      AWS_LAMBDA_FUNCTION_NAME: 'bench-token',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: env.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: base,
    };
    try {
      await throttled(script, childEnv, 1); // file cache warm
      const rows: ColdCpuRow[] = [];
      for (const memoryMb of memorySizes) {
        const share = Math.min(1, memoryMb / MB_FOR_ONE_VCPU);
        const execArgv = env.execArgvFor?.(memoryMb) ?? [];
        const samples: ChildSample[] = [];
        for (let i = 0; i < runs; i++) samples.push(JSON.parse(await throttled(script, childEnv, share, execArgv)));
        rows.push(coldCpuRow(memoryMb, share, execArgv, samples));
      }
      return rows;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
