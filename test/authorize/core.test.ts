/**
 * Rules of the authorization leg one by one (PKCE, scope joining, pages, callback URL), and the
 * implicit grant of a provider that answers in the query instead of the fragment, against a real
 * loopback provider and the embedded store.
 */
import { createServer } from 'node:http';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAuthorize, upstreamScope } from '../../lambda/core/authorize/authorize';
import { handleCallback } from '../../lambda/core/authorize/callback';
import { alexaLocation, callbackUrl } from '../../lambda/core/authorize/leg';
import { escapeHtml, htmlPage } from '../../lambda/core/authorize/pages';
import { checkChallenge, newCodeVerifier, s256Challenge, verifierMatches } from '../../lambda/core/authorize/pkce';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { HttpRequest } from '../../lambda/core/http-types';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { google } from '../../lambda/core/profiles/google';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { listen, type RunningServer } from '../../local/adapter';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../local/embedded-dynamodb';

describe('PKCE (RFC 7636)', () => {
  it('computes S256 exactly as an independent client library does (oauth4webapi)', async () => {
    for (let i = 0; i < 20; i++) {
      const v = oauth.generateRandomCodeVerifier();
      const expected = await oauth.calculatePKCECodeChallenge(v);
      expect(s256Challenge(v)).toBe(expected);
      expect(verifierMatches(v, expected, 'S256')).toBe(true);
    }
  });
  it('verifies plain, refuses wrong, missing and malformed verifiers', () => {
    const v = newCodeVerifier();
    expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifierMatches(v, v, 'plain')).toBe(true);
    expect(verifierMatches(`${v}x`, v, 'plain')).toBe(false);
    expect(verifierMatches(undefined, s256Challenge(v), 'S256')).toBe(false);
    expect(verifierMatches('short', s256Challenge('short'), 'S256')).toBe(false);
  });
  it('checks Alexa\'s challenge: method defaults to plain (§4.3), S256 must be 43 chars, unknown methods refused', () => {
    const c = s256Challenge(newCodeVerifier());
    expect(checkChallenge(c, 'S256')).toEqual({ ok: true, challenge: c, method: 'S256' });
    expect(checkChallenge(`${c}${c}`, undefined)).toEqual({ ok: true, challenge: `${c}${c}`, method: 'plain' });
    expect(checkChallenge(undefined, undefined)).toEqual({ ok: true });
    expect(checkChallenge(undefined, 'S256')).toMatchObject({ ok: false });
    expect(checkChallenge(c, 'S512')).toMatchObject({ ok: false });
    expect(checkChallenge(`${c}A`, 'S256')).toMatchObject({ ok: false });
    expect(checkChallenge('has space in it and is long enough to pass the length rule', 'plain')).toMatchObject({ ok: false });
  });
});

describe('authorize shaping', () => {
  it('re-joins scopes with the provider delimiter and adds profile scopes once', () => {
    expect(upstreamScope('profile email', [], ',')).toBe('profile,email');
    expect(upstreamScope('profile,email', ['offline_access'], ' ')).toBe('profile email offline_access');
    expect(upstreamScope('offline_access', ['offline_access'], ' ')).toBe('offline_access');
    expect(upstreamScope(undefined, [], ' ')).toBeUndefined();
  });
  it('puts parameters in the query for the code grant and in the fragment for implicit', () => {
    expect(alexaLocation('https://layla.amazon.com/api/skill/link/X', { code: 'c', state: 's t' }, false)).toBe('https://layla.amazon.com/api/skill/link/X?code=c&state=s+t');
    expect(alexaLocation('https://layla.amazon.com/api/skill/link/X', { access_token: 'a', state: 's', scope: undefined }, true)).toBe('https://layla.amazon.com/api/skill/link/X#access_token=a&state=s');
  });
  it('derives our /callback from the host and X-Forwarded-Proto', () => {
    const req = (path: string, headers: Record<string, string>): HttpRequest => ({ method: 'GET', path, headers, body: new Uint8Array(), requestId: 'r' });
    expect(callbackUrl(req('/authorize', { host: 'abc.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' }))).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/callback');
    expect(callbackUrl(req('/authorize', { host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' }))).toBe('http://127.0.0.1:3000/callback');
  });
  it('pages escape everything interpolated and carry no script', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
    const page = htmlPage(400, { title: '<t>', message: '<script>alert(1)</script>', reference: 'lk_"x' });
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&#60;script&#62;');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('provider-side authorize parameters from the profile', () => {
  let db: EmbeddedDynamoDb;
  beforeAll(async () => {
    db = await startEmbeddedDynamoDb({ port: 0 });
  });
  afterAll(async () => db?.close());

  it('google: access_type=offline and prompt=consent, PKCE S256, our callback and state', async () => {
    const store = new DynamoDbStateStore({ tableName: db.tableName, client: db.client() });
    const config = parseRuntimeConfig({ provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token', mode: 'interception' }, 'test');
    const q = new URLSearchParams({ client_id: 'cid', response_type: 'code', state: 'alexa', scope: 'email profile', redirect_uri: 'https://alexa.amazon.co.jp/api/skill/link/M2X' });
    const r = await handleAuthorize({ method: 'GET', path: '/authorize', headers: { host: 'link.example.com', 'x-forwarded-proto': 'https' }, body: new Uint8Array(), rawQuery: q.toString(), requestId: 'r' }, { config, profile: google, store: () => Promise.resolve(store) });
    expect(r.answer.status).toBe(302);
    const to = new URL(r.answer.headers.location!);
    expect(`${to.origin}${to.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ access_type: 'offline', prompt: 'consent', response_type: 'code', client_id: 'cid', redirect_uri: 'https://link.example.com/callback', scope: 'email profile', code_challenge_method: 'S256' });
    expect(to.searchParams.get('state')).not.toBe('alexa');
  });
});

describe('implicit grant from a provider that answers in the query', () => {
  let db: EmbeddedDynamoDb;
  let provider: RunningServer;
  const queryImplicit = extendProfile(generic, { id: 'query-implicit', displayName: 'Implicit in the query', authorize: { responseMode: 'query' } });
  beforeAll(async () => {
    db = await startEmbeddedDynamoDb({ port: 0 });
    // Answers every authorization request with an implicit-grant answer in the QUERY (wrong: RFC 6749 §4.2.2).
    provider = await listen(
      createServer((req, res) => {
        const q = new URL(req.url!, 'http://x').searchParams;
        const back = new URL(q.get('redirect_uri')!);
        back.search = new URLSearchParams({ access_token: 'AT-secret-123', token_type: 'bearer', expires_in: '3600', state: q.get('state')!, response_type_seen: q.get('response_type')! }).toString();
        res.writeHead(302, { location: back.href }).end();
      }),
      0,
      '127.0.0.1',
    );
  });
  afterAll(async () => {
    await provider?.close();
    await db?.close();
  });

  it('asks for response_type=token and moves the answer to the fragment with Alexa\'s state', async () => {
    const store = new DynamoDbStateStore({ tableName: db.tableName, client: db.client() });
    const config = parseRuntimeConfig({ provider: 'generic', tokenUrl: `${provider.url}/token`, authorizeUrl: `${provider.url}/authorize`, mode: 'interception' }, 'test');
    const deps = { config, profile: queryImplicit, store: () => Promise.resolve(store) };
    const q = new URLSearchParams({ client_id: 'cid', response_type: 'token', state: 'alexa-state', redirect_uri: 'https://layla.amazon.com/api/skill/link/M2X' });
    const headers = { host: '127.0.0.1:1', 'x-forwarded-proto': 'http' };
    const a = await handleAuthorize({ method: 'GET', path: '/authorize', headers, body: new Uint8Array(), rawQuery: q.toString(), requestId: 'r1' }, deps);
    expect(new URL(a.answer.headers.location!).searchParams.get('response_type')).toBe('token');
    const fromProvider = (await fetch(a.answer.headers.location!, { redirect: 'manual' })).headers.get('location')!;
    const cbUrl = new URL(fromProvider);
    const c = await handleCallback({ method: 'GET', path: '/callback', headers, body: new Uint8Array(), rawQuery: cbUrl.search.slice(1), requestId: 'r2' }, deps);
    expect(c.answer.status).toBe(302);
    const alexa = new URL(c.answer.headers.location!);
    expect(alexa.search).toBe('');
    expect(Object.fromEntries(new URLSearchParams(alexa.hash.slice(1)))).toEqual({ access_token: 'AT-secret-123', token_type: 'bearer', expires_in: '3600', state: 'alexa-state' });
    expect(c.record.verdicts.map((v) => v.code)).toEqual(['implicit_params_moved_to_fragment']);
    expect(c.record.linkId).toBe(a.record.linkId);
    expect(JSON.stringify(c.record)).not.toContain('AT-secret-123');
  });
});
