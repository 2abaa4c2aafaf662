/**
 * JSON text a person wrote (a `--config` file, cdk.json, `-c adapter.smartHome={…}`), parsed with
 * the syntax error placed by line and column. `JSON.parse` says "at position 83" on Node 20 and,
 * for some mistakes ("Unexpected token 'o', "not json" is not valid JSON"), no position at all; so
 * a small scanner (RFC 8259 grammar) finds where the text stops being JSON and says what it expected.
 * The value itself always comes from `JSON.parse`. No AWS imports; not used by the Lambda handlers.
 */

export type JsonText = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

/** Parses JSON text; on a syntax error, where it is (1-based line and column) and what was expected. */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const found = findSyntaxError(text) ?? { offset: text.length, message: String((err as Error).message) };
    return { ok: false, ...lineAndColumn(text, found.offset), message: found.message };
  }
}

/**
 * "not valid JSON: line 4, column 22: expected ',' or '}' after a property value", followed (when the
 * text is given) by that line and a caret under the column.
 */
export function describeJsonError(e: { line: number; column: number; message: string }, text?: string): string {
  const head = `not valid JSON: line ${e.line}, column ${e.column}: ${e.message}`;
  if (text === undefined) return head;
  const line = (text.split('\n')[e.line - 1] ?? '').replace(/\r$/, '');
  // Long lines (minified JSON): show 60 characters either side of the column.
  const from = Math.max(0, e.column - 61);
  const shown = `${from > 0 ? '…' : ''}${line.slice(from, e.column + 59)}`;
  const caret = ' '.repeat(e.column - 1 - from + (from > 0 ? 1 : 0));
  return `${head}\n      ${shown.replace(/\t/g, ' ')}\n      ${caret}^`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);

function shown(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the text';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  return `'${ch}'`;
}

/**
 * The first offset at which `text` is not JSON and what a parser expected there, or undefined when
 * the text is valid JSON.
 */
export function findSyntaxError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const fail = (message: string): never => {
    throw new Stop(i, message);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${shown(text[i])}; did you mean ${word}? (JSON literals are lower case and strings need double quotes)`);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined) fail('this string has no closing double quote');
      if (ch === '"') {
        i++;
        return;
      }
      if (ch! < ' ') fail(`${shown(ch)} inside a string; write it as \\n or \\t`);
      if (ch === '\\') {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail(`unknown escape \\${next ?? ''} in a string`);
      } else {
        i++;
      }
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${shown(text[i])}; expected a number`);
    i += m![0].length;
    if (/[0-9]/.test(text[i] ?? '')) fail('numbers must not start with 0 (write 7, not 07)');
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    if (ch === 't' || ch === 'T') return literal('true');
    if (ch === 'f' || ch === 'F') return literal('false');
    if (ch === 'n' || ch === 'N') return literal('null');
    if (ch === "'") fail("strings need double quotes (\"…\"), not single quotes");
    fail(`unexpected ${shown(ch)}; expected a value (an object, list, "string", number, true, false or null)`);
  };
  /** `{…}` or `[…]` from its opening character: items separated by commas, no trailing comma (RFC 8259 §4, §5). */
  const sequence = (close: '}' | ']', item: () => void, itemName: string) => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === close) fail(`a comma before ${close} (JSON allows no trailing comma)`);
      item();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`unexpected ${shown(text[i])}; expected ',' or '${close}' after ${itemName}`);
    }
  };
  const member = () => {
    if (text[i] !== '"') fail(`unexpected ${shown(text[i])}; expected a property name in double quotes`);
    string();
    ws();
    if (text[i] !== ':') fail(`unexpected ${shown(text[i])}; expected ':' after the property name`);
    i++;
    value();
  };
  const object = () => sequence('}', member, 'a property value');
  const array = () => sequence(']', value, 'a list item');
  try {
    // A byte-order mark is not JSON (RFC 8259 §8.1: must not be added); say so rather than "unexpected".
    if (text.charCodeAt(0) === 0xfeff) fail('the file starts with a byte-order mark; save it as UTF-8 without BOM');
    value();
    ws();
    if (i < text.length) fail(`unexpected ${shown(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, message: err.message };
    throw err;
  }
}
