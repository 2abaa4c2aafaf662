/**
 * Writes the scenario fixtures (records written by the real handlers, normalised clock) as JSON lines
 * on stdout, for reading with the CLI or for a bug report:
 *
 *   npx tsx test/cli/generate-fixtures.mts > fixtures.jsonl
 *   npx alexa-link-adapter diagnose --local fixtures.jsonl
 *
 * Token-route scenarios (scenarios.ts) and the authorization-leg, refresh-safety and smart-home flows
 * (flow-scenarios.ts; these need DynamoDB Local, so Java). `--raw` keeps the real times, request ids
 * and timings; `--token-only` skips the flows (no Java needed).
 */
import { startDynamoDbLocal } from '../support/dynamodb-local';
import { runFlow } from './flow-runner';
import { FLOW_SCENARIOS } from './flow-scenarios';
import { SCENARIOS } from './scenarios';
import { normalise, runScenario } from './scenario-runner';

const raw = process.argv.includes('--raw');
let start = Date.parse('2026-11-25T09:00:00.000Z');
let i = 0;
const emit = (name: string, records: Awaited<ReturnType<typeof runScenario>>, findings: string[]) => {
  i++;
  for (const r of raw ? records : normalise(records, start, `s${i}`)) process.stdout.write(`${JSON.stringify(r)}\n`);
  process.stderr.write(`${name}: ${records.length} record${records.length === 1 ? '' : 's'}, expect ${findings.join(', ') || 'no findings'}\n`);
  start += 120_000;
};
for (const s of SCENARIOS) emit(s.name, await runScenario(s), s.findings);
if (!process.argv.includes('--token-only')) {
  const ddb = await startDynamoDbLocal();
  try {
    for (const s of FLOW_SCENARIOS) emit(s.name, await runFlow(s, ddb), s.findings);
  } finally {
    await ddb.stop();
  }
}
