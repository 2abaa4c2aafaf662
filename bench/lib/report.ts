/** The bench's tables, printed as aligned text (the JSON file carries every figure unrounded). */
import type { ColdCpuRow } from './cold-cpu';
import type { Cost, CostOptions, ExchangeFigures, Prices } from './cost';
import type { ScenarioResult } from './measure';
import type { ProfileSummary } from './profile-summary';
import type { SizingInput, SizingRow } from './sizing';
import type { Summary } from './stats';

export type Out = (line?: string) => void;

export function table(out: Out, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  out(line(headers));
  out(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) out(line(r));
  out();
}

export const ms = (n: number) => (!Number.isFinite(n) ? '–' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
const us = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const usd = (n: number) => `$${n.toFixed(2)}`;
const ci = (c: { low: number; high: number }) => `[${ms(c.low)}, ${ms(c.high)}]`;
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;

export function renderLatency(out: Out, results: ScenarioResult[]): void {
  out('Added latency, ms: quantiles of PAIRED differences (adapter − floor, same client, upstream and stand-in; each pair back to back, order alternating)');
  out('');
  const rows: string[][] = [];
  for (const r of results) {
    const legs = Object.entries(r.legs);
    legs.forEach(([leg, l], i) => {
      const name = i === 0 ? r.id : '';
      rows.push([name, legs.length > 1 ? leg : '', i === 0 ? r.floorName : '', String(l.diff.n), ms(l.floor.p50), ms(l.adapter.p50), ms(l.diff.p50), ci(l.diffP50CI), ms(l.diff.p99), ci(l.diffP99CI)]);
    });
    if (legs.length > 1) rows.push(['', 'all legs', '', String(r.total.diff.n), ms(r.total.floor.p50), ms(r.total.adapter.p50), ms(r.total.diff.p50), ci(r.total.diffP50CI), ms(r.total.diff.p99), ci(r.total.diffP99CI)]);
    if (r.truncated) rows.push(['', `(stopped at ${r.pairs} pairs by the time bound)`, '', '', '', '', '', '', '', '']);
  }
  table(out, ['exchange', 'leg', 'floor', 'pairs', 'floor p50', 'adapter p50', 'added p50', '95% CI', 'added p99', '95% CI'], rows);
  out('  The state row pairs the stateless adapter (no table) with the stateful one: what the refresh guard adds against');
  out('  DynamoDB Local in its own JVM (not DynamoDB: the cost model assumes an in-region round trip per call instead).');
  out('');
}

export function renderProcess(out: Out, results: ScenarioResult[], stub: { latency: Summary; processCpuUs: number; handlerCpuUs: number; maxRssMb: number }): void {
  out('CPU per exchange, µs, and memory high-water, MB, from each process itself (process.cpuUsage / resourceUsage)');
  out('');
  const rows = results.map((r) => [
    r.id,
    us(r.arms.adapter.handlerCpuUs),
    us(r.arms.floor.handlerCpuUs),
    us(r.arms.adapter.processCpuUs),
    us(r.arms.floor.processCpuUs),
    r.arms.adapter.maxRssMb.toFixed(0),
    r.arms.floor.maxRssMb.toFixed(0),
    r.arms.adapter.rssAfterGcMb.toFixed(0),
    r.arms.adapter.liveHeapMb.toFixed(1),
  ]);
  table(out, ['exchange', 'adapter handler', 'floor handler', 'adapter process', 'floor process', 'adapter maxRSS', 'floor maxRSS', 'adapter RSS after GC', 'live heap'], rows);
  out(`  handler = CPU inside the Lambda handler call (what Lambda runs); process = the whole process, stand-in included.`);
  out('  maxRSS = high-water without memory pressure (V8 grows lazily); RSS after GC and live heap = after a full GC at the end.');
  out(`  The stand-in alone (stub handler, no upstream): ${us(stub.processCpuUs)} µs of process CPU per request, p50 ${ms(stub.latency.p50)} ms; maxRSS ${stub.maxRssMb.toFixed(0)} MB.`);
  out('  That is API Gateway\'s work in AWS, the same in both arms: it cancels in the differences and is not billed to the Lambda.');
  out('');
}

export function renderState(out: Out, figures: ExchangeFigures[], costs: { figures: ExchangeFigures; cost: Cost }[], o: CostOptions): void {
  out('DynamoDB (counted at the wire in front of DynamoDB Local) and bytes logged, per exchange');
  out('');
  const rows = costs.map(({ figures: f, cost: c }) => [
    f.title,
    String(f.legs.length),
    f.legs.map((l) => l.dynamodbCalls.toFixed(2)).join('+'),
    c.quantities.writeUnits.toFixed(2),
    c.quantities.readUnits.toFixed(2),
    c.quantities.logBytes.record.toFixed(0),
    c.quantities.logBytes.platform.toFixed(0),
    c.quantities.logBytes.accessLog.toFixed(0),
    (c.quantities.lambdaLogBytes + c.quantities.accessLogBytes).toFixed(0),
  ]);
  table(out, ['exchange', 'invocations', 'DynamoDB calls', 'write units', 'read units', 'record B', 'platform B', 'access log B', 'logged B'], rows);
  out(`  Bytes as CloudWatch meters them: each line + ${o.eventOverheadBytes} B per event. record = the handler's line(s) as written;`);
  out('  platform = platform.start + platform.report when the functions log platform lines at INFO (none at the stack\'s WARN); access log = the stack\'s format rendered.');
  const ops = figures.map((f) => `${f.id}: ${f.legs.map((l) => `${l.leg} ${l.dynamodbCalls.toFixed(2)} calls`).join(', ')}`).join('; ');
  out(`  ${ops}`);
  out('');
}

export function renderCost(out: Out, costs: { figures: ExchangeFigures; cost: Cost }[], o: CostOptions, prices: Prices): void {
  out(`Cost per million exchanges, ${prices.region} list prices of ${prices.asOf} (bench/prices.json): ${o.memoryMb} MB arm64, provider wait ${o.providerWaitMs} ms,`);
  out(`DynamoDB round trip ${o.dynamodbLatencyMs} ms (modelled), own CPU stretched ×${Math.max(1, 1769 / o.memoryMb).toFixed(1)} for the memory size's CPU share (modelled)`);
  out('');
  const rows = costs.map(({ figures: f, cost: c }) => {
    const p = c.perMillion;
    const goal = f.goal === undefined ? '' : `≤ ${usd(f.goal)}`;
    const verdict = f.goal === undefined ? '' : p.total <= f.goal ? 'PASS' : 'MISS';
    return [f.title, c.quantities.billedMs.toFixed(0), usd(p.front), usd(p.lambdaRequests), usd(p.lambdaDuration), usd(p.dynamodb), usd(p.logs), usd(p.total), goal, verdict];
  });
  table(out, ['exchange', 'billed ms', 'HTTP API', 'Lambda req', 'Lambda GB-s', 'DynamoDB', 'CW Logs', 'total', 'goal', ''], rows);
}

export function renderWhatIf(out: Out, whatIf: { id: string; title: string; cells: { memoryMb: number; front: string; total: number; fits: boolean }[] }[], o: CostOptions): void {
  out(`What if (MODELLED from the same measurements): $ per million at other memory sizes, and with a Lambda function URL instead of the HTTP API (provider wait ${o.providerWaitMs} ms)`);
  out('');
  const cols = whatIf[0]?.cells.map((c) => `${c.memoryMb} MB ${c.front === 'http-api' ? 'API' : 'URL'}`) ?? [];
  table(out, ['exchange', ...cols], whatIf.map((w) => [w.title, ...w.cells.map((c) => `${usd(c.total)}${c.fits ? '' : '!'}`)]));
  out('  ! = the adapter process\'s measured high-water RSS does not fit that memory size.');
  out('  Function URL: no per-request charge and no access-log line; but no stage throttling (reserved concurrency only), no');
  out('  custom domain without CloudFront (which charges per request again), no WAF without CloudFront, and the access log that');
  out('  joins a request to its record (integrationRequestId) is gone: the record must carry what the CLI needs.');
  out('');
}

export function renderSizing(out: Out, input: SizingInput, rows: SizingRow[]): void {
  out(`Sizing (MODELLED): ${input.users.toLocaleString('en-US')} linked users, ${pct(input.activeShare)} active, ${input.refreshesPerActiveUserPerHour} refresh per active user per hour, peaks ×${input.peakFactor}`);
  out(`Stack defaults: stage throttling ${input.throttleRateLimit} requests/s (burst ${input.throttleBurstLimit}); account concurrency ${input.accountConcurrency}.`);
  out('');
  const line = (label: string, f: (r: SizingRow) => string) => [label, ...rows.map(f)];
  table(out, ['', ...rows.map((r) => r.exchange)], [
    line('refreshes per second, average', (r) => r.averageRps.toFixed(0)),
    line('refreshes per second, peak', (r) => r.peakRps.toFixed(0)),
    line('peak vs stage rate limit', (r) => `×${r.throttleRatio.toFixed(1)}${r.throttleRatio > 1 ? ` THROTTLED (${pct(r.throttledShareAtPeak)} get 429)` : ' ok'}`),
    line('rate limit with 50% headroom', (r) => String(r.suggestedRateLimit)),
    line('Lambda concurrency at peak', (r) => `${r.peakConcurrency.toFixed(0)} (${pct(r.concurrencyShareOfAccount)} of account)`),
    line('DynamoDB write units/s at peak', (r) => `${r.peakWriteUnitsPerSecond.toFixed(0)} (${r.partitionsForWrites} partition${r.partitionsForWrites > 1 ? 's' : ''})`),
    line('DynamoDB read units/s at peak', (r) => `${r.peakReadUnitsPerSecond.toFixed(0)} (${r.partitionsForReads} partition${r.partitionsForReads > 1 ? 's' : ''})`),
    line('within a new on-demand table', (r) => (r.withinOnDemandStart ? 'yes' : 'no: pre-warm')),
    line('refreshes per month', (r) => `${(r.exchangesPerMonth / 1e6).toFixed(0)} M`),
    line('cost per month (all tiers)', (r) => `$${r.monthlyCost.toFixed(0)}`),
  ]);
  out('  Hot keys: every item is keyed by a hash of one token or user, so load spreads over partitions; one key is hot only');
  out('  if one refresh token is replayed in a loop (single-flight followers poll its item every 50 ms while the leader waits).');
  out('');
}

export function renderProfile(out: Out, id: string, p: ProfileSummary, r: ScenarioResult | undefined): void {
  const perExchange = r ? r.arms.adapter.processCpuUs : NaN;
  out(`Where the adapter process's CPU goes: ${id} (node --cpu-prof, 100 µs sampling, steady state; ${(p.totalUs / 1000).toFixed(0)} ms profiled, start-up ${(p.startupUs / 1000).toFixed(0)} ms left out)`);
  out('');
  table(out, ['self time by owner (innermost code that asked for it)', 'share', '≈ µs/exchange'], p.byOwner.slice(0, 14).map((c) => [c.category, pct(c.share), us(c.share * perExchange)]));
  table(out, ['self time by operation (what the leaf frame did)', 'share', '≈ µs/exchange'], p.byOperation.slice(0, 10).map((c) => [c.category, pct(c.share), us(c.share * perExchange)]));
  table(out, ['inclusive (function anywhere on the stack)', 'share', '≈ µs/exchange'], p.inclusive.filter((c) => c.us > 0).map((c) => [c.name, pct(c.share), us(c.share * perExchange)]));
  out('  Shares are of the whole adapter process (the stand-in included); µs = share × the timed run\'s process CPU per exchange.');
  out('  Inclusive time counts synchronous stacks only: work after an await is charged to whatever resumed it (the owner view).');
  out('');
}

export function renderLevers(out: Out, rows: { lever: string; totals: number[] }[], exchanges: { title: string; goal?: number }[]): void {
  out('Levers not in the product (MODELLED, cumulative, applied to the measured figures): $ per million');
  out('');
  table(
    out,
    ['lever (each row adds one)', ...exchanges.map((e) => `${e.title}${e.goal !== undefined ? ` (goal ${usd(e.goal)})` : ''}`)],
    rows.map((r) => [r.lever, ...r.totals.map((t, i) => `${usd(t)}${exchanges[i]!.goal !== undefined ? (t <= exchanges[i]!.goal! ? ' PASS' : ' MISS') : ''}`)]),
  );
}

export function renderCalibration(out: Out, c: { before: number; after: number }): void {
  out(`Machine speed: a fixed CPU task (JSON + SHA-256 of a 1.4 KB record, 2,000 times) took ${us(c.before)} µs of CPU before and ${us(c.after)} µs after the run`);
  out('(lower is faster; compare it across runs and machines before comparing CPU figures).');
  out('');
}

export function renderBudget(out: Out, rows: { id: string; maxRssMb: number; handlerCpuUs: number; unconstrainedMaxRssMb: number; unconstrainedHandlerCpuUs: number }[], flags: string[]): void {
  out(`Memory under a 128 MB budget, MEASURED: the adapter again with V8's heap held to it (${flags.join(' ')})`);
  out('');
  table(out, ['exchange', 'maxRSS, budget', 'maxRSS, free', 'handler CPU µs, budget', 'handler CPU µs, free'], rows.map((r) => [r.id, r.maxRssMb.toFixed(0), r.unconstrainedMaxRssMb.toFixed(0), us(r.handlerCpuUs), us(r.unconstrainedHandlerCpuUs)]));
}

export function renderColdCpu(out: Out, rows: ColdCpuRow[], deadlineMs: number, costs: { memoryMb: number; total: number }[]): void {
  out('Memory size, MEASURED: a cold token-bundle process at the CPU share of each memory size (SIGSTOP/SIGCONT in 20 ms periods),');
  out('first request = deployment key from Secrets Manager over TLS + rotating refresh (DynamoDB marker, provider over TLS, answer written)');
  out('');
  table(
    out,
    ['memory MB', 'CPU share', 'runs', 'boot', 'require', 'first', 'cold total p50 (max)', `left of ${deadlineMs / 1000} s`, 'first CPU', 'first CPU ÷ share', 'cold CPU', 'warm ms', 'warm CPU', 'maxRSS MB', 'ok', '$/M refresh (rotating)'],
    rows.map((r) => {
      const c = costs.find((x) => x.memoryMb === r.memoryMb);
      return [
        String(r.memoryMb) + (r.execArgv.length ? '*' : ''),
        pct(r.share),
        String(r.runs),
        ms(r.bootMs),
        ms(r.requireMs),
        ms(r.firstMs),
        `${ms(r.coldTotalMs)} (${ms(r.coldTotalMaxMs)})`,
        ms(deadlineMs - r.coldTotalMaxMs),
        ms(r.firstCpuMs),
        ms(r.firstCpuMs / r.share),
        ms(r.coldCpuMs),
        ms(r.warmMs),
        ms(r.warmCpuMs),
        r.maxRssMb.toFixed(0),
        `${r.firstOk}/${r.runs} ${r.warmOk}/${r.warmRequests}`,
        c ? usd(c.total) : '',
      ];
    }),
  );
  out('  ms, medians over the runs. boot = node up to the script; cold total = boot + require + first: what the first Alexa request of a');
  out('  new container waits before API Gateway\'s own time, with the provider answering at once; "left" = what remains of Alexa\'s budget');
  out('  for the provider\'s own time in the slowest run. CPU = the process\'s own counters (cold = everything up to the end of the');
  out('  first request); first CPU ÷ share = the least wall time the first request needs at that share with no other load.');
  out('  warm = the requests after the first in the same process. * = V8 heap held to the 128 MB budget. ok = first / warm answered 200.');
  out('  This x86 core stands in for a Graviton core and other work shares the 2 cores: the figures err high. $/M = the cost model');
  out('  at that memory size (warm CPU from the timed run, stretched by the CPU share).');
  out('');
}
