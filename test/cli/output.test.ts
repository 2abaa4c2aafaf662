/**
 * Output snapshots of logs / diagnose / report on the scenario fixtures (real handlers, normalised
 * clock), for piped output (plain) and a terminal (colour), and the local-mode inputs (file, stdin).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../cli/records';
import { jsonl, runCli, scenarioFixtures } from './cli-support';

let all: LogRecord[];
let file: string;
let byName: Map<string, LogRecord[]>;

beforeAll(async () => {
  const fixtures = await scenarioFixtures();
  byName = new Map(fixtures.map((f) => [f.name, f.records]));
  all = fixtures.flatMap((f) => f.records);
  file = join(mkdtempSync(join(tmpdir(), 'ala-cli-')), 'records.jsonl');
  // Local mode's stdout also carries nothing but records; a stray line must not break the reader.
  writeFileSync(file, `not a record\n${jsonl(all)}`);
});

describe('diagnose --local FILE', () => {
  it('piped: plain text, exit 1, one finding per failing scenario', async () => {
    const r = await runCli(['diagnose', '--local', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b[');
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/diagnose.plain.txt');
  });

  it('terminal: colour; NO_COLOR turns it off', async () => {
    const colour = await runCli(['diagnose', '--local', file], { tty: true });
    expect(colour.stdout).toContain('\u001b[31mERROR\u001b[39m');
    await expect(colour.stdout).toMatchFileSnapshot('__snapshots__/diagnose.tty.txt');
    const noColour = await runCli(['diagnose', '--local', file], { tty: true, env: { NO_COLOR: '' } });
    expect(noColour.stdout).toBe((await runCli(['diagnose', '--local', file])).stdout);
  });

  it('healthy link only: "No problems found", exit 0', async () => {
    const r = await runCli(['diagnose', '--local', '-'], { stdin: jsonl(byName.get('healthy link')!) });
    expect(r).toEqual({ code: 0, stdout: 'No problems found in 1 link (2 records).\n', stderr: '' });
  });

  it('--link picks one link by fingerprint; --json gives the findings as data', async () => {
    const rot = byName.get('refresh token invalidated after rotation')!;
    const fp = (rot[0] as unknown as { tokens: { codeFp: string } }).tokens.codeFp;
    const r = await runCli(['diagnose', '--local', file, '--link', fp, '--json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as { findings: { rule: string; link: string; times: string[] }[]; handled: unknown[] };
    expect(d.findings.map((f) => [f.rule, f.link, f.times])).toEqual([['refresh_invalidated', fp, [rot[2]!.time]]]);
  });

  it('--link with no records: exit 2 and a message', async () => {
    const r = await runCli(['diagnose', '--local', file, '--link', 'fp:000000000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no records of link fp:000000000000');
  });
});

describe('logs --local', () => {
  it('timelines with PASS/FAIL per step, plain when piped', async () => {
    const r = await runCli(['logs', '--local', file]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/logs.plain.txt');
  });

  it('terminal colour', async () => {
    const r = await runCli(['logs', '--local', file, '--link', 'fp:' + 'x'.repeat(12)], { tty: true });
    expect(r.stdout).toBe('no exchange records in this range\n');
    const r2 = await runCli(['logs', '--local', '-'], { tty: true, stdin: jsonl(byName.get('refresh token invalidated after rotation')!) });
    expect(r2.stdout).toContain('\u001b[32mPASS\u001b[39m');
    expect(r2.stdout).toContain('\u001b[31mFAIL\u001b[39m');
    await expect(r2.stdout).toMatchFileSnapshot('__snapshots__/logs.tty.txt');
  });

  it('--json: one timeline per line with its records', async () => {
    const r = await runCli(['logs', '--local', file, '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { link: string; records: LogRecord[] });
    // Every scenario is its own link (the unknown-route request carries its own code fingerprint).
    expect(lines).toHaveLength(byName.size);
    expect(lines.flatMap((l) => l.records)).toHaveLength(all.length);
  });

  it('--since filters local records by time', async () => {
    // Scenarios start two minutes apart from 09:00: the last two.
    const since = new Date(Date.parse('2026-11-25T09:00:00Z') + (byName.size - 2) * 120_000 - 30_000).toISOString();
    const r = await runCli(['logs', '--local', file, '--json', '--since', since]);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--follow on stdin prints records as they arrive', async () => {
    const rot = byName.get('refresh token invalidated after rotation')!;
    const r = await runCli(['logs', '--local', '-', '--follow'], { stdin: jsonl(rot) });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\[fp:/gm)).toHaveLength(3);
    expect(r.stderr).toContain('following stdin');
  });
});

describe('report --link', () => {
  it('Markdown with the failure times, placeholders for what only the user knows', async () => {
    const rot = byName.get('refresh token invalidated after rotation')!;
    const r = await runCli(['report', '--local', file, '--link', rot[2]!.requestId, '--skill-id', 'amzn1.ask.skill.00000000-1111-2222-3333-444444444444']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`   - ${rot[2]!.time}: refresh failed (\`provider_error\`, \`invalid_grant\`; request \`${rot[2]!.requestId}\`)`);
    expect(r.stdout).toContain('**[FILL IN: a test account and password');
    expect(r.stdout).toContain('**[FILL IN: Android / iOS / browser]**');
    expect(r.stdout).toContain('Account Linking Type:** Auth Code Grant');
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/report.md');
  });

  it('without --link: usage error', async () => {
    const r = await runCli(['report', '--local', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('report needs --link');
  });
});

describe('usage', () => {
  it.each(['logs', 'diagnose', 'report', 'doctor'])('%s --help', async (cmd) => {
    const r = await runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`npx alexa-link-adapter ${cmd}`);
  });

  it('unknown command or option: exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['logs', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
  });

  it('bad --since: exit 2', async () => {
    const r = await runCli(['logs', '--local', '-', '--since', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--since: "yesterday"');
  });
});

describe('logs --local FILE --follow', () => {
  it('prints what the file holds, then lines appended later (npm start -s >> records.jsonl)', async () => {
    const { appendFileSync } = await import('node:fs');
    const rot = byName.get('refresh token invalidated after rotation')!;
    const growing = join(mkdtempSync(join(tmpdir(), 'ala-follow-')), 'records.jsonl');
    writeFileSync(growing, jsonl(rot.slice(0, 1)));
    const controller = new AbortController();
    const running = runCli(['logs', '--local', growing, '--follow'], { signal: controller.signal, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    // Appended in two writes, the first ending mid-line: only whole lines are read.
    const rest = jsonl(rot.slice(1));
    appendFileSync(growing, rest.slice(0, 40));
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(growing, rest.slice(40));
    await new Promise((r) => setTimeout(r, 500));
    controller.abort();
    const r = await running;
    expect(r.code).toBe(0);
    expect([...r.stdout.matchAll(/^ {2}(PASS|FAIL) {2}(\S+)/gm)].map((m) => [m[1], m[2]])).toEqual([
      ['PASS', rot[0]!.time],
      ['PASS', rot[1]!.time],
      ['FAIL', rot[2]!.time],
    ]);
  });
});
