import { describe, expect, it } from 'vitest';
import { FormParseError, decodeFormComponent, encodeForm, encodeFormComponent, parseForm } from '../../lambda/core/form';

const bytes = (...b: number[]) => new Uint8Array(b);
const params = (body: string | Uint8Array) => Object.fromEntries(parseForm(body).params);

describe('parseForm', () => {
  it('decodes a real Alexa code-exchange body', () => {
    const body =
      'grant_type=authorization_code&code=ANXyz123&redirect_uri=https%3A%2F%2Flayla.amazon.com%2Fapi%2Fskill%2Flink%2FM2TESTVENDOR&client_id=alexa&client_secret=s3cret';
    expect(params(body)).toEqual({
      grant_type: 'authorization_code',
      code: 'ANXyz123',
      redirect_uri: 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR',
      client_id: 'alexa',
      client_secret: 's3cret',
    });
    expect(parseForm(body).repeated).toEqual([]);
  });

  it('turns + into a space and %2B into a plus', () => {
    expect(params('a=b+c&d=e%2Bf')).toEqual({ a: 'b c', d: 'e+f' });
  });

  it('decodes percent-escaped UTF-8, upper and lower case hex', () => {
    expect(params('name=J%C3%BCrgen&emoji=%f0%9f%94%91')).toEqual({ name: 'Jürgen', emoji: '🔑' });
  });

  it('decodes + and escapes in parameter names too', () => {
    expect(params('my+name=1&a%5Bb%5D=2')).toEqual({ 'my name': '1', 'a[b]': '2' });
  });

  it('keeps raw UTF-8 bytes that are valid', () => {
    expect(params(new TextEncoder().encode('v=Zürich'))).toEqual({ v: 'Zürich' });
  });

  it('skips empty pairs (&&, leading and trailing &) and accepts an empty body', () => {
    expect(params('&&a=1&&b=2&')).toEqual({ a: '1', b: '2' });
    expect(params('')).toEqual({});
    expect(parseForm('').repeated).toEqual([]);
  });

  it('treats a name without = as an empty value and keeps = inside values', () => {
    expect(params('flag&x=a=b')).toEqual({ flag: '', x: 'a=b' });
    expect(params('=v')).toEqual({ '': 'v' });
  });

  it('reports repeated parameters once each and keeps the first value', () => {
    const form = parseForm('code=1&code=2&code=3&a=x&a=y&b=z');
    expect(form.params.get('code')).toBe('1');
    expect(form.params.get('a')).toBe('x');
    expect([...form.repeated].sort()).toEqual(['a', 'code']);
  });

  it('counts a repeated parameter even when the repetition is spelled with escapes', () => {
    expect(parseForm('code=1&c%6Fde=2').repeated).toEqual(['code']);
  });

  it.each([
    ['truncated escape at the end', 'a=%4'],
    ['lone percent', 'a=%'],
    ['non-hex escape', 'a=%zz'],
    ['half-hex escape', 'a=%4g'],
    ['malformed escape in a name', '%x1=v'],
  ])('rejects a malformed percent-escape: %s', (_what, body) => {
    expect(() => parseForm(body)).toThrow(FormParseError);
  });

  it.each([
    ['escaped lone continuation byte', 'code=%80'],
    ['escaped 0xFF', 'code=%FF'],
    ['truncated two-byte sequence', 'code=%C3'],
    ['overlong encoding of /', 'code=%C0%AF'],
    ['escaped UTF-16 surrogate', 'code=%ED%A0%80'],
  ])('rejects invalid UTF-8 after decoding: %s', (_what, body) => {
    expect(() => parseForm(body)).toThrow(/not valid UTF-8/);
  });

  it('rejects raw invalid UTF-8 bytes in the body', () => {
    const body = new Uint8Array([...new TextEncoder().encode('grant_type=authorization_code&code='), 0xff, 0xfe]);
    expect(() => parseForm(body)).toThrow(FormParseError);
  });

  it('names the parameter whose value is broken, not its value', () => {
    try {
      parseForm('code=%FFsecretvalue');
      expect.unreachable('parseForm accepted invalid UTF-8');
    } catch (err) {
      expect(err).toBeInstanceOf(FormParseError);
      expect((err as Error).message).toContain('"code"');
      expect((err as Error).message).not.toContain('secretvalue');
    }
  });

  it('keeps a UTF-8 BOM instead of silently dropping it', () => {
    expect(params('v=%EF%BB%BFx').v).toBe('\uFEFFx');
  });
});

describe('decodeFormComponent', () => {
  it('decodes bytes and reports which component failed', () => {
    expect(decodeFormComponent(bytes(0x61, 0x2b, 0x25, 0x34, 0x31))).toBe('a A');
    expect(() => decodeFormComponent(bytes(0x25, 0x34), 'Basic client secret')).toThrow(/Basic client secret/);
  });
});

describe('encodeForm / encodeFormComponent', () => {
  it('encodes like RFC 6749 Appendix B: space as +, reserved characters escaped', () => {
    expect(encodeFormComponent('a b+c&d=e/f:g%')).toBe('a+b%2Bc%26d%3De%2Ff%3Ag%25');
    expect(encodeFormComponent('ü')).toBe('%C3%BC');
  });

  it('serialises pairs in order, including repeated names', () => {
    expect(encodeForm([['grant_type', 'refresh_token'], ['refresh_token', 'r/1+2'], ['x', '']])).toBe('grant_type=refresh_token&refresh_token=r%2F1%2B2&x=');
  });
});

describe('percent-escape hex digits at the edges of 0-9, A-F, a-f (issue 10 mutation survivors)', () => {
  const decode = (s: string) => decodeFormComponent(new TextEncoder().encode(s), 'v');
  it.each([
    ['%30', '0'], ['%39', '9'], ['%3A', ':'], ['%3a', ':'], ['%41', 'A'], ['%46', 'F'], ['%4F', 'O'], ['%4f', 'O'], ['%61', 'a'], ['%66', 'f'], ['%0a', '\n'], ['%7E', '~'],
  ])('%s decodes to %j', (input, out) => {
    expect(decode(input)).toBe(out);
  });
  // The bytes just outside each range: "/" (before 0), ":" (after 9), "@" (before A), "G" (after F), "`" (before a), "g" (after f).
  it.each(['%/0', '%:0', '%0:', '%3:', '%@0', '%0@', '%G0', '%0G', '%`0', '%0`', '%g0', '%0g', '%ZZ', '%zz', '% 1'])('%s is a malformed escape', (input) => {
    expect(() => decode(input)).toThrow('malformed percent-escape in v');
  });
  it.each(['%', '%4', 'a%', 'a%4'])('%s is a truncated escape', (input) => {
    expect(() => decode(input)).toThrow('truncated percent-escape in v');
  });
  it('an escape at the very end is complete, and bytes after an escape are kept', () => {
    expect(decode('a%41')).toBe('aA');
    expect(decode('%41b')).toBe('Ab');
    expect(decode('%41%42')).toBe('AB');
  });
  it('names the component in the error, defaulting to "value"', () => {
    expect(() => decodeFormComponent(new TextEncoder().encode('%zz'))).toThrow('malformed percent-escape in value');
    expect(() => decodeFormComponent(new Uint8Array([0xff]))).toThrow('value is not valid UTF-8');
  });
});

describe('parseForm error labels (issue 10 mutation survivors)', () => {
  it('names a broken parameter name as such, and a broken value by its name from the closed set (unknown names: "other")', () => {
    expect(() => parseForm('a%zz=1')).toThrow(new FormParseError('malformed percent-escape in parameter name'));
    const long = 'n'.repeat(60);
    expect(() => parseForm(`${long}=%zz`)).toThrow(new FormParseError('malformed percent-escape in value of "other"'));
    expect(() => parseForm('code=%zz')).toThrow(new FormParseError('malformed percent-escape in value of "code"'));
    try {
      parseForm('x=%zz');
    } catch (err) {
      expect((err as Error).name).toBe('FormParseError');
    }
    expect.assertions(4);
  });
});
