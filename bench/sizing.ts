/**
 * `npm run sizing`: the sizing table from the bench's last results (bench/results/latest.json, or the
 * committed sample bench/results/sample.json when no bench has run here), without re-measuring.
 * Options: --users N (1000000) --active SHARE (1) --peak F (3) --from PATH
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAdapterConfig } from '../lambda/core/config';
import type { Prices, Quantities } from './lib/cost';
import { ROOT } from './lib/processes';
import { renderSizing } from './lib/report';
import { DEFAULT_SIZING, sizing } from './lib/sizing';

const { values: opts } = parseArgs({
  options: {
    users: { type: 'string', default: String(DEFAULT_SIZING.users) },
    active: { type: 'string', default: String(DEFAULT_SIZING.activeShare) },
    peak: { type: 'string', default: String(DEFAULT_SIZING.peakFactor) },
    from: { type: 'string' },
  },
});

const latest = join(ROOT, 'bench', 'results', 'latest.json');
const from = opts.from ?? (existsSync(latest) ? latest : join(ROOT, 'bench', 'results', 'sample.json'));
const report = JSON.parse(readFileSync(from, 'utf8')) as { meta: { date: string; commit: string }; exchanges: { figures: { id: string; title: string }; cost: { quantities: Quantities } }[] };
const prices = JSON.parse(readFileSync(join(ROOT, 'bench', 'prices.json'), 'utf8')) as Prices;
// The stack's real throttling defaults (lambda/core/config.ts), read through the schema.
const defaults = parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' });
const input = { ...DEFAULT_SIZING, users: Number(opts.users), activeShare: Number(opts.active), peakFactor: Number(opts.peak), throttleRateLimit: defaults.throttleRateLimit, throttleBurstLimit: defaults.throttleBurstLimit };
const rows = report.exchanges.filter((e) => e.figures.id === 'refresh' || e.figures.id === 'refresh-rotating').map((e) => sizing(input, { title: e.figures.title, quantities: e.cost.quantities }, prices));
const out = (line = '') => process.stdout.write(`${line}\n`);
out(`Per-exchange figures from ${from.replace(ROOT, '')} (bench of ${report.meta.date}, commit ${report.meta.commit}).`);
renderSizing(out, input, rows);
