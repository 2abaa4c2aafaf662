/**
 * `npm run bench`: what the adapter costs.
 *
 * 1. Added latency: token exchanges straight to a local upstream versus through the local adapter
 *    (API Gateway stand-in + token handler) to the same upstream; keep-alive, sequential, direct and
 *    adapter requests interleaved so drift hits both alike. Two upstreams: a minimal spec-compliant
 *    JSON token endpoint (profile `generic`) and the GitHub-like demo provider answering form-encoded
 *    (profile `github`, the translating path).
 * 2. Bundle sizes: every lambda/handlers/*.ts bundled with esbuild as the CDK construct bundles it.
 * 3. Refresh with state: the stateful refresh path (rotation grace + single-flight on the state
 *    table) against the stateless one, same upstream, and DynamoDB calls per refresh.
 * 4. Cold-start import time of the token bundle in a fresh node process.
 *
 * Prints figures and goals with PASS/MISS; never exits non-zero for a miss.
 * Options: --requests N (3000) --warmup N (300) --max-seconds S (30, per scenario) --spawns N (10)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { parseRuntimeConfig } from '../lambda/core/config';
import type { HandlerName } from '../lib/handler-assets';
import { handlerBuildOptions } from '../scripts/handler-assets';
import { listen, startLocalAdapter } from '../local/adapter';
import { startDemoProvider } from '../local/demo-provider';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb';
import { DynamoDbStateStore } from '../lambda/store/dynamodb-store';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const GOALS = { addedMedianMs: 1, addedP99Ms: 5, tokenBundleKB: 200 };

const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '300' },
    'max-seconds': { type: 'string', default: '30' },
    spawns: { type: 'string', default: '10' },
  },
});
const REQUESTS = Number(opts.requests);
const WARMUP = Number(opts.warmup);
const MAX_MS = Number(opts['max-seconds']) * 1000;
const SPAWNS = Number(opts.spawns);

const out = (line = '') => process.stdout.write(`${line}\n`);
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  out(line(headers));
  out(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) out(line(r));
}

// --- A minimal spec-compliant token endpoint (RFC 6749 §4.1.3, §5.1, §5.2) ----------------------

async function startJsonUpstream() {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const json = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' });
        res.end(JSON.stringify(body));
      };
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const clientId = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] : params.get('client_id');
      if (req.method !== 'POST' || req.url !== '/token') return json(404, { error: 'invalid_request' });
      if (!clientId) return json(401, { error: 'invalid_client' });
      // RFC 6749 §6: a refresh answers a new access token (and here a new refresh token).
      const refresh = params.get('grant_type') === 'refresh_token' && params.get('refresh_token');
      if (!refresh && (params.get('grant_type') !== 'authorization_code' || !params.get('code'))) return json(400, { error: 'invalid_grant' });
      json(200, { access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: 3600, refresh_token: randomBytes(24).toString('base64url'), scope: 'profile' });
    });
  });
  server.keepAliveTimeout = 5000;
  return listen(server, 0, '127.0.0.1');
}

// --- Latency -------------------------------------------------------------------------------------

interface Target {
  name: string;
  /** One request; resolves to its duration in ms. */
  direct(): Promise<number>;
  adapter(): Promise<number>;
}

async function timed(url: string, init: RequestInit): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  const t = performance.now() - t0;
  if (res.status !== 200 || !body.includes('access_token') || body.includes('"error"') || body.includes('error=')) {
    throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
  }
  return t;
}

const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';
const basicOf = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function runLatency(target: Target) {
  const direct: number[] = [];
  const adapter: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    await target.direct();
    await target.adapter();
  }
  const started = performance.now();
  let i = 0;
  for (; i < REQUESTS && performance.now() - started < MAX_MS; i++) {
    // Alternate which goes first so neither always runs right after the other's GC or timer work.
    if (i % 2 === 0) {
      direct.push(await target.direct());
      adapter.push(await target.adapter());
    } else {
      adapter.push(await target.adapter());
      direct.push(await target.direct());
    }
  }
  return { direct: summary(direct), adapter: summary(adapter), truncated: i < REQUESTS };
}

async function latencySection() {
  const jsonUpstream = await startJsonUpstream();
  const demo = await startDemoProvider({ answerFormat: 'form' });
  const noLog = () => {};
  const genericAdapter = await startLocalAdapter({ config: parseRuntimeConfig({ provider: 'generic', tokenUrl: `${jsonUpstream.url}/token` }), log: noLog });
  const githubAdapter = await startLocalAdapter({ config: parseRuntimeConfig({ provider: 'github', tokenUrl: demo.tokenUrl }), log: noLog });
  const form = 'application/x-www-form-urlencoded';
  try {
    const targets: Target[] = [
      {
        name: 'spec JSON upstream (generic)',
        // Direct: what the adapter sends upstream for this profile (credentials as received: Basic).
        direct: () =>
          timed(`${jsonUpstream.url}/token`, {
            method: 'POST',
            headers: { 'content-type': form, accept: 'application/json', authorization: basicOf('bench-client', 'bench-secret') },
            body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: ALEXA_REDIRECT }).toString(),
          }),
        // Through the adapter: what Alexa sends.
        adapter: () =>
          timed(`${genericAdapter.url}/token`, {
            method: 'POST',
            headers: { 'content-type': form, authorization: basicOf('bench-client', 'bench-secret') },
            body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: ALEXA_REDIRECT }).toString(),
          }),
      },
      {
        name: 'GitHub-like demo, form answers (github)',
        // Direct: what the github profile sends upstream (client_secret_post, Accept: application/json).
        direct: () => {
          const code = demo.mintCode();
          return timed(demo.tokenUrl, {
            method: 'POST',
            headers: { 'content-type': form, accept: 'application/json' },
            body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT, client_id: 'demo-client', client_secret: 'demo-secret' }).toString(),
          });
        },
        adapter: () => {
          const code = demo.mintCode();
          return timed(`${githubAdapter.url}/token`, {
            method: 'POST',
            headers: { 'content-type': form, authorization: basicOf('demo-client', 'demo-secret') },
            body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT }).toString(),
          });
        },
      },
    ];

    out(`Latency: ${WARMUP} warm-up + up to ${REQUESTS} measured exchanges per path (max ${MAX_MS / 1000} s), sequential, keep-alive, ms`);
    out('');
    const rows: string[][] = [];
    const goalRows: string[][] = [];
    for (const t of targets) {
      const r = await runLatency(t);
      const addedMedian = r.adapter.median - r.direct.median;
      const addedP99 = r.adapter.p99 - r.direct.p99;
      rows.push([t.name, 'direct', String(r.direct.n), ms(r.direct.median), ms(r.direct.p99), ms(r.direct.mean)]);
      rows.push(['', 'adapter', String(r.adapter.n), ms(r.adapter.median), ms(r.adapter.p99), ms(r.adapter.mean)]);
      rows.push(['', 'added', '', ms(addedMedian), ms(addedP99), ms(r.adapter.mean - r.direct.mean)]);
      goalRows.push([t.name, 'added median', `${ms(addedMedian)} ms`, `≤ ${GOALS.addedMedianMs} ms`, verdict(addedMedian <= GOALS.addedMedianMs)]);
      goalRows.push(['', 'added p99', `${ms(addedP99)} ms`, `≤ ${GOALS.addedP99Ms} ms`, verdict(addedP99 <= GOALS.addedP99Ms)]);
      if (r.truncated) goalRows.push(['', `(stopped at ${r.direct.n} by the ${MAX_MS / 1000} s bound)`, '', '', '']);
    }
    table(['upstream (profile)', 'path', 'n', 'median', 'p99', 'mean'], rows);
    out('');
    table(['upstream (profile)', 'statistic', 'measured', 'goal', 'result'], goalRows);
    out('');
    out('  added = adapter − direct per statistic (difference of medians / of p99s). The adapter path includes one');
    out('  more loopback HTTP hop (client → API Gateway stand-in), all in this one Node process and event loop.');
  } finally {
    await Promise.allSettled([genericAdapter.close(), githubAdapter.close(), demo.close(), jsonUpstream.close()]);
  }
}

// --- Refresh with state (rotation grace + single-flight) -------------------------------------------

/**
 * The same refresh, through the same upstream, once through an adapter without a state table
 * (stateless) and once through one with the table (README "Refresh safety"); every request presents
 * a fresh refresh token, so the stateful path is its common case: lead, call the provider, keep the
 * answer. DynamoDB API calls are counted at the SDK client (middleware), by command.
 */
async function refreshSection() {
  const upstream = await startJsonUpstream();
  const ddb = await startEmbeddedDynamoDb();
  const client = ddb.client();
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? 'unknown';
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  const store = new DynamoDbStateStore({ tableName: ddb.tableName, client });
  const noLog = () => {};
  const config = parseRuntimeConfig({ provider: 'generic', tokenUrl: `${upstream.url}/token` });
  const stateless = await startLocalAdapter({ config, log: noLog });
  const stateful = await startLocalAdapter({ config, log: noLog, store: () => Promise.resolve(store) });
  const form = 'application/x-www-form-urlencoded';
  const refreshVia = (base: string, token: string) =>
    timed(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': form, authorization: basicOf('bench-client', 'bench-secret') },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
    });
  const fresh = () => randomBytes(24).toString('base64url');
  const usedTokens: string[] = [];
  try {
    const r = await runLatency({
      name: 'refresh',
      direct: () => refreshVia(stateless.url, fresh()),
      adapter: () => {
        const t = fresh();
        usedTokens.push(t);
        return refreshVia(stateful.url, t);
      },
    });
    const statefulRequests = usedTokens.length;
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const perRefresh = total / statefulRequests;
    const breakdown = [...calls.entries()].map(([k, n]) => `${k} ${(n / statefulRequests).toFixed(2)}`).join(', ');

    // The grace path: replays of tokens refreshed above (Alexa retrying after a lost answer).
    calls.clear();
    const replays = usedTokens.slice(-200);
    const graceMs: number[] = [];
    for (const t of replays) graceMs.push(await refreshVia(stateful.url, t));
    const graceCalls = [...calls.values()].reduce((a, b) => a + b, 0) / replays.length;
    const grace = summary(graceMs);

    out(`Refresh with state: ${WARMUP} warm-up + up to ${REQUESTS} refreshes per path, each with a fresh refresh token, same JSON upstream, ms`);
    out(`  (state table: dynalite in this process, as in local mode; in AWS a DynamoDB call adds a few ms per round trip)`);
    out('');
    const addedMedian = r.adapter.median - r.direct.median;
    const addedP99 = r.adapter.p99 - r.direct.p99;
    table(
      ['path', 'n', 'median', 'p99', 'mean'],
      [
        ['stateless refresh (no table)', String(r.direct.n), ms(r.direct.median), ms(r.direct.p99), ms(r.direct.mean)],
        ['stateful refresh (leader: guard + provider)', String(r.adapter.n), ms(r.adapter.median), ms(r.adapter.p99), ms(r.adapter.mean)],
        ['added by the state', '', ms(addedMedian), ms(addedP99), ms(r.adapter.mean - r.direct.mean)],
        [`grace replay (cached answer, no provider call)`, String(grace.n), ms(grace.median), ms(grace.p99), ms(grace.mean)],
      ],
    );
    out('');
    table(
      ['statistic', 'measured', 'goal', 'result'],
      [
        ['DynamoDB calls per refresh, common path', perRefresh.toFixed(2), '≤ 2', verdict(perRefresh <= 2)],
        ['  by command', breakdown, '', ''],
        ['DynamoDB calls per grace replay', graceCalls.toFixed(2), '', ''],
      ],
    );
  } finally {
    await Promise.allSettled([stateless.close(), stateful.close(), upstream.close(), ddb.close()]);
  }
}

// --- Bundles and cold start -----------------------------------------------------------------------

/** The handler's bundle exactly as the package ships it (scripts/handler-assets.ts, AWS SDK external as deployed). */
async function bundle(entry: string): Promise<Uint8Array> {
  const name = basename(entry, '.ts') as HandlerName;
  const result = await build({ ...handlerBuildOptions(name, 'sdk-external'), logLevel: 'silent' });
  return result.outputFiles![0]!.contents;
}

function median(values: number[]): number {
  return summary(values).median;
}

async function bundleSection(workDir: string): Promise<string | undefined> {
  const handlersDir = join(ROOT, 'lambda', 'handlers');
  const entries = readdirSync(handlersDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  out('Lambda bundles (esbuild: bundle, platform node, target node24, cjs, minify, keep-names, AWS SDK external as deployed)');
  out('');
  const rows: string[][] = [];
  let tokenBundle: string | undefined;
  for (const f of entries) {
    const code = await bundle(join(handlersDir, f));
    const gz = gzipSync(code, { level: 9 }).byteLength;
    const path = join(workDir, `${basename(f, '.ts')}.js`);
    writeFileSync(path, code);
    if (f === 'token.ts') tokenBundle = path;
    const kb = code.byteLength / 1024;
    const goal = f === 'token.ts' ? `≤ ${GOALS.tokenBundleKB} KB  ${verdict(kb <= GOALS.tokenBundleKB)}` : '';
    rows.push([f, String(code.byteLength), kb.toFixed(1), String(gz), (gz / 1024).toFixed(1), goal]);
  }
  table(['handler', 'bytes', 'KB', 'gzip bytes', 'gzip KB', 'goal (minified)'], rows);
  return tokenBundle;
}

function coldStartSection(workDir: string, tokenBundle: string) {
  // The probe loads the bundle (or nothing, for the baseline) and reports its own timings.
  const probe = join(workDir, 'probe.cjs');
  writeFileSync(
    probe,
    `const t0 = process.hrtime.bigint();
const target = process.argv[2];
const mod = target ? require(target) : undefined;
const t1 = process.hrtime.bigint();
(async () => {
  let firstCallMs = 0;
  if (mod && process.argv[3] === 'call') {
    const write = process.stdout.write;
    process.stdout.write = () => true; // the exchange record
    const event = { version: '2.0', routeKey: '$default', rawPath: '/nope', rawQueryString: '', headers: {}, isBase64Encoded: false,
      requestContext: { requestId: 'r', http: { method: 'GET', path: '/nope', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' } } };
    const c0 = process.hrtime.bigint();
    await mod.handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 5000 });
    firstCallMs = Number(process.hrtime.bigint() - c0) / 1e6;
    process.stdout.write = write;
  }
  process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, firstCallMs }));
})();
`,
  );
  const env = { ...process.env, ADAPTER_CONFIG: JSON.stringify({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' }), NODE_OPTIONS: '' };
  const runProbe = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [probe, ...args], { env, encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
    return { wall, ...(JSON.parse(r.stdout) as { requireMs: number; firstCallMs: number }) };
  };
  runProbe([]); // warm the file cache
  runProbe([tokenBundle]);
  const base: number[] = [];
  const loaded: number[] = [];
  const requireMs: number[] = [];
  const firstCall: number[] = [];
  for (let i = 0; i < SPAWNS; i++) {
    base.push(runProbe([]).wall);
    const r = runProbe([tokenBundle, 'call']);
    loaded.push(r.wall);
    requireMs.push(r.requireMs);
    firstCall.push(r.firstCallMs);
  }
  out(`Cold start of the token bundle: median of ${SPAWNS} fresh \`node\` processes (${process.version} here; Lambda runs Node 24)`);
  out('');
  table(
    ['measure', 'ms'],
    [
      ['require(bundle), in-process', ms(median(requireMs))],
      ['first handler call after require (404 path, no upstream)', ms(median(firstCall))],
      ['process wall time, empty script (baseline)', ms(median(base))],
      ['process wall time, require + first call', ms(median(loaded))],
      ['added by the bundle (wall, vs baseline)', ms(median(loaded) - median(base))],
    ],
  );
}

async function main() {
  out(`alexa-link-adapter bench — ${new Date().toISOString()} — node ${process.version}, ${process.platform}/${process.arch}`);
  out('');
  await latencySection();
  out('');
  await refreshSection();
  out('');
  const workDir = mkdtempSync(join(tmpdir(), 'adapter-bench-'));
  try {
    const tokenBundle = await bundleSection(workDir);
    out('');
    if (tokenBundle) coldStartSection(workDir, tokenBundle);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
