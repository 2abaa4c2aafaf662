/**
 * Terminal output: link timelines and findings. Colour only on a terminal, plain when piped or when
 * NO_COLOR is set (https://no-color.org). Pure functions of their input, so snapshots are stable.
 */
import type { LogRecord } from './records';
import { num, str } from './records';
import type { Diagnosis, Finding } from './rules';
import { sgr as marked } from './terminal';
import { passed, stepLabel, type Timeline } from './timeline';

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

// Written with the terminal writer's marker (cli/terminal.ts): only these become real escape sequences.
const sgr = (open: number, close: number) => (s: string) => `${marked(String(open))}${s}${marked(String(close))}`;

export const COLOUR: Style = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
const id = (s: string) => s;
export const PLAIN: Style = { red: id, green: id, yellow: id, dim: id, bold: id };

/** Colour when writing to a terminal and NO_COLOR is unset (any value, even empty, turns colour off). */
export function styleFor(isTTY: boolean | undefined, env: Record<string, string | undefined>): Style {
  if (env['NO_COLOR'] !== undefined) return PLAIN;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return COLOUR;
  return isTTY ? COLOUR : PLAIN;
}

function severityTag(sev: string, s: Style): string {
  if (sev === 'error') return s.red('error');
  if (sev === 'warn') return s.yellow('warn ');
  return s.dim('info ');
}

function stepDetails(r: LogRecord): string {
  const parts: string[] = [];
  const status = num(r, 'response.status');
  if (status !== undefined) parts.push(`${status}${str(r, 'response.error') ? ` ${str(r, 'response.error')}` : ''}`);
  parts.push(`${r.timing.totalMs} ms${r.timing.upstreamMs ? ` (provider ${r.timing.upstreamMs} ms)` : ''}`);
  return parts.join('  ');
}

export function renderRecordLine(r: LogRecord, s: Style): string[] {
  const ok = passed(r);
  const mark = ok ? s.green('PASS') : s.red('FAIL');
  const lines = [`  ${mark}  ${r.time}  ${stepLabel(r).padEnd(13)} ${stepDetails(r)}`];
  for (const v of r.verdicts) {
    if (v.code === 'ok') continue;
    lines.push(`        ${severityTag(v.severity, s)} ${s.bold(v.code)}: ${v.message}`);
  }
  return lines;
}

export function renderTimeline(t: Timeline, s: Style): string {
  const first = t.records[0]!;
  const last = t.records.at(-1)!;
  const failed = t.records.filter((r) => !passed(r)).length;
  const head = `${s.bold(`link ${t.id}`)}  ${t.records.length} step${t.records.length === 1 ? '' : 's'}, ${failed === 0 ? s.green('all passed') : s.red(`${failed} failed`)}  ${first.time} .. ${last.time}`;
  return [head, ...t.records.flatMap((r) => renderRecordLine(r, s))].join('\n');
}

export function renderTimelines(ts: readonly Timeline[], s: Style): string {
  if (ts.length === 0) return 'no exchange records in this range\n';
  return `${ts.map((t) => renderTimeline(t, s)).join('\n\n')}\n`;
}

function renderFinding(f: Finding, n: number, s: Style): string {
  const tag = f.severity === 'error' ? s.red('ERROR') : f.severity === 'warn' ? s.yellow('WARN') : s.dim('HANDLED');
  const lines = [
    `${n}. ${tag} ${s.bold(f.title)}  [${f.rule}]`,
    `   link:     ${f.link}`,
    `   cause:    ${f.cause}`,
    `   evidence: ${f.evidence[0] ?? ''}`,
    ...f.evidence.slice(1).map((e) => `             ${e}`),
    `   fix:      ${f.fix}`,
    ...(f.basis ? [`   source:   ${f.basis}`] : []),
  ];
  return lines.join('\n');
}

export function renderDiagnosis(d: Diagnosis, ts: readonly Timeline[], s: Style): string {
  const out: string[] = [];
  const links = ts.length;
  if (d.findings.length === 0) {
    out.push(s.green(`No problems found in ${links} link${links === 1 ? '' : 's'} (${ts.reduce((n, t) => n + t.records.length, 0)} records).`));
  } else {
    out.push(s.bold(`${d.findings.length} finding${d.findings.length === 1 ? '' : 's'} in ${links} link${links === 1 ? '' : 's'}:`));
    out.push('');
    d.findings.forEach((f, i) => {
      out.push(renderFinding(f, i + 1, s));
      out.push('');
    });
  }
  if (d.handled.length > 0) {
    if (d.findings.length === 0) out.push('');
    out.push(s.dim('Handled by the adapter (no action needed while Alexa goes through it):'));
    const byRule = new Map<string, Finding[]>();
    for (const f of d.handled) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const [rule, fs] of byRule) {
      const times = fs.flatMap((f) => f.times).sort();
      const links = fs.map((f) => f.link);
      out.push(s.dim(`  - ${fs[0]!.title} [${rule}]: ${times.length}× in ${links.length === 1 ? `link ${links[0]}` : `links ${links.join(', ')}`} (last ${times.at(-1)})`));
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
