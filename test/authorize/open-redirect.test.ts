/**
 * The open-redirect suite: every redirect_uri that is not exactly one of Alexa's redirect URLs is
 * refused with a 400 HTML page (never a redirect) and one record naming why — through the real
 * handler behind the API Gateway stand-in, and directly against the checker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { checkAlexaRedirectUri } from '../../lambda/core/authorize/redirect-uri';
import type { AuthorizeRecord } from '../../lambda/core/authorize/record';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';

const GOOD = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

/** [label, redirect_uri, expected verdict]. */
export const REJECTED: readonly [string, string, string][] = [
  ['other host', 'https://evil.example/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['userinfo trick', 'https://pitangui.amazon.com@evil.example/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['userinfo on Alexa host', 'https://user:pw@layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['backslash host separator', 'https://layla.amazon.com\\@evil.example/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['backslash in path', 'https://layla.amazon.com/api\\skill\\link\\M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['percent-encoded dot in host', 'https://layla%2Eamazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['percent-encoded slash in path', 'https://layla.amazon.com/api%2Fskill%2Flink%2FM2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['percent-encoded vendor id', 'https://layla.amazon.com/api/skill/link/%4D2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['double-encoded slash', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR%252F..%252Fevil', 'redirect_uri_not_alexa'],
  ['encoded dot segment', 'https://layla.amazon.com/api/skill/link/%2E%2E/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['explicit port 443', 'https://layla.amazon.com:443/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['explicit port 8443', 'https://layla.amazon.com:8443/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['http scheme', 'http://layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['scheme upper case', 'HTTPS://layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['javascript scheme', 'javascript:alert(1)//layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['trailing dot host', 'https://layla.amazon.com./api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['mixed-case host', 'https://Layla.Amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['mixed-case path', 'https://layla.amazon.com/API/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['suffix host', 'https://layla.amazon.com.evil.example/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['prefix host', 'https://evillayla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['subdomain of Alexa host', 'https://x.layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['amazon.com itself', 'https://amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['not configured skills-store', 'https://skills-store.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['path traversal', 'https://layla.amazon.com/api/skill/link/../../../evil', 'redirect_uri_not_alexa'],
  ['dot segment', 'https://layla.amazon.com/api/skill/./link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['extra path segment', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR/evil', 'redirect_uri_not_alexa'],
  ['trailing slash', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR/', 'redirect_uri_not_alexa'],
  ['double slash', 'https://layla.amazon.com//api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['other path', 'https://layla.amazon.com/spa/skill/account-linking-status.html', 'redirect_uri_not_alexa'],
  ['empty vendor id', 'https://layla.amazon.com/api/skill/link/', 'redirect_uri_not_alexa'],
  ['non-alphanumeric vendor id', 'https://layla.amazon.com/api/skill/link/M2-TEST_VENDOR', 'redirect_uri_not_alexa'],
  ['fragment', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR#x', 'redirect_uri_not_alexa'],
  ['empty fragment', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR#', 'redirect_uri_not_alexa'],
  ['extra query', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR?next=https://evil.example', 'redirect_uri_not_alexa'],
  ['empty query', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR?', 'redirect_uri_not_alexa'],
  ['protocol-relative', '//layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['relative path', '/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['leading space', ' https://layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['trailing space', 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR ', 'redirect_uri_not_alexa'],
  ['tab inside', 'https://layla.amazon.com/api/skill/\tlink/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['newline inside', 'https://layla.amazon.com/api/skill/link/M2TEST\nVENDOR', 'redirect_uri_not_alexa'],
  ['IDN lookalike host', 'https://lаyla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['fullwidth dot host', 'https://layla．amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['IP address host', 'https://52.94.236.248/api/skill/link/M2TESTVENDOR', 'redirect_uri_not_alexa'],
  ['data URL', 'data:text/html,<script>alert(1)</script>', 'redirect_uri_not_alexa'],
  ['empty', '', 'redirect_uri_not_alexa'],
  ['very long', `https://layla.amazon.com/api/skill/link/${'A'.repeat(600)}`, 'redirect_uri_not_alexa'],
  ['other vendor id (pinned)', 'https://layla.amazon.com/api/skill/link/M2OTHERVENDOR', 'vendor_id_mismatch'],
  ['vendor id differs in case (pinned)', 'https://layla.amazon.com/api/skill/link/m2testvendor', 'vendor_id_mismatch'],
];

const POLICY = { vendorId: 'M2TESTVENDOR' };

describe('checkAlexaRedirectUri', () => {
  it.each(REJECTED)('rejects %s', (_label, uri, code) => {
    const r = checkAlexaRedirectUri(uri, POLICY);
    expect(r).toMatchObject({ ok: false, code });
  });

  it.each([
    ['pitangui (NA)', 'https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR'],
    ['layla (EU)', GOOD],
    ['alexa.amazon.co.jp (FE)', 'https://alexa.amazon.co.jp/api/skill/link/M2TESTVENDOR'],
  ])('accepts %s', (_label, uri) => {
    expect(checkAlexaRedirectUri(uri, POLICY)).toEqual({ ok: true, uri, host: new URL(uri).hostname, vendorId: 'M2TESTVENDOR' });
  });

  it('accepts configured extra hosts exactly, and any vendor id when none is pinned', () => {
    expect(checkAlexaRedirectUri('https://skills-store.amazon.com/api/skill/link/ABC123', { extraHosts: ['skills-store.amazon.com'] })).toMatchObject({ ok: true, vendorId: 'ABC123' });
    expect(checkAlexaRedirectUri('https://x.skills-store.amazon.com/api/skill/link/ABC123', { extraHosts: ['skills-store.amazon.com'] })).toMatchObject({ ok: false });
  });
});

describe('GET /authorize refuses each variant with a 400 page, never a redirect', () => {
  let adapter: RunningServer;
  const records: AuthorizeRecord[] = [];
  beforeAll(async () => {
    const config = parseRuntimeConfig(
      { provider: 'generic', tokenUrl: 'http://127.0.0.1:9/token', authorizeUrl: 'http://127.0.0.1:9/authorize', mode: 'interception', vendorId: 'M2TESTVENDOR' },
      'test',
    );
    adapter = await startLocalAdapter({ config, log: (r) => records.push(r as AuthorizeRecord) });
  });
  afterAll(async () => adapter?.close());

  it(`has at least 30 variants (${REJECTED.length})`, () => {
    expect(REJECTED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(REJECTED)('%s', async (_label, uri, code) => {
    records.length = 0;
    const q = new URLSearchParams({ client_id: 'alexa-client', response_type: 'code', state: 'alexa-state', scope: 'profile', redirect_uri: uri });
    const res = await fetch(`${adapter.url}/authorize?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<h1>Account linking could not start</h1>');
    expect(html).not.toMatch(/<script/i);
    // Nothing of the attacker's URL is echoed unescaped.
    if (uri.includes('<')) expect(html).not.toContain(uri);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ route: 'GET /authorize', outcome: 'rejected', response: { status: 400, kind: 'page' } });
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual([code]);
    // The page's reference is the record's link id (what the account holder sends the developer).
    expect(records[0]!.linkId).toMatch(/^lk_[A-Za-z0-9_-]{12}$/);
    expect(html).toContain(`<code>${records[0]!.linkId}</code>`);
  });

  it('a repeated redirect_uri (first one valid) is refused too', async () => {
    records.length = 0;
    const res = await fetch(`${adapter.url}/authorize?client_id=a&response_type=code&state=s&redirect_uri=${encodeURIComponent(GOOD)}&redirect_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['redirect_uri_not_alexa']);
  });

  it('a malformed query string is a page, not a redirect', async () => {
    records.length = 0;
    const res = await fetch(`${adapter.url}/authorize?client_id=a&redirect_uri=${encodeURIComponent(GOOD)}&state=%ZZ`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['authorize_invalid_request']);
  });
});
