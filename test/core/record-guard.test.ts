/**
 * The last gate (lambda/core/record-guard.ts): every record and every error answer leaves through it,
 * scrubbed against every secret the request saw. What users rely on: no secret in a record field
 * or in any member of an answer other than the tokens that ARE the answer; fingerprints, numbers
 * and the tokens themselves pass unchanged; nothing that is not plain record data gets out.
 */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import type { HttpAnswer } from '../../lambda/core/http-types';
import { guardAnswer, guardRecord, guardText } from '../../lambda/core/record-guard';
import { SecretSet, WITHHELD } from '../../lambda/core/scrub';
import { noteSecret, withSecretScope } from '../../lambda/core/secret-scope';
import { leaksIn } from '../support/encoded-forms';

const SECRET = 'Alexa-Client-Secret-9f8e7d';
const CODE = 'c0de-ABC-123456';
const secrets = () => new SecretSet([SECRET, CODE]);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const json = (status: number, body: unknown, type = 'application/json;charset=UTF-8'): HttpAnswer => ({ status, headers: { 'content-type': type, 'cache-control': 'no-store' }, body: JSON.stringify(body) });
const nest = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { d: nest(depth - 1, leaf) });

describe('guardRecord', () => {
  it('scrubs every string, at any place in the record, in any encoding; keeps everything else', () => {
    const record = {
      route: 'token',
      outcome: 'provider_error',
      status: 400,
      cached: false,
      linkId: null,
      error: { code: `bad ${encodeURIComponent(CODE)}`, description: `secret was ${b64(`alexa:${SECRET}`)}` },
      translated: ['status 200 → 400', `error ${SECRET.toUpperCase()} → invalid_grant`],
      verdicts: [{ code: 'provider_error', severity: 'error', message: `provider answered ${CODE}` }],
    };
    const out = guardRecord(record, secrets());
    expect(leaksIn(JSON.stringify(out), [SECRET, CODE])).toEqual([]);
    expect(out).toEqual({
      route: 'token',
      outcome: 'provider_error',
      status: 400,
      cached: false,
      linkId: null,
      // The base64 copy is cut where the secret's own characters are (base64 of `alexa:` stays).
      error: { code: `bad ${fingerprint(CODE)}`, description: expect.stringContaining(fingerprint(SECRET)!) },
      translated: ['status 200 → 400', `error ${fingerprint(SECRET)} → invalid_grant`],
      verdicts: [{ code: 'provider_error', severity: 'error', message: `provider answered ${fingerprint(CODE)}` }],
    });
  });

  it('scrubs against the request\'s own secret scope by default', () => {
    const out = withSecretScope(() => {
      noteSecret(SECRET);
      return guardRecord({ note: `echo ${SECRET}` });
    });
    expect(out).toEqual({ note: `echo ${fingerprint(SECRET)}` });
  });

  it('fingerprints pass as they are under a …Fp key, even when they happen to hold a known secret; elsewhere they are text like any other', () => {
    const fp = fingerprint('some-token-value')!;
    // Contrived on purpose: a "secret" that is part of the fingerprint, so scrubbing would change it.
    const inFp = new SecretSet([fp.slice(3)]);
    expect(guardRecord({ accessTokenFp: fp, tokens: { refreshTokenInFp: fp } }, inFp)).toEqual({ accessTokenFp: fp, tokens: { refreshTokenInFp: fp } });
    expect(guardRecord({ note: fp }, inFp).note).not.toBe(fp);
    // A …Fp key whose value is not a fingerprint is scrubbed like any other text.
    expect(guardRecord({ accessTokenFp: `x ${SECRET}` }, secrets())).toEqual({ accessTokenFp: `x ${fingerprint(SECRET)}` });
    expect(guardRecord({ accessToken: fp }, secrets())).toEqual({ accessToken: fp });
  });

  it('a secret in an array of fingerprint-keyed values or deep in nested arrays is found', () => {
    const out = guardRecord({ lineageFp: [`raw ${SECRET}`], deep: [[[`x ${CODE}`]]] }, secrets());
    expect(out).toEqual({ lineageFp: [`raw ${fingerprint(SECRET)}`], deep: [[[`x ${fingerprint(CODE)}`]]] });
  });

  it('neutralises control characters in every string, with or without secrets', () => {
    const forged = 'ok\n{"route":"forged"}\u001b[2J\u202e';
    expect(guardRecord({ a: forged, b: [forged] }, new SecretSet())).toEqual({ a: 'ok {"route":"forged"} [2J ', b: ['ok {"route":"forged"} [2J '] });
    expect(guardRecord({ a: `${forged}${SECRET}` }, secrets())).toEqual({ a: `ok {"route":"forged"} [2J ${fingerprint(SECRET)}` });
  });

  it('numbers pass when finite, else become null; booleans and null pass', () => {
    expect(guardRecord({ ms: 12.5, zero: 0, neg: -1, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, t: true, f: false, n: null }, secrets())).toEqual({
      ms: 12.5,
      zero: 0,
      neg: -1,
      nan: null,
      inf: null,
      t: true,
      f: false,
      n: null,
    });
  });

  it('drops keys that are not plain identifiers, and values that are not record data', () => {
    const record: Record<string, unknown> = {
      ok_1: 1,
      [`k${'x'.repeat(63)}`]: 'longest key kept',
      [`k${'x'.repeat(64)}`]: 'too long',
      'a-b': 1,
      '1a': 1,
      _x: 1,
      '': 1,
      [SECRET]: 1,
      'a b': 1,
      fn: () => 1,
      sym: Symbol('s'),
      big: 10n,
      undef: undefined,
    };
    expect(guardRecord(record, secrets())).toEqual({ ok_1: 1, [`k${'x'.repeat(63)}`]: 'longest key kept' });
    expect(Object.keys(guardRecord(record, secrets()))).toEqual(['ok_1', `k${'x'.repeat(63)}`]);
    // In an array a dropped value keeps its place as null.
    expect(guardRecord({ list: [1, () => 1, 'x', undefined] }, secrets())).toEqual({ list: [1, null, 'x', null] });
  });

  it('keeps 8 levels of nesting: deeper objects are dropped, strings at the limit still scrubbed', () => {
    // Depth counts from the record (0): a value at depth 8 that is an object is dropped.
    expect(guardRecord({ a: nest(6, { leaf: `s ${SECRET}` }) }, secrets())).toEqual({ a: nest(6, { leaf: `s ${fingerprint(SECRET)}` }) });
    expect(guardRecord({ a: nest(7, { leaf: 1 }) }, secrets())).toEqual({ a: nest(7, undefined) });
    expect(guardRecord({ a: nest(7, [1]) }, secrets())).toEqual({ a: nest(7, undefined) });
    expect(guardRecord({ a: nest(7, `s ${SECRET}`) }, secrets())).toEqual({ a: nest(7, `s ${fingerprint(SECRET)}`) });
  });
});

describe('guardText', () => {
  it('scrubs and neutralises control characters', () => {
    expect(guardText(`bad code ${CODE}\r\nSet-Cookie: x`, secrets())).toBe(`bad code ${fingerprint(CODE)} Set-Cookie: x`);
    expect(guardText('plain words', secrets())).toBe('plain words');
  });
});

describe('guardAnswer: JSON answers', () => {
  it('an error answer: error_description scrubbed, headers and status kept', () => {
    const answer = json(400, { error: 'invalid_grant', error_description: `the code ${CODE.toLowerCase()} expired` });
    const out = guardAnswer(answer, secrets());
    expect(out.status).toBe(400);
    expect(out.headers).toEqual(answer.headers);
    expect(JSON.parse(out.body)).toEqual({ error: 'invalid_grant', error_description: `the code ${fingerprint(CODE)} expired` });
  });

  it('a token answer: the tokens pass untouched (a refresh token Alexa presented and gets back is the answer); every other member is scrubbed, deep', () => {
    const presented = 'rt-presented-by-alexa-0001';
    const set = new SecretSet([SECRET, CODE, presented, 'at-issued-0001', 'idt-issued-0001']);
    const body = {
      access_token: 'at-issued-0001',
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: presented,
      id_token: 'idt-issued-0001',
      scope: `profile ${SECRET}`,
      extra: { note: [`echo ${CODE}`, 7, null, true], n: 1 },
    };
    const out = JSON.parse(guardAnswer(json(200, body), set).body);
    expect(out).toEqual({
      access_token: 'at-issued-0001',
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: presented,
      id_token: 'idt-issued-0001',
      scope: `profile ${fingerprint(SECRET)}`,
      extra: { note: [`echo ${fingerprint(CODE)}`, 7, null, true], n: 1 },
    });
    // Members keep their order.
    expect(Object.keys(out)).toEqual(Object.keys(body));
  });

  it('a member nested deeper than the scrubber walks cannot carry a secret out', () => {
    const deep = { access_token: 'at-1', token_type: 'Bearer', extra: nest(12, `echo ${SECRET}`) };
    const out = guardAnswer(json(200, deep), secrets());
    expect(leaksIn(out.body, [SECRET])).toEqual([]);
    // The walk stops at 8 levels; a deeper subtree that holds a secret is withheld there, one without is kept.
    expect(JSON.parse(out.body)).toEqual({ access_token: 'at-1', token_type: 'Bearer', extra: nest(8, WITHHELD) });
    const clean = { access_token: 'at-1', extra: nest(12, 'nothing secret') };
    expect(JSON.parse(guardAnswer(json(200, { ...clean, scope: `x ${SECRET}` }), secrets()).body)).toEqual({ ...clean, scope: `x ${fingerprint(SECRET)}` });
    // Shallower nesting keeps its shape.
    const shallow = guardAnswer(json(200, { access_token: 'at-1', extra: nest(6, `echo ${SECRET}`) }), secrets());
    expect(JSON.parse(shallow.body)).toEqual({ access_token: 'at-1', extra: nest(6, `echo ${fingerprint(SECRET)}`) });
  });

  it('a JSON answer without any copy of a secret comes back as it was, byte for byte', () => {
    const answer: HttpAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token":"at","scope":"a b",  "n":1}' };
    expect(guardAnswer(answer, secrets())).toEqual(answer);
  });

  it('JSON that is not an object, or not JSON, is still scrubbed as text', () => {
    for (const body of [JSON.stringify([`echo ${SECRET}`]), JSON.stringify(`echo ${SECRET}`), `{"error": "x", "error_description": "${SECRET}"`]) {
      const out = guardAnswer({ status: 400, headers: { 'content-type': 'application/json' }, body }, secrets());
      expect(leaksIn(out.body, [SECRET])).toEqual([]);
      expect(out.body).toContain(fingerprint(SECRET));
    }
  });

  it('a JSON media type with parameters or a +json suffix is read as JSON', () => {
    const out = guardAnswer(json(400, { error: 'invalid_grant', error_description: `x ${CODE}` }, 'application/json'), secrets());
    expect(JSON.parse(out.body).error_description).toBe(`x ${fingerprint(CODE)}`);
  });
});

describe('guardAnswer: redirects and pages', () => {
  const alexa = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';

  it('an error redirect: error_description scrubbed, in the query or the fragment, the rest of the URL kept', () => {
    for (const sep of ['?', '#']) {
      const location = `${alexa}${sep}${new URLSearchParams({ error: 'access_denied', error_description: `provider said ${SECRET}`, state: 'st-1' })}`;
      const out = guardAnswer({ status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' }, secrets());
      expect(out.status).toBe(302);
      expect(out.headers['cache-control']).toBe('no-store');
      expect(out.headers.location).toBe(`${alexa}${sep}${new URLSearchParams({ error: 'access_denied', error_description: `provider said ${fingerprint(SECRET)}`, state: 'st-1' })}`);
    }
  });

  it('control characters in an error redirect\'s description are neutralised too', () => {
    const location = `${alexa}?${new URLSearchParams({ error: 'access_denied', error_description: `a\r\nb ${SECRET}` })}`;
    expect(guardAnswer({ status: 302, headers: { location }, body: '' }, secrets()).headers.location).toBe(`${alexa}?${new URLSearchParams({ error: 'access_denied', error_description: `a b ${fingerprint(SECRET)}` })}`);
  });

  it('a success redirect carries the code Alexa must receive: it is the answer, untouched', () => {
    const location = `${alexa}?${new URLSearchParams({ code: CODE, state: 'st-1' })}`;
    expect(guardAnswer({ status: 302, headers: { location }, body: '' }, secrets()).headers.location).toBe(location);
    // error_description without error is not an error redirect either; a URL without query or fragment is left alone.
    const odd = `${alexa}?${new URLSearchParams({ code: CODE, error_description: CODE })}`;
    expect(guardAnswer({ status: 302, headers: { location: odd }, body: '' }, secrets()).headers.location).toBe(odd);
    expect(guardAnswer({ status: 302, headers: { location: `${alexa}/${CODE}` }, body: '' }, secrets()).headers.location).toBe(`${alexa}/${CODE}`);
    const clean = `${alexa}?${new URLSearchParams({ error: 'access_denied', error_description: 'the user said no' })}`;
    expect(guardAnswer({ status: 302, headers: { location: clean }, body: '' }, secrets()).headers.location).toBe(clean);
  });

  it('an error page\'s text is scrubbed, entity-encoded copies included; a successful non-JSON answer is the answer', () => {
    const page = `<p>provider said ${[...CODE].map((c) => `&#${c.charCodeAt(0)};`).join('')}</p>`;
    const out = guardAnswer({ status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page }, secrets());
    expect(out.body).toBe(`<p>provider said ${fingerprint(CODE)}</p>`);
    expect(out.headers['content-type']).toBe('text/html; charset=utf-8');
    const plain = { status: 200, headers: { 'content-type': 'text/plain' }, body: `token=${CODE}` };
    expect(guardAnswer(plain, secrets())).toEqual(plain);
    const cleanPage = { status: 500, headers: {}, body: '<p>try again</p>' };
    expect(guardAnswer(cleanPage, secrets())).toEqual(cleanPage);
  });

  it('with no secret known, nothing is changed', () => {
    const answer = json(400, { error: 'invalid_grant', error_description: `x ${CODE}` });
    expect(guardAnswer(answer, new SecretSet())).toEqual(answer);
    expect(guardAnswer({ status: 400, headers: {}, body: `x ${CODE}` }, new SecretSet()).body).toBe(`x ${CODE}`);
  });

  it('the default secret set is the request\'s scope', () => {
    const out = withSecretScope(() => {
      noteSecret(CODE);
      return guardAnswer(json(400, { error: 'invalid_grant', error_description: `x ${CODE}` }));
    });
    expect(JSON.parse(out.body).error_description).toBe(`x ${fingerprint(CODE)}`);
  });

  it('an empty body stays empty', () => {
    const answer = { status: 204, headers: { 'content-type': 'application/json' }, body: '' };
    expect(guardAnswer(answer, secrets())).toEqual(answer);
  });
});

describe('guardAnswer output never holds a secret that was in it (WITHHELD as last resort)', () => {
  it('a text that cannot be cut cleanly is withheld whole', () => {
    const first = 'first-secret-1234';
    const second = fingerprint(first)!.slice(3);
    const out = guardAnswer(json(400, { error: 'invalid_grant', error_description: `echo ${first}` }), new SecretSet([first, second]));
    expect(JSON.parse(out.body).error_description).toBe(WITHHELD);
  });
});

/** Survivors of the mutation run over record-guard.ts (test/mutation/equivalent.md), each a promise of its own. */
describe('pinned by the mutation run', () => {
  const wrap = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : [wrap(depth - 1, leaf)]);
  const alexa = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';

  it('a fingerprint field passes as it is in a record that does hold a secret elsewhere', () => {
    const fp = fingerprint('some-token-value')!;
    const inFp = new SecretSet([fp.slice(3)]);
    const out = guardRecord({ accessTokenFp: fp, note: `echo ${fp.slice(3)}` }, inFp);
    expect(out.accessTokenFp).toBe(fp);
    expect(out.note).not.toContain(fp.slice(3));
  });

  it('arrays nested in arrays count towards the 8 levels too, in a record and in an answer', () => {
    expect(guardRecord({ a: wrap(12, 'x') }, secrets())).toEqual({ a: wrap(7, null) });
    const out = guardAnswer(json(200, { access_token: 'at-1', extra: wrap(12, `echo ${SECRET}`) }), secrets());
    expect(JSON.parse(out.body)).toEqual({ access_token: 'at-1', extra: wrap(8, WITHHELD) });
  });

  it('a JSON answer whose body is `null` is checked as text, without failing', () => {
    const answer: HttpAnswer = { status: 400, headers: { 'content-type': 'application/json' }, body: 'null' };
    expect(guardAnswer(answer, secrets())).toEqual(answer);
  });

  it('an error redirect to a relative location is scrubbed too', () => {
    const location = `?${new URLSearchParams({ error: 'access_denied', error_description: `provider said ${SECRET}` })}`;
    expect(guardAnswer({ status: 302, headers: { location }, body: '' }, secrets()).headers.location).toBe(`?${new URLSearchParams({ error: 'access_denied', error_description: `provider said ${fingerprint(SECRET)}` })}`);
  });

  it('an error redirect without a description, or with one that holds no secret, is left byte for byte', () => {
    for (const location of [`${alexa}?error=access_denied&state=st-1`, `${alexa}?error=access_denied&error_description=the%20user%20said%20no&state=st-1`]) {
      expect(guardAnswer({ status: 302, headers: { location }, body: '' }, secrets()).headers.location).toBe(location);
    }
  });
});
