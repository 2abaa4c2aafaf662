/**
 * JSON syntax errors by line and column (`--config FILE`, cdk.json, `-c adapter.smartHome={…}`): the
 * scanner must agree with JSON.parse on what is JSON, and place each mistake where a person looks.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { describeJsonError, findSyntaxError, parseJsonText } from '../../lambda/core/json-text';

const at = (text: string) => {
  const r = parseJsonText(text);
  if (r.ok) throw new Error('expected a syntax error');
  return `${r.line}:${r.column} ${r.message}`;
};

describe('parseJsonText', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJsonText('{"a": [1, true, null, "x"]}')).toEqual({ ok: true, value: { a: [1, true, null, 'x'] } });
  });

  it.each([
    ['{\n  "adapter": {"provider": "github",, }\n}', '2:36 unexpected \',\'; expected a property name in double quotes'],
    ['{\n  "provider": "github"\n  "tokenUrl": "https://x"\n}', '3:3 unexpected \'"\'; expected \',\' or \'}\' after a property value'],
    ['{"provider": "github",}', '1:23 a comma before } (JSON allows no trailing comma)'],
    ['["a",]', '1:6 a comma before ] (JSON allows no trailing comma)'],
    ["{'provider': 'github'}", '1:2 unexpected \'\'\'; expected a property name in double quotes'],
    ['{"mode": \'interception\'}', '1:10 strings need double quotes ("…"), not single quotes'],
    ['{"upstreamTimeoutMs": 03000}', '1:24 numbers must not start with 0 (write 7, not 07)'],
    ['{"recordGrantees": True}', '1:20 unexpected \'T\'; did you mean true? (JSON literals are lower case and strings need double quotes)'],
    ['{"provider": "github"', '1:22 unexpected the end of the text; expected \',\' or \'}\' after a property value'],
    ['{"provider": "git\nhub"}', '1:18 a line break inside a string; write it as \\n or \\t'],
    ['{"provider": "github"}}', '1:23 unexpected \'}\' after the end of the JSON value'],
    ['not json', '1:1 unexpected \'n\'; did you mean null? (JSON literals are lower case and strings need double quotes)'],
    ['', '1:1 unexpected the end of the text; expected a value (an object, list, "string", number, true, false or null)'],
    ['{"a": "\\x"}', '1:8 unknown escape \\x in a string'],
  ])('%j → %s', (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it('shows the line with a caret under the column', () => {
    const text = '{\n  "adapter": {"provider": "github",, }\n}';
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(describeJsonError(r, text)).toBe(
        'not valid JSON: line 2, column 36: unexpected \',\'; expected a property name in double quotes\n' +
          '        "adapter": {"provider": "github",, }\n' +
          `      ${' '.repeat(35)}^`,
      );
    }
  });
});

describe('the scanner agrees with JSON.parse', () => {
  const jsonish = fc.oneof(
    fc.json(),
    fc.json().map((j) => j.slice(0, Math.floor(j.length / 2))),
    fc.tuple(fc.json(), fc.nat(40), fc.constantFrom(',', '}', ']', '"', "'", ':', ' ', '0', 'x', '\n', '\\')).map(([j, i, c]) => j.slice(0, i) + c + j.slice(i)),
    fc.string({ maxLength: 20 }),
  );
  test.prop([jsonish], { numRuns: 500 })('valid exactly when JSON.parse accepts it; the error lies inside the text', (text) => {
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    const found = findSyntaxError(text);
    expect(found === undefined).toBe(valid);
    if (found) expect(found.offset).toBeLessThanOrEqual(text.length);
  });
});
