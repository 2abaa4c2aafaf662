/**
 * Writes the scenario fixtures (records written by the real handlers, normalised clock) as JSON lines
 * on stdout, for reading with the CLI or for a bug report:
 *
 *   npx tsx test/cli/generate-fixtures.mts > fixtures.jsonl
 *   npx alexa-link-adapter diagnose --local fixtures.jsonl
 *
 * `--raw` keeps the real times, request ids and timings.
 */
import { SCENARIOS } from './scenarios';
import { normalise, runScenario } from './scenario-runner';

const raw = process.argv.includes('--raw');
let start = Date.parse('2026-11-25T09:00:00.000Z');
for (const [i, s] of SCENARIOS.entries()) {
  const records = await runScenario(s);
  for (const r of raw ? records : normalise(records, start, `s${i + 1}`)) process.stdout.write(`${JSON.stringify(r)}\n`);
  process.stderr.write(`${s.name}: ${records.length} record${records.length === 1 ? '' : 's'}, expect ${s.findings.join(', ') || 'no findings'}\n`);
  start += 120_000;
}
