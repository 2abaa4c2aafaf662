/**
 * The one place the CLI's output is made safe for a terminal. Everything `run()` prints goes
 * through `terminalOut` (stdout and stderr alike): control characters — from records, CloudWatch,
 * a provider's answer to `doctor`, a login page, an argument, an AWS error message — reach the
 * terminal as visible text (`\u001b`, `\u202e`), never as something the terminal acts on: no screen
 * clear, no OSC 8 hyperlink, no window title, no cursor move, no bidi reordering of what is shown.
 *
 * The CLI's own styling (colours, rewriting the progress line) is written with a marker made of ESC
 * and a random per-process nonce that data cannot predict; only marked sequences of the few kinds
 * the CLI uses become real escape sequences. Anyone can write a record into the log group, so a
 * record is data like any other.
 */
import { randomBytes } from 'node:crypto';
import { UNSAFE_CHARACTERS } from '../lambda/core/scrub';

/** ESC + a nonce: what the CLI's own control sequences start with until the writer turns them into real ones. */
const MARK = `\u001b${randomBytes(8).toString('hex')}`;

/** SGR (colour, bold, dim) as the CLI writes it. */
export const sgr = (params: string): string => `${MARK}[${params}m`;
/** Carriage return and erase-line: the progress line rewritten in place. */
export const REWRITE_LINE = `${MARK}\r${MARK}[K`;

/**
 * Characters shown as escapes: the adapter's one list of control and format characters
 * (UNSAFE_CHARACTERS: C0, DEL, C1, bidi controls, invisible separators), except newline and tab,
 * which the output's own layout uses.
 */
const UNSAFE = new RegExp(`(?![\\n\\t])${UNSAFE_CHARACTERS.source}`, 'g');
/** The whole list, newline and tab included: inside one field of a record, a line break would forge a line of output. */
const UNSAFE_IN_FIELD = new RegExp(UNSAFE_CHARACTERS.source, 'g');

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text with every unsafe character shown as `\uXXXX` (valid inside a JSON string, too). */
export function visible(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** One field of a record: single-line, every control and format character shown as `\uXXXX`. */
export function visibleField(text: string): string {
  return text.replace(UNSAFE_IN_FIELD, escape);
}

/** The CLI's own sequences (after a marker) that may reach the terminal. */
const OWN = /^(?:\[[0-9;]{0,12}m|\[K|\r)/;

/** What the terminal receives for text written by the CLI: marked sequences made real, everything else visible. */
export function toTerminal(text: string): string {
  const parts = text.split(MARK);
  let out = visible(parts[0]!);
  for (const part of parts.slice(1)) {
    const own = OWN.exec(part)?.[0] ?? '';
    out += (own === '\r' ? '\r' : own ? `\u001b${own}` : '') + visible(part.slice(own.length));
  }
  return out;
}

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A stream that passes everything through toTerminal. */
export function terminalOut(stream: Writable): Writable {
  return { isTTY: stream.isTTY, write: (text: string) => stream.write(toTerminal(text)) };
}

/**
 * Markdown text in the middle of a line (the report's prose): CommonMark backslash escapes for every
 * character that can start markup there — emphasis (`*`, `_`, `~`), links and images (`[`), raw HTML
 * and autolinks (`<`), code (`` ` ``), table cells (`|`), character references (`&`), escapes (`\`) —
 * and for the triggers of GitHub's extended autolinks (`://`, `www.`, `@`), so a record cannot add a
 * link, an image, HTML, a table column or a mention. Single-line, control characters visible.
 */
export function markdownText(text: string): string {
  return visibleField(text)
    .replace(/[\\`*_[\]<>|~&@]/g, '\\$&')
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.');
}

/**
 * A Markdown code span holding `text` verbatim (no markup, no autolinks inside): a backtick fence
 * longer than any run of backticks in the text. In a table cell (`inTable`), `|` is escaped as GFM
 * tables require even inside code.
 */
export function markdownCode(text: string, inTable = false): string {
  const body = visibleField(text);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  const inner = inTable ? body.replace(/\|/g, '\\|') : body;
  return `${fence}${pad}${inner}${pad}${fence}`;
}
