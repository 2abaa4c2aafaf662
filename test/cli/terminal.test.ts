/**
 * What the CLI prints is shown, never obeyed (cli/terminal.ts). Anyone who may write to the log
 * group can write a record, and provider-controlled strings travel into records, so a record's fields
 * carry real escape sequences here — screen clear, an OSC 8 hyperlink to another site, a window title,
 * C1 controls, DEL, a bidi override, a forged line break — through `logs` (plain, terminal, JSON,
 * follow), `diagnose` (plain, terminal, JSON), `report` (Markdown: also links, images, HTML, table
 * pipes, autolinks) and an argument echoed in an error.
 */
import { describe, expect, it } from 'vitest';
import { markdownCode, markdownText, sgr, toTerminal, visible } from '../../cli/terminal';
import { jsonl, runCli } from './cli-support';
import type { LogRecord } from '../../cli/records';

const ESC = '\u001b';
const CLEAR = `${ESC}[2J${ESC}[H`;
const OSC8 = `${ESC}]8;;http://evil.example${ESC}\\click here${ESC}]8;;${ESC}\\`;
const OSC8_BEL = `${ESC}]8;;http://evil.example\u0007click${ESC}]8;;\u0007`;
const TITLE = `${ESC}]0;pwned\u0007`;
const C1 = '\u009b31m\u0085\u009d0;c1 title\u009c';
const BIDI = 'abc\u202eevil.exe\u202cdef';
const FORGED = '\n  PASS  2026-11-25T09:00:00.000Z  token (code)  200  1 ms';
const HOSTILE = `x${CLEAR}${OSC8}${OSC8_BEL}${TITLE}${C1}\u007f${BIDI}${FORGED}y`;
const MARKDOWN = '[click](https://evil.example) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)> | col | col | https://evil.example www.evil.example @someone `code` *em* _em_ ~~s~~ &#x202e;';

/** A failing token record whose every free-text field is hostile. */
function hostileRecord(time: string, requestId: string): LogRecord {
  return {
    type: 'alexa-link-adapter.exchange',
    v: 1,
    time,
    requestId: `${requestId}${TITLE}`,
    linkId: `lk_hostile${CLEAR}`,
    route: 'POST /token',
    method: 'POST',
    path: `/token${OSC8}`,
    provider: `generic${BIDI}`,
    grantType: 'authorization_code',
    tokens: { codeFp: 'fp:0123456789ab' },
    upstream: { outcome: 'answered', status: 400, format: 'json' },
    response: { status: 400, error: `invalid_grant ${MARKDOWN}${HOSTILE}`, errorDescription: HOSTILE },
    outcome: 'provider_error',
    timing: { totalMs: 5, upstreamMs: 4, ownMs: 1 },
    verdicts: [
      { code: `code_rejected${OSC8_BEL}`, severity: 'error', message: `provider rejected the authorization code (${HOSTILE} ${MARKDOWN})` },
      { code: 'provider_error', severity: 'error', message: `${MARKDOWN}${HOSTILE}` },
    ],
  } as unknown as LogRecord;
}

const records = [hostileRecord('2026-11-25T09:00:00.000Z', 'req-1'), hostileRecord('2026-11-25T09:00:01.000Z', 'req-2')];
const input = jsonl(records);

/** Control and format characters that reach the terminal raw (ESC is judged separately: the CLI's own colours may use it). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
/** The escape sequences the CLI itself writes: SGR colours only. */
const OWN_ESCAPES = /\u001b\[(?:[0-9;]*m|K)/g;

function assertInert(output: string): void {
  expect(output).not.toMatch(RAW_CONTROL);
  expect(output.replace(OWN_ESCAPES, '')).not.toContain(ESC);
  // The data is still there, visible: a reader sees what the record tried.
  expect(output).toContain('\\u001b]8;;http://evil.example');
  expect(output).toContain('\\u202e');
  // The forged line break stayed inside its field.
  expect(output.split('\n').some((line) => line.startsWith('  PASS  2026-11-25T09:00:00.000Z  token (code)  200  1 ms'))).toBe(false);
}

describe('terminal writer', () => {
  it('shows every control and format character as \\uXXXX; only the CLI\'s own marked SGR becomes real', () => {
    const out = toTerminal(`${sgr('31')}red${sgr('39')} ${HOSTILE}`);
    expect(out.startsWith(`${ESC}[31mred${ESC}[39m `)).toBe(true);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out.replace(OWN_ESCAPES, '')).not.toContain(ESC);
    expect(visible('a\u001b[2Jb\u202e\u0085')).toBe('a\\u001b[2Jb\\u202e\\u0085');
    // A guessed marker (ESC followed by anything) is data like any other.
    expect(toTerminal(`${ESC}0123456789abcdef[31m`)).toBe('\\u001b0123456789abcdef[31m');
  });

  it('visible escapes stay valid inside JSON strings', () => {
    const line = toTerminal(JSON.stringify({ m: `a\u202eb\u009bc\u007fd` }));
    expect(JSON.parse(line)).toEqual({ m: 'a\u202eb\u009bc\u007fd' });
  });
});

describe('hostile records through every command', () => {
  it.each([
    ['logs', ['logs', '--local', '-']],
    ['logs --json', ['logs', '--local', '-', '--json']],
    ['diagnose', ['diagnose', '--local', '-']],
    ['diagnose --json', ['diagnose', '--local', '-', '--json']],
    ['report', ['report', '--local', '-', '--link', 'fp:0123456789ab']],
  ])('%s, piped and on a terminal', async (_name, argv) => {
    for (const tty of [false, true]) {
      const r = await runCli(argv, { stdin: input, tty, stderrTty: tty });
      expect(r.stderr).toBe('');
      assertInert(r.stdout);
    }
  });

  it('logs --follow prints records as they arrive, inert', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await runCli(['logs', '--local', '-', '--follow'], { stdin: input, tty: true, signal: controller.signal });
    expect(r.stdout).toContain('FAIL');
    assertInert(r.stdout);
  });

  it('an argument echoed in an error message is inert too', async () => {
    const r = await runCli(['diagnose', '--local', '-', '--link', `nope${TITLE}${CLEAR}`], { stdin: input });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no records of link nope\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('report: Markdown injection', () => {
  it('record values cannot add links, images, HTML, table columns, autolinks or mentions', async () => {
    const r = await runCli(['report', '--local', '-', '--link', 'fp:0123456789ab'], { stdin: input });
    expect(r.code).toBe(0);
    const md = r.stdout;
    // Table rows keep exactly five cells: every `|` from a record is escaped.
    const rows = md.split('\n').filter((l) => l.startsWith('| `2026'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
    // Outside code spans, the hostile text is escaped: no link, image or HTML can start.
    const prose = md.replace(/(`+)[\s\S]*?\1/g, '');
    expect(prose).not.toMatch(/(?<!\\)\[click\]/);
    expect(prose).not.toMatch(/(?<!\\)!\[img\]/);
    expect(prose).not.toMatch(/(?<!\\)<img/);
    expect(prose).not.toMatch(/(?<!\\):\/\/evil/);
    expect(prose).not.toMatch(/(?<!\\)@someone/);
    expect(prose).not.toMatch(/(?<!\\)&#x202e;/);
    expect(prose).toContain('\\[click\\](https\\://evil.example)');
  });

  it('markdownCode picks a fence longer than any backtick run; markdownText escapes markup', () => {
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`x')).toBe('`` `x ``');
    expect(markdownCode('a|b', true)).toBe('`a\\|b`');
    expect(markdownText('*x* [y](z) <b> www.e.com a://b')).toBe('\\*x\\* \\[y\\](z) \\<b\\> www\\.e.com a\\://b');
  });
});
