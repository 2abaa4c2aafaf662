/**
 * The scrubber's decodings one by one (lambda/core/scrub.ts), each with the exact expected output:
 * every way of writing a character that its header promises (named and numeric references with any
 * case and leading zeros, JSON and JavaScript escapes, percent-escapes of every UTF-8 length, layered
 * encodings), the edges of what is decoded, and texts that must come back unchanged. The property
 * tests (scrub.test.ts, scrub-exact.test.ts) cover random secrets; these pin each rule on its own.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { MIN_SECRET_LENGTH, SecretSet, UNSAFE_CHARACTERS, WITHHELD, neutralizeControls } from '../../lambda/core/scrub';

const scrub = (secret: string, text: string) => new SecretSet([secret]).scrub(text);
const fp = (s: string) => fingerprint(s)!;

describe('HTML character references', () => {
  // Named references for ASCII punctuation (HTML), as the scrubber's header promises, with the character each stands for.
  const NAMED: [string, string][] = [
    ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['sol', '/'], ['bsol', '\\'], ['plus', '+'], ['equals', '='],
    ['num', '#'], ['excl', '!'], ['quest', '?'], ['commat', '@'], ['lowbar', '_'], ['underbar', '_'], ['period', '.'], ['comma', ','],
    ['colon', ':'], ['semi', ';'], ['lpar', '('], ['rpar', ')'], ['lsqb', '['], ['rsqb', ']'], ['lbrack', '['], ['rbrack', ']'],
    ['lcub', '{'], ['rcub', '}'], ['lbrace', '{'], ['rbrace', '}'], ['dollar', '$'], ['percnt', '%'], ['ast', '*'], ['midast', '*'],
    ['hat', '^'], ['grave', '`'], ['tilde', '~'], ['verbar', '|'], ['vert', '|'], ['hyphen', '-'], ['dash', '-'], ['nbsp', '\u00a0'],
  ];

  it.each(NAMED)('&%s; is read as %j', (name, char) => {
    const secret = `ab${char}cd1234`;
    expect(scrub(secret, `x ab&${name};cd1234 y`)).toBe(`x ${fp(secret)} y`);
  });

  // HTML 4's Latin-1 references, U+00A0 to U+00FF in order (what PHP's htmlentities writes).
  const LATIN1 =
    'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(' ');
  it('every Latin-1 reference is read as its character', () => {
    expect(LATIN1).toHaveLength(96);
    LATIN1.forEach((name, i) => {
      const secret = `pw${String.fromCharCode(0xa0 + i)}rd99`;
      expect(scrub(secret, `[pw&${name};rd99]`), name).toBe(`[${fp(secret)}]`);
    });
  });

  it('an unknown name is tried lower-cased (&AMP;, &Sol;), and otherwise left as it is', () => {
    const secret = 'ab&cd/1234';
    expect(scrub(secret, 'ab&AMP;cd&Sol;1234')).toBe(fp(secret));
    expect(scrub('ab~cd1234', 'ab&nosuch;cd1234')).toBe('ab&nosuch;cd1234');
  });

  it('numeric references: decimal and hex, either case of x and of the digits, leading zeros, without the semicolon', () => {
    const secret = 'Zq8/sP1';
    for (const slash of ['&#47;', '&#047;', '&#0000000047;', '&#x2F;', '&#x2f;', '&#X2F;', '&#x00002F;', '&#x0000002f;', '&#47']) {
      expect(scrub(secret, `<Zq8${slash}sP1>`), slash).toBe(`<${fp(secret)}>`);
    }
  });

  it('astral characters by one reference; beyond U+10FFFF nothing is decoded, and nothing breaks', () => {
    const secret = 'key😀key1';
    expect(scrub(secret, 'key&#128512;key1 and key&#x1F600;key1')).toBe(`${fp(secret)} and ${fp(secret)}`);
    expect(scrub(secret, 'key&#1114112;key1 &#99999999; &#x110000;')).toBe('key&#1114112;key1 &#99999999; &#x110000;');
    const max = 'mx\u{10FFFF}mx1';
    expect(scrub(max, 'mx&#1114111;mx1')).toBe(fp(max));
  });

  it('a name is a letter and 1 to 9 letters or digits: longer runs are not references', () => {
    expect(scrub('ab!cd1234', 'ab&excl;cd1234')).toBe(fp('ab!cd1234'));
    expect(scrub('ab!cd1234', 'ab&exclxxxxxxxx;cd1234')).toBe('ab&exclxxxxxxxx;cd1234');
    expect(scrub('ab&cd1234', 'ab&;cd1234')).toBe('ab&;cd1234');
  });
});

describe('JSON and JavaScript escapes', () => {
  it('\\uXXXX (either hex case), surrogate pairs, \\xXX, and the escaped \\ / " \'', () => {
    const secret = 'a/"\\\'😀b1';
    const written = 'a\\u002F\\"\\\\\\\'\\uD83D\\uDE00b\\x31';
    expect(scrub(secret, `[${written}]`)).toBe(`[${fp(secret)}]`);
    expect(scrub(secret, 'a\\u002f\\u0022\\u005c\\u0027\\ud83d\\ude00\\u0062\\u0031')).toBe(fp(secret));
    expect(scrub(secret, 'a\\/\\"\\\\\\\'😀b1')).toBe(fp(secret));
  });

  it('a high surrogate escape not followed by a low one decodes alone', () => {
    const secret = 'x\uD83Dy1234';
    expect(scrub(secret, 'x\\uD83Dy1234')).toBe(fp(secret));
    expect(scrub(secret, 'x\\uD83D\\u0079\\u0031234')).toBe(fp(secret));
  });

  it('what is not an escape is left alone', () => {
    expect(scrub('ab\\qcd1234', 'ab\\qcd1234')).toBe(fp('ab\\qcd1234'));
    expect(scrub('abcd1234', 'ab\\u00cd1234')).toBe('ab\\u00cd1234');
  });
});

describe('percent-escapes', () => {
  it.each([
    ['2-byte UTF-8 from its first lead byte (U+0080..U+07FF)', 'a\u00a7b\u07d0c'],
    ['3-byte UTF-8 from E0 to EF', 'a\u0800b\uff71c'],
    ['4-byte UTF-8 from F0 to F4', 'a\u{10000}b\u{10fffd}c'],
  ])('%s', (_name, secret) => {
    const upper = encodeURIComponent(secret);
    expect(scrub(secret, `<${upper}>`)).toBe(`<${fp(secret)}>`);
    expect(scrub(secret, `<${upper.toLowerCase()}>`)).toBe(`<${fp(secret)}>`);
  });

  it('bytes that are not UTF-8 are read one by one (a latin-1 echo of a secret is not mistaken for anything else)', () => {
    // C0/C1 and F5+ never start a UTF-8 sequence; a truncated sequence neither.
    for (const bad of ['%C0%AF', '%C1%BF', '%F5%80%80%80', '%E2%82', '%FF']) {
      const text = `x${bad}yz1234`;
      expect(scrub('yz1234', text), bad).toBe(`x${bad}${fp('yz1234')}`);
    }
  });

  it('`+` is a space in a form-encoded copy; %20 too', () => {
    expect(scrub('a b c d', 'x=a+b%20c+d&y')).toBe(`x=${fp('a b c d')}&y`);
  });

  it('three layers deep: a percent-encoded, then percent-encoded again, character reference', () => {
    const secret = 'Zq8/sP1x';
    const layered = encodeURIComponent(encodeURIComponent('Zq8&#47;sP1x'));
    expect(scrub(secret, `e: ${layered}`)).toBe(`e: ${fp(secret)}`);
    // Mixed in one text: each kind alone, and percent twice.
    expect(scrub(secret, `Zq8%252FsP1x | Zq8&#x2F;sP1x | Zq8\\/sP1x`)).toBe(`${fp(secret)} | ${fp(secret)} | ${fp(secret)}`);
  });

  it('a `%`, `&` or `\\` that belongs to the secret is not taken for an escape of another kind', () => {
    for (const secret of ['50%&off\\now', '%41%42%43%44', '&amp;&lt;xx', '\\u0041\\x42yz']) {
      expect(scrub(secret, `[${secret}]`), secret).toBe(`[${fp(secret)}]`);
      expect(scrub(secret, `[${encodeURIComponent(secret)}]`), secret).toBe(`[${fp(secret)}]`);
    }
  });

  it('a secret that reads as a short word once decoded is not matched by that word alone', () => {
    // '%41%42' decodes to 'ab' (2 characters): texts merely containing "ab" are left alone.
    expect(scrub('%41%42', 'about abbey')).toBe('about abbey');
  });
});

describe('case, and characters whose case spans two code units', () => {
  it('upper- and lower-cased copies of a secret with astral letters that have case (Deseret)', () => {
    const secret = 'k\u{10400}\u{10401}ey12';
    expect(secret.toLowerCase()).not.toBe(secret);
    expect(scrub(secret, `<${secret.toLowerCase()}>`)).toBe(`<${fp(secret)}>`);
    expect(scrub(secret.toLowerCase(), `<${secret}>`)).toBe(`<${fp(secret.toLowerCase())}>`);
  });

  it('ß and ẞ and SS, final sigma', () => {
    expect(scrub('straße-123', 'STRASSE-123')).toBe(fp('straße-123'));
    expect(scrub('STRAẞE-123', 'straße-123')).toBe(fp('STRAẞE-123'));
    expect(scrub('ΟΔΟΣ-1234', 'οδος-1234')).toBe(fp('ΟΔΟΣ-1234'));
    expect(scrub('ΟΔΟΣ-1234', 'οδοσ-1234')).toBe(fp('ΟΔΟΣ-1234'));
  });
});

describe('hex and base64', () => {
  it('hex of the UTF-8 bytes, either case', () => {
    const secret = 'sécret12';
    const hex = Buffer.from(secret).toString('hex');
    expect(scrub(secret, `0x${hex}!`)).toBe(`0x${fp(secret)}!`);
    expect(scrub(secret, `0x${hex.toUpperCase()}!`)).toBe(`0x${fp(secret)}!`);
  });

  it('base64 of the raw, form-encoded and percent-encoded secret (a Basic header of either encoding)', () => {
    const secret = 'a b~c/d(e)';
    for (const variant of [secret, 'a+b%7Ec%2Fd%28e%29', encodeURIComponent(secret)]) {
      const b64 = Buffer.from(variant).toString('base64');
      expect(scrub(secret, `got ${b64}.`), variant).toContain(fp(secret));
      expect(scrub(secret, `got ${b64}.`)).not.toBe(WITHHELD);
    }
  });

  it('base64 of short secrets at every alignment is cut where the secret\'s bytes fix whole characters', () => {
    const cases: [string, string, string][] = [
      ['', 'k9Q!', `${fp('k9Q!')}IQ==`],
      ['id', 'k9Q!', `aWRr${fp('k9Q!')}`],
      ['', 'k9Q!x', `${fp('k9Q!x')}IXg=`],
      ['i', 'k9Q!x', `aWs5${fp('k9Q!x')}`],
      ['id', 'k9Q!x', `aWRr${fp('k9Q!x')}eA==`],
      ['i', 'k9Q!xy', `aWs5${fp('k9Q!xy')}eQ==`],
      ['id', 'k9Q!xyz', `aWRr${fp('k9Q!xyz')}`],
    ];
    for (const [prefix, secret, expected] of cases) {
      expect(scrub(secret, `Basic ${Buffer.from(`${prefix}${secret}`).toString('base64')}`), `${prefix}|${secret}`).toBe(`Basic ${expected}`);
    }
    // 4 bytes after 1 byte fix no whole base64 block: there is nothing to cut, so the text is withheld.
    expect(scrub('k9Q!', `Basic ${Buffer.from('ik9Q!').toString('base64')}`)).toBe(WITHHELD);
  });

  it('a base64 run of one character class only is read as a word; base64 that mixes classes is decoded', () => {
    // base64("aaaaaaaaa") is "YWFhYWFhYWFh": upper and lower case, decoded.
    expect(scrub('aaaaaaaaa', 'x YWFhYWFhYWFh y')).toBe(`x ${fp('aaaaaaaaa')} y`);
    // Runs shorter than 6 characters are not decoded.
    expect(scrub('abcd', 'x YWJj ZA== y')).toBe('x YWJj ZA== y');
  });

  it('base64url: `-` and `_` read as `+` and `/`', () => {
    const secret = '\u00fb\u00ef\u00bf>>?';
    const url = Buffer.from(secret).toString('base64url');
    expect(url).toMatch(/[-_]/);
    expect(scrub(secret, `t=${url}`)).toBe(`t=${fp(secret)}`);
  });
});

describe('edges', () => {
  it(`secrets of exactly ${MIN_SECRET_LENGTH} characters are secrets; shorter ones are not`, () => {
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(new SecretSet(['abcd']).size).toBe(1);
    expect(new SecretSet(['abc']).size).toBe(0);
    expect(scrub('k9Q!', 'the key k9Q! leaked')).toBe(`the key ${fp('k9Q!')} leaked`);
    expect(new SecretSet(['k9Q!']).holdsSecret('k9Q!')).toBe(true);
    expect(new SecretSet(['k9Q!']).holdsSecret('k9Q')).toBe(false);
  });

  it('adding the same secret twice, or non-strings, changes nothing; later additions are used', () => {
    const set = new SecretSet(['secret-one']);
    set.add('secret-one', undefined, null, 'abc');
    expect(set.size).toBe(1);
    expect(set.scrub('secret-two')).toBe('secret-two');
    set.add('secret-two');
    expect(set.size).toBe(2);
    expect(set.scrub('secret-two / secret-one')).toBe(`${fp('secret-two')} / ${fp('secret-one')}`);
  });

  it('overlapping and adjacent copies: overlapping ones become one fingerprint, adjacent ones two', () => {
    expect(scrub('abab', 'ababab')).toBe(fp('abab'));
    expect(scrub('abcd', 'abcdabcd')).toBe(`${fp('abcd')}${fp('abcd')}`);
    expect(new SecretSet(['abcdef', 'defghi']).scrub('<abcdefghi>')).toBe(`<${fp('abcdef')}>`);
    expect(new SecretSet(['wxyz1', 'abcd1']).scrub('abcd1 wxyz1 abcd1')).toBe(`${fp('abcd1')} ${fp('wxyz1')} ${fp('abcd1')}`);
  });

  it('a copy nested inside another secret\'s copy goes with the outer one', () => {
    expect(new SecretSet(['inner12', 'xx-inner12-yy']).scrub('[xx-inner12-yy]')).toBe(`[${fp('xx-inner12-yy')}]`);
    expect(new SecretSet(['xx-inner12-yy', 'inner12']).scrub('[xx-inner12-yy] inner12')).toBe(`[${fp('xx-inner12-yy')}] ${fp('inner12')}`);
  });

  it('a text without a copy, or with no secret known, comes back unchanged', () => {
    expect(new SecretSet().scrub('anything 1234')).toBe('anything 1234');
    expect(new SecretSet().holdsSecret('anything 1234')).toBe(false);
    expect(scrub('abcd1234', '')).toBe('');
    expect(scrub('abcd1234', 'abc')).toBe('abc');
  });
});

describe('neutralizeControls and UNSAFE_CHARACTERS', () => {
  it('every class in the list becomes a space; a run becomes one space; the characters next to them are kept', () => {
    const unsafe = ['\u0000', '\u001f', '\u007f', '\u009f', '\u061c', '\u200b', '\u200f', '\u2028', '\u202e', '\u2060', '\u2069', '\ufeff', '\ufff9', '\ufffb'];
    for (const c of unsafe) {
      expect(UNSAFE_CHARACTERS.test(c), JSON.stringify(c)).toBe(true);
      expect(neutralizeControls(`a${c}b`)).toBe('a b');
    }
    expect(neutralizeControls('a\u0000\u200b\ufeffb\n\nc')).toBe('a b c');
    for (const c of [' ', '~', '\u00a0', '\u00ff', '\u061b', '\u200a', '\u2010', '\u2027', '\u202f', '\u205f', '\u206a', '\ufefe', '\ufff8', '\ufffc', '😀']) {
      expect(UNSAFE_CHARACTERS.test(c), JSON.stringify(c)).toBe(false);
      expect(neutralizeControls(`a${c}b`)).toBe(`a${c}b`);
    }
  });
});
