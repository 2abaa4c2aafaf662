/**
 * The scrubber's edges found by mutation testing (lambda/core/scrub.ts; test/mutation/equivalent.md
 * names the survivors that cannot change behaviour): copies that need two decodings of one kind or
 * two kinds together, bytes that are not UTF-8, lone surrogates next to a copy, and astral letters
 * whose case spans two code units. Each case states what the promise needs: the copy is cut, the
 * characters around it are kept exactly, and a text without a copy comes back byte-identical.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import { SecretSet } from '../../lambda/core/scrub';

const scrub = (secret: string, text: string) => new SecretSet([secret]).scrub(text);
const fp = (s: string) => fingerprint(s)!;

describe('two layers of one kind, when it is the only kind in the text', () => {
  it('double HTML escaping (&amp;lt;, &amp;#47;) is decoded twice', () => {
    expect(scrub('ab<cd1234', 'error: ab&amp;lt;cd1234.')).toBe(`error: ${fp('ab<cd1234')}.`);
    expect(scrub('ab/cd1234', 'error: ab&amp;#47;cd1234.')).toBe(`error: ${fp('ab/cd1234')}.`);
  });

  it('JSON inside JSON (\\\\u00e9, \\\\\\") is decoded twice', () => {
    const secret = 'ab\u00e9cd"1234';
    const once = JSON.stringify(secret).replace(/\u00e9/g, '\\u00e9');
    const twice = JSON.stringify(once);
    expect(twice).toContain('\\\\u00e9');
    expect(scrub(secret, `{"error_description":${twice}}`)).toBe(`{"error_description":"\\"${fp(secret)}\\""}`);
  });
});

describe('two kinds of escape in one copy', () => {
  it('a JSON escape and a percent-escape', () => {
    const secret = 'ab/cd/1234';
    expect(scrub(secret, 'x ab\\u002Fcd%2F1234 y')).toBe(`x ${fp(secret)} y`);
    expect(scrub(secret, 'x ab%2Fcd\\/1234 y')).toBe(`x ${fp(secret)} y`);
  });

  it('a character reference and a JSON escape', () => {
    const secret = 'ab/cd/1234';
    expect(scrub(secret, 'x ab&#47;cd\\u002F1234 y')).toBe(`x ${fp(secret)} y`);
    expect(scrub(secret, 'x ab\\/cd&sol;1234 y')).toBe(`x ${fp(secret)} y`);
  });
});

describe('percent-escapes that are not UTF-8', () => {
  it('an invalid sequence is not read as U+FFFD: a secret holding a real U+FFFD is not matched by it', () => {
    const secret = 'ab\ufffd(cd12';
    for (const text of ['ab%C3%28cd12', 'ab%E2%82cd12', 'ab%F0%9F%98cd12', 'ab%C0%AFcd12', 'ab%ED%A0%80cd12']) {
      expect(scrub(secret, text), text).toBe(text);
    }
    expect(scrub(secret, 'ab%EF%BF%BD(cd12')).toBe(fp(secret));
  });

  it('a byte that starts no sequence (%80, %C1, %F5, %FF) is read alone, and the text goes on', () => {
    for (const bad of ['%80', '%BF', '%C1', '%F5', '%FF']) {
      const text = `a${bad}b ab/cd1234`;
      expect(scrub('ab/cd1234', `a${bad}b ab%2Fcd1234`), bad).toBe(`a${bad}b ${fp('ab/cd1234')}`);
      expect(scrub('zz/yy9876', text), bad).toBe(text);
    }
  });
});

describe('code points and surrogates around a copy', () => {
  it('a lone surrogate next to a copy is kept, the copy cut', () => {
    const secret = 'abcd1234';
    for (const lone of ['\ud801', '\udc00', '\udfff', '\ud800']) {
      expect(scrub(secret, `${lone}${secret}`), escape(lone)).toBe(`${lone}${fp(secret)}`);
      expect(scrub(secret, `${secret}${lone}`), escape(lone)).toBe(`${fp(secret)}${lone}`);
    }
  });

  it('a lone high surrogate before a copy that starts with a character from U+E000 up is kept', () => {
    for (const secret of ['\ue000bcd1234', '\uff71bcd1234', '\ufffdbcd1234']) {
      expect(scrub(secret, `\ud801${secret}!`), escape(secret)).toBe(`\ud801${fp(secret)}!`);
      expect(scrub(secret, `x\ud801${secret}!`), escape(secret)).toBe(`x\ud801${fp(secret)}!`);
    }
  });

  it('a secret made of lone low surrogates is cut without the one after it', () => {
    const secret = 'abcd\udc00';
    expect(scrub(secret, `${secret}\udc00`)).toBe(`${fp(secret)}\udc00`);
    expect(scrub(secret, `${secret}\udc01x`)).toBe(`${fp(secret)}\udc01x`);
  });

  it('an upper-cased astral letter (Deseret) at the start, middle and end of a copy is cut, not withheld', () => {
    const secret = '\u{10428}bcd1234\u{10429}';
    expect(scrub(secret, '[\u{10400}BCD1234\u{10401}]')).toBe(`[${fp(secret)}]`);
    expect(scrub(secret, 'x\u{10400}bcd1234\u{10401}')).toBe(`x${fp(secret)}`);
    // One code point that is not a letter (U+10000, the first astral) before the copy stays.
    expect(scrub(secret, '\u{10000}\u{10428}BCD1234\u{10429}')).toBe(`\u{10000}${fp(secret)}`);
    // After a character from U+E000 up, too.
    expect(scrub(secret, '\uff71\u{10400}BCD1234\u{10401}')).toBe(`\uff71${fp(secret)}`);
  });
});

describe('texts shorter than the secret', () => {
  it('a case variant that folds longer (ẞ is SS, ﬀ is FF) is a copy however short the text', () => {
    expect(scrub('ssss', 'ẞẞ')).toBe(fp('ssss'));
    expect(scrub('FFFF', '(ﬀﬀ)')).toBe(`(${fp('FFFF')})`);
    expect(scrub('ssss', 'ss')).toBe('ss');
    expect(scrub('ssss', '')).toBe('');
  });
});

describe('base64 edges', () => {
  it('a four-byte secret unpadded one character into a base64 run (six characters left) is found', () => {
    const secret = 'Ab1?';
    for (const b64 of [Buffer.from(secret).toString('base64url'), Buffer.from(secret).toString('base64').replace(/=+$/, '')]) {
      expect(b64).toHaveLength(6);
      // The core the secret's bytes fix (QWIx) is cut; `Pw` holds only part of the fourth byte.
      expect(scrub(secret, `token Z${b64} end`)).toBe(`token Z${fp(secret)}${b64.slice(4)} end`);
    }
  });

  it('with several secrets known, a base64 copy of any one of them is found', () => {
    const secret = 'tok>>>??~~~en-0123';
    const b64 = Buffer.from(secret).toString('base64');
    for (const set of [new SecretSet([secret, 'other-secret-99']), new SecretSet(['other-secret-99', secret])]) {
      expect(set.holdsSecret(`got ${b64} back`)).toBe(true);
      expect(set.scrub(`got ${b64} back`)).toBe(`got ${fp(secret)} back`);
    }
  });

  it('a base64 copy whose `+` is written as an upper-case character reference (&PLUS;) is decoded', () => {
    const secret = 'tok>>>??~~~en-0123';
    const b64 = Buffer.from(secret).toString('base64');
    expect(b64).toContain('+');
    expect(scrub(secret, `got ${b64.replace(/\+/g, '&PLUS;')} back`)).toBe(`got ${fp(secret)} back`);
    expect(scrub(secret, `got ${b64.replace(/\+/g, '&Plus;')} back`)).toBe(`got ${fp(secret)} back`);
  });
});

describe('whose fingerprint names a copy', () => {
  it('of two secrets that start at the same place, the longer one (the one the copy is of) names it', () => {
    for (const order of [['abcd1234', 'abcd1234XYZ9'], ['abcd1234XYZ9', 'abcd1234']]) {
      expect(new SecretSet(order).scrub('x abcd1234XYZ9 y')).toBe(`x ${fp('abcd1234XYZ9')} y`);
      expect(new SecretSet(order).scrub('x abcd1234 y')).toBe(`x ${fp('abcd1234')} y`);
    }
  });

  it('a set made with no secrets holds none and changes nothing', () => {
    const empty = new SecretSet();
    expect(empty.size).toBe(0);
    expect(empty.holdsSecret('abcd1234 and YWJjZDEyMzQ=')).toBe(false);
    expect(empty.scrub('abcd1234 and YWJjZDEyMzQ=')).toBe('abcd1234 and YWJjZDEyMzQ=');
  });
});

describe('the cut never splits a surrogate pair', () => {
  it('a copy that begins or ends inside a pair takes the whole character', () => {
    expect(scrub('\udc00bcd1234', 'x\ud800\udc00bcd1234')).toBe(`x${fp('\udc00bcd1234')}`);
    expect(scrub('abcd123\ud800', 'abcd123\ud800\udc00x')).toBe(`${fp('abcd123\ud800')}x`);
    expect(scrub('\udc37bcd1234', 'x\ud801\udc37bcd1234')).toBe(`x${fp('\udc37bcd1234')}`);
  });
});

describe('a JSON-escaped surrogate pair is one character', () => {
  it('an upper-case Deseret letter written \\uD801\\uDC00 is case-folded as a whole (not left to a random property run)', () => {
    const secret = '\u{10428}bcd1234';
    for (const pair of ['\\uD801\\uDC00', '\\ud801\\udc00', '\\uD801\\udC00']) {
      expect(scrub(secret, `x ${pair}BCD1234 y`), pair).toBe(`x ${fp(secret)} y`);
      // Escaped three times (JSON in JSON in JSON): the pair is only decoded in the third layer, where it must fold.
      const thrice = pair.replace(/\\/g, '\\\\\\\\');
      expect(scrub(secret, `x ${thrice}BCD1234 y`), thrice).toBe(`x ${fp(secret)} y`);
    }
  });
});
