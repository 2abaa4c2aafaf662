/**
 * checkAlexaRedirectUri layer by layer (issue 10: removing the userinfo check or the query/fragment
 * check survived mutation, because every hostile URI in open-redirect.test.ts was also caught by
 * another layer). Each URI here is in canonical form and breaks exactly one rule, so each layer is
 * pinned on its own, by its reason.
 */
import { describe, expect, it } from 'vitest';
import { ALEXA_REDIRECT_HOSTS, checkAlexaRedirectUri } from '../../lambda/core/authorize/redirect-uri';

const BASE = 'https://layla.amazon.com/api/skill/link/';
const GOOD = `${BASE}M2TESTVENDOR`;

describe('one layer each (RFC 6749 §10.15: no open redirector)', () => {
  it.each([
    ['a username only (userinfo)', 'https://evil@layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri must not contain user information'],
    ['a password only (userinfo)', 'https://:pw@layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri must not contain user information'],
    ['user and password', 'https://a:b@layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri must not contain user information'],
    ['a query', `${GOOD}?next=x`, 'redirect_uri must not carry a query'],
    ['an empty query', `${GOOD}?`, 'redirect_uri must not carry a query'],
    ['a fragment', `${GOOD}#x`, 'redirect_uri must not carry a fragment'],
    ['an empty fragment', `${GOOD}#`, 'redirect_uri must not carry a fragment'],
    ['a port', 'https://layla.amazon.com:8443/api/skill/link/M2TESTVENDOR', 'redirect_uri must not name a port'],
    ['plain http', 'http://layla.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri must use https'],
    ['another path', `${BASE}M2TESTVENDOR/x`, 'redirect_uri path must be /api/skill/link/<vendorId>'],
    ['a non-alphanumeric vendor id', `${BASE}M2-TEST`, 'the vendor id in redirect_uri must be alphanumeric'],
    ['an empty vendor id', BASE, 'the vendor id in redirect_uri must be alphanumeric'],
    ['a relative URL', '/api/skill/link/M2TESTVENDOR', 'redirect_uri is not an absolute URL'],
    ['a non-canonical spelling', 'https://LAYLA.amazon.com/api/skill/link/M2TESTVENDOR', 'redirect_uri is not in canonical form (case, encoding, dots, port or separators differ from how Alexa sends it)'],
  ])('%s is refused for exactly that reason', (_what, uri, reason) => {
    expect(checkAlexaRedirectUri(uri)).toEqual({ ok: false, code: 'redirect_uri_not_alexa', reason });
  });

  it('a host outside the list names the allowed hosts (exact match, extra hosts included)', () => {
    expect(checkAlexaRedirectUri('https://evil.example/api/skill/link/M2TESTVENDOR')).toEqual({
      ok: false,
      code: 'redirect_uri_not_alexa',
      reason: "redirect_uri host is not one of Alexa's (pitangui.amazon.com, layla.amazon.com, alexa.amazon.co.jp)",
    });
    expect(checkAlexaRedirectUri('https://evil.example/api/skill/link/X', { extraHosts: ['a.example'] })).toMatchObject({ reason: expect.stringContaining('alexa.amazon.co.jp, a.example)') });
    expect(ALEXA_REDIRECT_HOSTS).toEqual(['pitangui.amazon.com', 'layla.amazon.com', 'alexa.amazon.co.jp']);
  });

  it('missing or empty: refused as missing', () => {
    for (const raw of [undefined, '']) expect(checkAlexaRedirectUri(raw)).toEqual({ ok: false, code: 'redirect_uri_not_alexa', reason: 'redirect_uri is missing' });
  });

  it('length: 512 characters are considered, 513 are not', () => {
    const at = (n: number) => `${BASE}${'A'.repeat(n - BASE.length)}`;
    expect(at(512)).toHaveLength(512);
    expect(checkAlexaRedirectUri(at(512))).toMatchObject({ ok: true });
    expect(checkAlexaRedirectUri(at(513))).toEqual({ ok: false, code: 'redirect_uri_not_alexa', reason: 'redirect_uri is longer than 512 characters' });
  });

  it('a pinned vendor id must match exactly; unpinned, any alphanumeric one passes', () => {
    expect(checkAlexaRedirectUri(GOOD, { vendorId: 'M2TESTVENDOR' })).toEqual({ ok: true, uri: GOOD, host: 'layla.amazon.com', vendorId: 'M2TESTVENDOR' });
    expect(checkAlexaRedirectUri(GOOD, { vendorId: 'M2OTHER' })).toEqual({
      ok: false,
      code: 'vendor_id_mismatch',
      reason: 'redirect_uri names another vendor id than the one this adapter is pinned to (config vendorId)',
    });
    expect(checkAlexaRedirectUri(`${BASE}abc123`)).toMatchObject({ ok: true, vendorId: 'abc123' });
  });
});
