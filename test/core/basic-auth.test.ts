import { describe, expect, it } from 'vitest';
import { BasicAuthError, basicAuthorization, parseBasicAuthorization } from '../../lambda/core/basic-auth';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** The credentials without the raw token (pinned on its own below). */
function parsed(header: string) {
  const r = parseBasicAuthorization(header);
  if (!r) return r;
  const { token: _token, ...credentials } = r;
  return credentials;
}

describe('parseBasicAuthorization (RFC 6749 §2.3.1: base64, then form-decoding of id and secret)', () => {
  it('reads a plain id and secret', () => {
    expect(parsed(`Basic ${b64('alexa-skill:s3cret')}`)).toEqual({ clientId: 'alexa-skill', clientSecret: 's3cret' });
  });

  it('form-decodes the secret: + is a space, %2B is a plus, %3A is a colon', () => {
    expect(parsed(`Basic ${b64('id:a+b%2Bc%3Ad')}`)).toEqual({ clientId: 'id', clientSecret: 'a b+c:d' });
  });

  it('splits at the first colon only: an unencoded colon in the secret stays in the secret', () => {
    expect(parsed(`Basic ${b64('id:pa:ss:word')}`)).toEqual({ clientId: 'id', clientSecret: 'pa:ss:word' });
  });

  it('form-decodes the client id too (%3A in the id)', () => {
    expect(parsed(`Basic ${b64('urn%3Aalexa%3Askill:x')}`)).toEqual({ clientId: 'urn:alexa:skill', clientSecret: 'x' });
  });

  it('accepts percent-encoded and raw unicode in the secret', () => {
    expect(parseBasicAuthorization(`Basic ${b64('id:s%C3%A9same%F0%9F%94%91')}`)?.clientSecret).toBe('sésame🔑');
    expect(parseBasicAuthorization(`Basic ${b64('id:sésame')}`)?.clientSecret).toBe('sésame');
  });

  it('allows an empty secret', () => {
    expect(parsed(`Basic ${b64('id:')}`)).toEqual({ clientId: 'id', clientSecret: '' });
  });

  it('is case-insensitive about the scheme name and tolerates extra blanks', () => {
    expect(parseBasicAuthorization(`basic ${b64('a:b')}`)?.clientId).toBe('a');
    expect(parseBasicAuthorization(`BASIC   ${b64('a:b')}  `)?.clientSecret).toBe('b');
  });

  it('returns undefined for other schemes (the caller decides what to answer)', () => {
    expect(parseBasicAuthorization('Bearer abc.def.ghi')).toBeUndefined();
    expect(parseBasicAuthorization('Digest username="x"')).toBeUndefined();
    expect(parseBasicAuthorization('Basicx YTpi')).toBeUndefined();
  });

  it('refuses a Basic header with two tokens as malformed Basic credentials', () => {
    // parseTokenRequest answers it with 401 invalid_client, verdict bad_basic_credentials (token-request.test.ts).
    expect(() => parseBasicAuthorization(`Basic ${b64('a:b')} ${b64('c:d')}`)).toThrow(/malformed/);
  });

  it.each([
    ['empty credentials', 'Basic'],
    ['empty credentials with blank', 'Basic   '],
    ['not base64', 'Basic !!!!'],
    ['bad base64 length', 'Basic YWJj='],
    ['base64url alphabet', `Basic ${b64('id:??>>').replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['no colon', `Basic ${b64('just-an-id')}`],
    ['empty client id', `Basic ${b64(':secret')}`],
    ['malformed percent-escape in the secret', `Basic ${b64('id:50%off')}`],
    ['escape that decodes to invalid UTF-8', `Basic ${b64('id:%FF')}`],
    ['decoded bytes not UTF-8', `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff]).toString('base64')}`],
  ])('rejects %s with BasicAuthError', (_what, header) => {
    expect(() => parseBasicAuthorization(header)).toThrow(BasicAuthError);
  });

  it('does not put the secret into the error message', () => {
    try {
      parseBasicAuthorization(`Basic ${b64('id:topsecret%zz')}`);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('topsecret');
    }
  });
});

describe('basicAuthorization', () => {
  it('form-encodes id and secret before base64, as RFC 6749 §2.3.1 requires', () => {
    const header = basicAuthorization({ clientId: 'my id', clientSecret: 'p+w:d/é' });
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('my+id:p%2Bw%3Ad%2F%C3%A9');
  });

  it('round-trips through the parser', () => {
    const creds = { clientId: 'urn:x y', clientSecret: '%41+:ü' };
    expect(parsed(basicAuthorization(creds))).toEqual(creds);
  });
});

describe('Basic edges (issue 10 mutation survivors)', () => {
  it('refuses unpadded base64 (RFC 7617 §2 → RFC 4648 §4: padding is required, §3.2)', () => {
    // "ab:c" is YWI6Yw== padded; Node's decoder would read the unpadded form too, so the check must be explicit.
    expect(parsed('Basic YWI6Yw==')).toEqual({ clientId: 'ab', clientSecret: 'c' });
    expect(() => parseBasicAuthorization('Basic YWI6Yw')).toThrow(/not valid base64/);
    expect(() => parseBasicAuthorization('Basic YWI6Yw=')).toThrow(/not valid base64/);
    expect(() => parseBasicAuthorization('Basic YWI6Y===')).toThrow(/not valid base64/);
  });

  it('the scheme name must open the header: "Basic" later in it is another scheme', () => {
    expect(parseBasicAuthorization(`XBasic ${b64('a:b')}`)).toBeUndefined();
    expect(parseBasicAuthorization(`Bearer Basic ${b64('a:b')}`)).toBeUndefined();
  });

  it('errors are BasicAuthErrors by name', () => {
    expect(() => parseBasicAuthorization('Basic !!!!')).toThrow(expect.objectContaining({ name: 'BasicAuthError' }));
  });

  it('keeps the base64 token exactly as received, for byte-for-byte forwarding', () => {
    const token = b64('id:a+b/c=d~');
    expect(parseBasicAuthorization(`basic\t${token}`)?.token).toBe(token);
  });

  it('names each failure on its own', () => {
    const message = (h: string) => {
      try {
        parseBasicAuthorization(h);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(message('Basic')).toBe('Basic credentials are empty');
    expect(message('Basic \t ')).toBe('Basic credentials are empty');
    expect(message('Basic a b')).toBe('Basic credentials are malformed (expected one base64 token)');
    expect(message('Basic a Basic')).toBe('Basic credentials are malformed (expected one base64 token)');
    // Only one token after the scheme: a second "Basic" is not a fresh start.
    expect(message(`Basic Basic ${b64('a:b')}`)).toBe('Basic credentials are malformed (expected one base64 token)');
    expect(message(`Basic ${b64('no-colon')}`)).toBe('Basic credentials have no ":" between client id and secret');
    expect(message(`Basic ${b64(':s')}`)).toBe('Basic client id is empty');
    expect(message(`Basic ${Buffer.from([0xff, 0x3a, 0x61]).toString('base64')}`)).toBe('Basic credentials are not valid UTF-8');
    expect(message(`Basic ${b64('%zz:s')}`)).toBe('malformed percent-escape in Basic client id');
    expect(message(`Basic ${b64('id:%zz')}`)).toBe('malformed percent-escape in Basic client secret');
  });
});

describe('basicAuthorization encodings', () => {
  it('raw sends id and secret unencoded', () => {
    const header = basicAuthorization({ clientId: 'my id', clientSecret: 'Sx~9+ab/cd=ef' }, 'raw');
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('my id:Sx~9+ab/cd=ef');
    expect(basicAuthorization({ clientId: 'a', clientSecret: 'b' }, 'form')).toBe(basicAuthorization({ clientId: 'a', clientSecret: 'b' }));
  });
});
