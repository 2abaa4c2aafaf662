/**
 * Property-based tests of the pure core (fast-check): the parsers and the translator must hold
 * their contracts for every input, not only the ones we thought of.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { basicAuthorization, parseBasicAuthorization } from '../../lambda/core/basic-auth';
import { FormParseError, encodeForm, parseForm } from '../../lambda/core/form';
import { RFC6749_TOKEN_ERRORS } from '../../lambda/core/oauth-error';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { google } from '../../lambda/core/profiles/google';
import { translateResponse, type TranslateContext } from '../../lambda/core/translate';
import type { UpstreamResult } from '../../lambda/core/upstream-call';

const unicode = fc.string({ unit: 'binary', maxLength: 30 });

describe('form codec', () => {
  test.prop([fc.uniqueArray(fc.tuple(unicode, unicode), { selector: ([name]) => name, maxLength: 12 })])(
    'parseForm(encodeForm(pairs)) gives back every pair, in order, with nothing reported repeated',
    (pairs) => {
      const form = parseForm(encodeForm(pairs));
      expect([...form.params]).toEqual(pairs);
      expect(form.repeated).toEqual([]);
    },
  );

  test.prop([fc.array(fc.tuple(fc.constantFrom('code', 'grant_type', 'a b', 'ü'), unicode), { maxLength: 10 })])(
    'repeated names are reported exactly when a name occurs twice, and the first value wins',
    (pairs) => {
      const form = parseForm(encodeForm(pairs));
      const counts = new Map<string, number>();
      for (const [n] of pairs) counts.set(n, (counts.get(n) ?? 0) + 1);
      expect([...form.repeated].sort()).toEqual([...counts].filter(([, c]) => c > 1).map(([n]) => n).sort());
      for (const [n] of pairs) expect(form.params.get(n)).toBe(pairs.find(([m]) => m === n)![1]);
    },
  );

  const formByte = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
    { weight: 2, arbitrary: fc.constantFrom(0x25, 0x2b, 0x26, 0x3d, 0x41, 0x66, 0x30, 0x39) },
  );
  test.prop([fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.array(formByte, { maxLength: 64 }).map((a) => new Uint8Array(a)))], { numRuns: 500 })(
    'parseForm on arbitrary bytes either parses or throws FormParseError, nothing else',
    (bytes) => {
      try {
        const form = parseForm(bytes);
        for (const [k, v] of form.params) {
          expect(typeof k).toBe('string');
          expect(typeof v).toBe('string');
        }
      } catch (err) {
        expect(err).toBeInstanceOf(FormParseError);
      }
    },
  );

  // Well-formed input: the WHATWG parser (URLSearchParams) is the oracle.
  const token = fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '+', '%41', '%2B', '%26', '%3D', '%C3%BC', '%E2%82%AC', '%F0%9F%94%91', 'é');
  const component = fc.array(token, { maxLength: 6 }).map((a) => a.join(''));
  test.prop([fc.array(fc.tuple(component, component), { maxLength: 8 })])('agrees with URLSearchParams on well-formed bodies', (pairs) => {
    const body = pairs.map(([k, v]) => `${k}=${v}`).join('&');
    const ours = parseForm(body);
    const oracle = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(body)) if (!oracle.has(k)) oracle.set(k, v);
    expect([...ours.params]).toEqual([...oracle]);
  });
});

describe('Basic credentials', () => {
  test.prop([fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 60 })])(
    'parseBasicAuthorization(basicAuthorization(id, secret)) round-trips any unicode id and secret',
    (clientId, clientSecret) => {
      const header = basicAuthorization({ clientId, clientSecret });
      expect(parseBasicAuthorization(header)).toEqual({ clientId, clientSecret, token: header.slice('Basic '.length) });
    },
  );
});

describe('translateResponse', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 24 });
  const secrets = fc.record({ at: hex.map((h) => `AT-${h}`), rt: hex.map((h) => `RT-${h}`), presented: hex.map((h) => `PRT-${h}`) });
  const profile = fc.constantFrom(generic, github, google);
  const ctx = fc.record({
    grantType: fc.constantFrom('authorization_code' as const, 'refresh_token' as const),
    alexaScheme: fc.constantFrom('basic' as const, 'body' as const, 'none' as const),
  });
  const contentType = fc.option(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/html', 'text/plain', 'application/problem+json', 'application/xml', ''),
    { nil: undefined },
  );
  const status = fc.oneof(fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503), fc.integer({ min: 100, max: 599 }));
  const field = fc.constantFrom('error', 'error_description', 'token_type', 'expires_in', 'scope', 'id_token', 'expires_at', 'ok', 'status', 'body', 'constructor', '__proto__', 'toString');
  const jsonObject = fc.dictionary(fc.oneof(field, fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
  const tokenFields = fc.record({ access: fc.boolean(), refresh: fc.boolean() });

  /** Builds the upstream body: JSON or form with (maybe) the token values, or arbitrary text/bytes. */
  const body = fc.oneof(
    fc.tuple(jsonObject, tokenFields).map(([obj, t]) => ({ kind: 'json' as const, obj, t })),
    fc.tuple(fc.dictionary(fc.oneof(field, fc.string({ maxLength: 8 })), fc.string({ maxLength: 12 }), { maxKeys: 5 }), tokenFields).map(([obj, t]) => ({ kind: 'form' as const, obj, t })),
    fc.string({ maxLength: 80 }).map((text) => ({ kind: 'text' as const, text })),
    fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  );

  function upstreamBody(b: typeof body extends fc.Arbitrary<infer T> ? T : never, s: { at: string; rt: string }): Uint8Array {
    const enc = new TextEncoder();
    if (b.kind === 'text') return enc.encode(b.text);
    if (b.kind === 'bytes') return b.bytes;
    const obj: Record<string, unknown> = { ...b.obj };
    if (b.t.access) obj.access_token = s.at;
    if (b.t.refresh) obj.refresh_token = s.rt;
    if (b.kind === 'json') return enc.encode(JSON.stringify(obj));
    return enc.encode(encodeForm(Object.entries(obj).map(([k, v]) => [k, String(v)])));
  }

  const outcome = fc.oneof(
    { weight: 8, arbitrary: fc.constant('answered' as const) },
    { weight: 1, arbitrary: fc.constantFrom('timeout' as const, 'network_error' as const, 'too_large' as const) },
  );

  test.prop([profile, ctx, secrets, outcome, status, contentType, body], { numRuns: 1000 })(
    'always answers §5.1 (200, Bearer, non-empty access_token) or §5.2 (RFC error code), never leaking tokens into the record',
    (p, c, s, kind, st, ct, b) => {
      const headers = new Headers(ct !== undefined ? { 'content-type': ct } : {});
      let result: UpstreamResult;
      if (kind === 'answered') result = { outcome: 'answered', status: st, headers, body: upstreamBody(b, s), latencyMs: 5 };
      else if (kind === 'too_large') result = { outcome: 'too_large', status: st, headers, latencyMs: 5 };
      else if (kind === 'timeout') result = { outcome: 'timeout', latencyMs: 5 };
      else result = { outcome: 'network_error', reason: 'ECONNRESET', latencyMs: 5 };
      const context: TranslateContext = {
        ...c,
        ...(c.grantType === 'refresh_token' ? { presentedRefreshToken: s.presented } : {}),
        timeoutMs: 300,
        secrets: [s.presented],
      };

      const t = translateResponse(p, result, context);

      expect(t.answer.headers['cache-control']).toBe('no-store');
      expect(t.answer.headers['content-type']).toMatch(/^application\/json/);
      const answer = JSON.parse(t.answer.body) as Record<string, unknown>;
      if (t.answer.status === 200) {
        expect(t.outcome).toBe('success');
        expect(typeof answer.access_token).toBe('string');
        expect(answer.access_token).not.toBe('');
        expect(answer.token_type).toBe('Bearer');
        expect(answer).not.toHaveProperty('error');
      } else {
        expect(t.outcome).not.toBe('success');
        expect(t.answer.status).toBeGreaterThanOrEqual(400);
        expect(t.answer.status).toBeLessThan(600);
        expect(RFC6749_TOKEN_ERRORS.has(answer.error as string)).toBe(true);
        expect(typeof answer.error_description).toBe('string');
        expect(answer).not.toHaveProperty('access_token');
        // RFC 6749 §5.2: 401 when Alexa used the Authorization header (or none), 400 for body credentials.
        if (answer.error === 'invalid_client') expect(t.answer.status).toBe(c.alexaScheme === 'body' ? 400 : 401);
        // RFC 9110 §15.5.2: every 401 carries WWW-Authenticate, and nothing else does.
        expect(t.answer.headers['www-authenticate'] !== undefined).toBe(t.answer.status === 401);
      }
      const recordParts = JSON.stringify({ tokens: t.tokens, translated: t.translated, verdicts: t.verdicts, upstream: t.upstream, error: t.error });
      for (const secret of [s.at, s.rt, s.presented]) expect(recordParts).not.toContain(secret);
      expect(t.verdicts.length).toBeGreaterThan(0);
    },
  );
});
