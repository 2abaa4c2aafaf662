/**
 * `npm run bench`: what the adapter costs, measured honestly, and what that costs in dollars.
 *
 * Processes (each its own, on 2 cores shared with whatever else runs; see README "Performance"):
 *   client (this process) ─► host: API Gateway stand-in + Lambda bundle ─► upstream (providers, LWA)
 *                                                         └─► DynamoDB Local (JVM) [counting proxy]
 * For each exchange type two hosts run side by side, the adapter and its floor (bench/lib/floors.ts),
 * and requests alternate between them in pairs; latency is reported as quantiles of the paired
 * differences, CPU from each process's own counters, DynamoDB calls and capacity counted at the wire
 * in a separate pass, bytes logged as written. Then the cost model (bench/lib/cost.ts, prices in
 * bench/prices.json), its what-ifs, the sizing model (--scale), bundle sizes and cold start, and a
 * CPU profile of the adapter process by category.
 *
 * Options: --quick (small counts, no profile, for CI smoke runs; no timing is asserted anywhere)
 *   --requests N (2000) --warmup N (300) --count N (100: exchanges in the DynamoDB counting pass)
 *   --max-seconds S (60 per scenario) --provider-wait-ms MS (200) --memory MB (the stack's, 256)
 *   --dynamodb-latency-ms MS (4) --only id,id --json PATH (bench/results/latest.json)
 *   --scale (print the sizing table) --users N --active SHARE --peak F --no-profile --spawns N (10)
 *   --keep-profiles DIR (keep the .cpuprofile files: open them in Chrome DevTools > Performance)
 *   --memory-sizes MB,MB (128,256,512,1024: cold start at each size's CPU share, bench/lib/cold-cpu.ts)
 *   --cold-runs N (5, --quick 1: fresh processes per memory size); --only cold-cpu runs just that
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALEXA_TOKEN_DEADLINE_MS } from '../lambda/contract/deadlines';
import { parseAdapterConfig } from '../lambda/core/config';
import { createStateTable } from '../local/table-definition';
import { startDynamoDbLocal } from '../test/support/dynamodb-local';
import { bundleSizes, coldStart, type BundleSize, type ColdStart } from './lib/bundles';
import { coldStartsByMemory, type ColdCpuRow } from './lib/cold-cpu';
import { closeClients, send } from './lib/client';
import { costPerMillion, DEFAULT_COST_OPTIONS, type CostOptions, type ExchangeFigures, type LegFigures, type Prices } from './lib/cost';
import { runScenario, runStub, type ScenarioResult } from './lib/measure';
import { buildBundles, ROOT, startChild, type Bundles } from './lib/processes';
import { summarizeProfile, type ProfileSummary } from './lib/profile-summary';
import { lwaCodes, SCENARIOS, type Environment } from './lib/scenarios';
import { DEFAULT_SIZING, sizing, type SizingRow } from './lib/sizing';
import { ladder } from './lib/levers';
import { renderBudget, renderCalibration, renderColdCpu, renderCost, renderLatency, renderLevers, renderProcess, renderProfile, renderSizing, renderState, renderWhatIf, type Out } from './lib/report';

/** The stack's memory size for the token function and its Lambda system log level (lib/defaults.ts; imported lazily: aws-cdk-lib is large). */
const { DEFAULT_TOKEN_MEMORY_MB, DEFAULT_SYSTEM_LOG_LEVEL } = await import('../lib/defaults');

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    requests: { type: 'string' },
    warmup: { type: 'string' },
    count: { type: 'string' },
    'max-seconds': { type: 'string', default: '60' },
    'provider-wait-ms': { type: 'string', default: String(DEFAULT_COST_OPTIONS.providerWaitMs) },
    memory: { type: 'string', default: String(DEFAULT_TOKEN_MEMORY_MB) },
    'dynamodb-latency-ms': { type: 'string', default: String(DEFAULT_COST_OPTIONS.dynamodbLatencyMs) },
    only: { type: 'string' },
    json: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
    scale: { type: 'boolean', default: false },
    users: { type: 'string', default: String(DEFAULT_SIZING.users) },
    active: { type: 'string', default: String(DEFAULT_SIZING.activeShare) },
    peak: { type: 'string', default: String(DEFAULT_SIZING.peakFactor) },
    'no-profile': { type: 'boolean', default: false },
    'keep-profiles': { type: 'string' },
    spawns: { type: 'string', default: '10' },
    'memory-sizes': { type: 'string', default: '128,256,512,1024' },
    'cold-runs': { type: 'string' },
  },
});

const QUICK = opts.quick!;
const RUN = {
  warmup: Number(opts.warmup ?? (QUICK ? 10 : 300)),
  requests: Number(opts.requests ?? (QUICK ? 40 : 2000)),
  maxMs: Number(opts['max-seconds']) * 1000,
  countRequests: Number(opts.count ?? (QUICK ? 5 : 100)),
};
const MEMORY_SIZES = opts['memory-sizes']!.split(',').map(Number);
const COLD_RUNS = Number(opts['cold-runs'] ?? (QUICK ? 1 : 5));
const PROFILE = !QUICK && !opts['no-profile'];
/** V8 heap limits that keep a Node process inside a 128 MB function (old space 96 MB, 1 MB semi-spaces). */
const HEAP_128 = ['--max-old-space-size=96', '--max-semi-space-size=1'];
const out: Out = (line = '') => process.stdout.write(`${line}\n`);

const PRICES = JSON.parse(readFileSync(join(ROOT, 'bench', 'prices.json'), 'utf8')) as Prices;

/** The stack's access-log format, as lib/ writes it (imported lazily: aws-cdk-lib is large). */
async function accessLogFormatOfStack(): Promise<string> {
  const { accessLogFormat } = await import('../lib/account-linking-adapter');
  return accessLogFormat().toString();
}

/** The exchange types of the cost model, and where their figures come from. */
const EXCHANGES: { id: string; title: string; scenario: string; legs: string[]; goal?: number }[] = [
  { id: 'code', title: 'code exchange (GitHub)', scenario: 'code', legs: ['token'], goal: 1.8 },
  { id: 'refresh', title: 'refresh, non-rotating (Google)', scenario: 'refresh', legs: ['token'], goal: 1.8 },
  { id: 'refresh-rotating', title: 'refresh, rotating (GitHub App)', scenario: 'refresh-rotating', legs: ['token'], goal: 2.45 },
  { id: 'authorize-callback', title: 'authorize + callback (interception)', scenario: 'link', legs: ['authorize', 'callback'] },
  { id: 'code-interception', title: 'code exchange after /callback', scenario: 'link', legs: ['token'] },
  { id: 'code-smart-home', title: 'code exchange, smart-home deployment', scenario: 'code-smart-home', legs: ['token'] },
  { id: 'accept-grant', title: 'AcceptGrant (direct invoke)', scenario: 'accept-grant', legs: ['invoke'] },
];

const ROUTE: Record<string, { method: string; routeKey: string; answerBytes: number }> = {
  token: { method: 'POST', routeKey: 'POST /token', answerBytes: 300 },
  authorize: { method: 'GET', routeKey: 'GET /authorize', answerBytes: 0 },
  callback: { method: 'GET', routeKey: 'GET /callback', answerBytes: 0 },
  invoke: { method: 'POST', routeKey: '-', answerBytes: 0 },
};

function figuresOf(results: ScenarioResult[]): ExchangeFigures[] {
  const figures: ExchangeFigures[] = [];
  for (const x of EXCHANGES) {
    const r = results.find((s) => s.id === x.scenario);
    const scenario = SCENARIOS.find((s) => s.id === x.scenario)!;
    if (!r) continue;
    const legs: LegFigures[] = x.legs.map((leg) => {
      const c = r.legCounters[leg]!;
      const d = r.dynamodb?.[leg];
      const calls = d ? Object.values(d.callsPerExchange).reduce((a, b) => a + b, 0) : 0;
      return {
        leg,
        cpuMs: c.handlerCpuUs / 1000,
        dynamodbCalls: calls,
        writeUnits: d?.writeUnitsPerExchange ?? 0,
        readUnits: d?.readUnitsPerExchange ?? 0,
        recordBytes: c.logBytes,
        recordLines: c.logLines,
        providerWait: scenario.providerWaitLegs.includes(leg),
        httpApi: leg !== 'invoke',
        ...ROUTE[leg]!,
      };
    });
    figures.push({ id: x.id, title: x.title, legs, maxRssMb: r.arms.adapter.maxRssMb, ...(x.goal !== undefined ? { goal: x.goal } : {}) });
  }
  return figures;
}

/** CPU µs of a fixed task (JSON round trip and SHA-256 of a record-sized object, 2,000 times): the machine's speed right now. */
function calibrate(): number {
  const record = { type: 'alexa-link-adapter.exchange', v: 1, requestId: 'x'.repeat(36), verdicts: Array.from({ length: 4 }, (_, i) => ({ code: `c${i}`, severity: 'info', message: 'm'.repeat(200) })), pad: 'p'.repeat(400) };
  const c0 = process.cpuUsage();
  let h = '';
  for (let i = 0; i < 2000; i++) h = createHash('sha256').update(JSON.stringify(JSON.parse(JSON.stringify({ ...record, i })))).digest('hex');
  const d = process.cpuUsage(c0);
  return h ? d.user + d.system : NaN;
}

function gitDescribe(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lambda', 'lib', 'local', 'bench'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** Runs the adapter of `scenario` once more under `node --cpu-prof` and summarises the profile. */
async function profileScenario(id: string, env: Environment, bundles: Bundles, endpoints: Parameters<typeof runScenario>[3]): Promise<ProfileSummary> {
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  const dir = mkdtempSync(join(tmpdir(), 'adapter-prof-'));
  try {
    const profEnv: Environment = { ...env, bundles: bundles.profileHandlers };
    await runScenario(scenario, profEnv, bundles.host, endpoints, { ...RUN, countRequests: 0, adapterExecArgv: ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir] });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no CPU profile was written');
    if (opts['keep-profiles']) {
      mkdirSync(opts['keep-profiles'], { recursive: true });
      copyFileSync(join(dir, file), join(opts['keep-profiles'], `${id}.cpuprofile`));
    }
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const texts: Record<string, string> = {};
    for (const p of [...Object.values(bundles.profileHandlers), bundles.host]) texts[`file://${p}`] = readFileSync(p, 'utf8');
    return summarizeProfile(profile, texts, [
      'exchangeToken',
      'callUpstream',
      'fetch',
      'translateResponse',
      'parseTokenRequest',
      'prepareUpstreamRequest',
      'guardRefresh',
      'singleFlight',
      'send',
      'seal',
      'open',
      'secretKey',
      'fingerprint',
      'stdoutSink',
      'toHttpRequest',
      'handleAuthorize',
      'handleCallback',
      'applyCodeLink',
      'recordGrantee',
      'handleDirective',
      'apiGatewayListener',
      'buildEvent',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const git = gitDescribe();
  const load0 = loadavg();
  out(`alexa-link-adapter bench — ${started.toISOString()} — commit ${git.commit}${git.dirty ? ' (with uncommitted changes)' : ''} — node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  out(`${QUICK ? 'QUICK run (smoke only: too few exchanges for figures worth quoting). ' : ''}${RUN.warmup} warm-up + ${RUN.requests} measured pairs per exchange type (max ${RUN.maxMs / 1000} s); DynamoDB counted over ${RUN.countRequests} exchanges.`);
  out('');

  calibrate(); // warm the JIT
  const calibrationBefore = calibrate();
  const bundles = await buildBundles();
  const ddb = await startDynamoDbLocal();
  const admin = ddb.client();
  const tableName = 'bench';
  await createStateTable(admin, tableName, { ttl: 'if-supported' });
  const upstream = await startChild<{ ready: string; lwaTokenUrl: string }>(bundles.upstream, {});
  const proxy = await startChild<{ ready: string }>(bundles.proxy, { BENCH_DDB_TARGET: ddb.endpoint });
  const env: Environment = { upstream: upstream.ready.ready, lwaTokenUrl: upstream.ready.lwaTokenUrl, tableName, bundles: bundles.handlers };
  const endpoints = { dynamodb: ddb.endpoint, proxy };
  const only = opts.only ? new Set(opts.only.split(',')) : undefined;
  const results: ScenarioResult[] = [];
  let stub: Awaited<ReturnType<typeof runStub>>;
  const profiles: Record<string, ProfileSummary> = {};
  let coldCpu: ColdCpuRow[] = [];
  const budget: { id: string; maxRssMb: number; handlerCpuUs: number; processCpuUs: number; unconstrainedMaxRssMb: number; unconstrainedHandlerCpuUs: number }[] = [];
  try {
    stub = await runStub(bundles.host, RUN);
    for (const scenario of SCENARIOS) {
      if (only && !only.has(scenario.id) && !(scenario.id === 'code-smart-home' && only.has('accept-grant'))) continue;
      if (scenario.id === 'accept-grant') {
        const need = 2 * (RUN.warmup + RUN.requests) + RUN.countRequests + 10;
        lwaCodes.push(...(JSON.parse((await send(`${env.upstream}/__lwa/codes?n=${need}`, { method: 'GET' })).body) as string[]));
      }
      process.stderr.write(`bench: ${scenario.id}…\n`);
      results.push(await runScenario(scenario, env, bundles.host, endpoints, RUN));
    }
    if (!only || only.has('cold-cpu')) {
      process.stderr.write(`bench: cold start at ${MEMORY_SIZES.join(', ')} MB…\n`);
      coldCpu = await coldStartsByMemory({ tokenBundle: bundles.handlers.token, dynamodbEndpoint: ddb.endpoint, tableName, execArgvFor: (mb) => (mb <= 128 ? HEAP_128 : []) }, MEMORY_SIZES, COLD_RUNS);
    }
    if (PROFILE) {
      for (const id of ['code', 'refresh-rotating']) {
        if (only && !only.has(id)) continue;
        process.stderr.write(`bench: CPU profile of ${id}…\n`);
        profiles[id] = await profileScenario(id, env, bundles, endpoints);
      }
    }
    if (!QUICK) {
      // The 128 MB what-if, measured: the adapter with V8's heap held to a 128 MB function's budget.
      for (const unconstrained of results) {
        const id = unconstrained.id;
        if (id === 'state') continue;
        if (id === 'accept-grant') {
          const need = 2 * (RUN.warmup + Math.min(RUN.requests, 500)) + 10;
          lwaCodes.push(...(JSON.parse((await send(`${env.upstream}/__lwa/codes?n=${need}`, { method: 'GET' })).body) as string[]));
        }
        process.stderr.write(`bench: ${id} with a 128 MB heap budget…\n`);
        const r = await runScenario(SCENARIOS.find((x) => x.id === id)!, env, bundles.host, endpoints, { ...RUN, requests: Math.min(RUN.requests, 500), countRequests: 0, adapterExecArgv: HEAP_128 });
        budget.push({ id, maxRssMb: r.arms.adapter.maxRssMb, handlerCpuUs: r.arms.adapter.handlerCpuUs, processCpuUs: r.arms.adapter.processCpuUs, unconstrainedMaxRssMb: unconstrained.arms.adapter.maxRssMb, unconstrainedHandlerCpuUs: unconstrained.arms.adapter.handlerCpuUs });
      }
    }
  } finally {
    closeClients();
    await Promise.allSettled([upstream.stop(), proxy.stop()]);
    admin.destroy();
    await ddb.stop();
  }

  const workDir = mkdtempSync(join(tmpdir(), 'adapter-bench-'));
  let sizes: BundleSize[] = [];
  let cold: ColdStart | undefined;
  try {
    const b = await bundleSizes(workDir);
    sizes = b.sizes;
    if (b.tokenBundle) cold = coldStart(workDir, b.tokenBundle, QUICK ? 3 : Number(opts.spawns));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const load1 = loadavg();
  const calibration = { before: calibrationBefore, after: calibrate() };

  // --- Cost model -------------------------------------------------------------------------------------
  const costOptions: CostOptions = {
    ...DEFAULT_COST_OPTIONS,
    memoryMb: Number(opts.memory),
    providerWaitMs: Number(opts['provider-wait-ms']),
    dynamodbLatencyMs: Number(opts['dynamodb-latency-ms']),
    accessLogFormat: await accessLogFormatOfStack(),
    // The stack's functions log platform lines only at INFO (platform.start/report): none at its WARN.
    platformLines: (DEFAULT_SYSTEM_LOG_LEVEL as string) === 'INFO',
  };
  const figures = figuresOf(results).map((f) => {
    const scenario = EXCHANGES.find((x) => x.id === f.id)!.scenario;
    const b = budget.find((x) => x.id === scenario);
    return b ? { ...f, maxRssMbAt128: b.maxRssMb } : f;
  });
  const costs = figures.map((f) => ({ figures: f, cost: costPerMillion(f, costOptions, PRICES) }));
  const whatIf = figures.map((f) => ({
    id: f.id,
    title: f.title,
    cells: [128, 256, 512, 1024].flatMap((memoryMb) =>
      (['http-api', 'function-url'] as const).map((front) => {
        const c = costPerMillion(f, { ...costOptions, memoryMb, front }, PRICES);
        return { memoryMb, front, total: c.perMillion.total, fits: c.fitsMemory };
      }),
    ),
  }));
  const goalExchanges = figures.filter((f) => f.goal !== undefined);
  const ladders = goalExchanges.map((f) => ladder(f, costOptions).map((step) => ({ lever: step.lever, total: costPerMillion(step.f, step.o, PRICES).perMillion.total })));
  const leverRows = (ladders[0] ?? []).map((step, i) => ({ lever: step.lever, totals: ladders.map((l) => l[i]!.total) }));
  const defaults = parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' });
  const sizingInput = { ...DEFAULT_SIZING, users: Number(opts.users), activeShare: Number(opts.active), peakFactor: Number(opts.peak), throttleRateLimit: defaults.throttleRateLimit, throttleBurstLimit: defaults.throttleBurstLimit };
  const sizingRows: SizingRow[] = costs.filter((c) => c.figures.id === 'refresh' || c.figures.id === 'refresh-rotating').map((c) => sizing(sizingInput, { title: c.figures.title, quantities: c.cost.quantities }, PRICES));

  // --- Report -----------------------------------------------------------------------------------------
  renderLatency(out, results);
  renderProcess(out, results, stub);
  if (budget.length) renderBudget(out, budget, HEAP_128);
  renderState(out, figures, costs, costOptions);
  renderCost(out, costs, costOptions, PRICES);
  renderWhatIf(out, whatIf, costOptions);
  renderLevers(out, leverRows, goalExchanges);
  if (coldCpu.length) {
    const rotating = whatIf.find((w) => w.id === 'refresh-rotating');
    renderColdCpu(out, coldCpu, ALEXA_TOKEN_DEADLINE_MS, (rotating?.cells ?? []).filter((c) => c.front === 'http-api'));
  }
  if (opts.scale) renderSizing(out, sizingInput, sizingRows);
  out('Lambda bundles (esbuild as NodejsFunction: minify, keep-names, node24, cjs, AWS SDK external)');
  for (const s of sizes) out(`  ${s.handler.padEnd(12)} ${(s.bytes / 1024).toFixed(1).padStart(6)} KB  gzip ${(s.gzipBytes / 1024).toFixed(1).padStart(5)} KB`);
  if (cold) out(`Cold start of the token bundle (median of ${cold.spawns} fresh processes): require ${cold.requireMs.toFixed(1)} ms, first call ${cold.firstCallMs.toFixed(1)} ms, +${cold.addedWallMs.toFixed(1)} ms of process wall time over an empty script`);
  out('');
  for (const [id, p] of Object.entries(profiles)) renderProfile(out, id, p, results.find((r) => r.id === id));
  renderCalibration(out, calibration);
  out(`Load average: ${load0.map((l) => l.toFixed(2)).join(' ')} at start, ${load1.map((l) => l.toFixed(2)).join(' ')} at end (2 cores shared with other work: compare runs, not single figures).`);

  const report = {
    meta: { date: started.toISOString(), ...git, node: process.version, platform: `${process.platform}/${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage: { start: load0, end: load1 }, quick: QUICK, run: RUN },
    prices: { region: PRICES.region, asOf: PRICES.asOf, file: 'bench/prices.json' },
    costOptions: { ...costOptions, accessLogFormat: undefined },
    standIn: stub,
    scenarios: results,
    exchanges: costs.map((c) => ({ ...c, pass: c.figures.goal === undefined ? undefined : c.cost.perMillion.total <= c.figures.goal })),
    whatIf,
    levers: leverRows,
    memoryBudget128: { flags: HEAP_128, rows: budget },
    calibration,
    sizing: { input: sizingInput, rows: sizingRows },
    bundles: sizes,
    coldStart: cold,
    coldStartByMemory: { deadlineMs: ALEXA_TOKEN_DEADLINE_MS, rows: coldCpu },
    profiles,
  };
  mkdirSync(dirname(opts.json!), { recursive: true });
  writeFileSync(opts.json!, `${JSON.stringify(report, null, 2)}\n`);
  out(`JSON: ${opts.json}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
