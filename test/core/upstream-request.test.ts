import { describe, expect, it } from 'vitest';
import { extendProfile } from '../../lambda/core/profiles/extend';
import { generic } from '../../lambda/core/profiles/generic';
import { github } from '../../lambda/core/profiles/github';
import { google } from '../../lambda/core/profiles/google';
import type { TokenRequest } from '../../lambda/core/token-request';
import { buildUpstreamRequest } from '../../lambda/core/upstream-request';
import { decodeBasic } from '../support/fake-server';

const URL_ = 'https://provider.example/oauth/token';
const REDIRECT = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

function codeRequest(scheme: 'basic' | 'body', extra: Partial<TokenRequest> = {}): TokenRequest {
  return {
    grantType: 'authorization_code',
    params: new Map([
      ['code', 'c/1+2'],
      ['redirect_uri', REDIRECT],
      ['code_verifier', 'verifier-123'],
    ]),
    dropped: [],
    credentials: { clientId: 'alexa id', clientSecret: 'se:cr+et/é' },
    scheme,
    ...extra,
  };
}

const formOf = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body ?? ''));

describe('buildUpstreamRequest', () => {
  it('as_received keeps Basic as Basic; without Alexa\'s own token it builds the header form-encoded (RFC 6749 §2.3.1)', () => {
    const up = buildUpstreamRequest(generic, URL_, codeRequest('basic'));
    expect(up.clientAuth).toBe('basic');
    expect(up.method).toBe('POST');
    expect(up.url).toBe(URL_);
    expect(decodeBasic(up.headers['authorization'])).toEqual({ clientId: 'alexa id', clientSecret: 'se:cr+et/é' });
    const raw = Buffer.from(up.headers['authorization']!.slice(6), 'base64').toString('utf8');
    expect(raw).toBe('alexa+id:se%3Acr%2Bet%2F%C3%A9');
    const body = formOf(up.body);
    expect(body).toEqual({ grant_type: 'authorization_code', code: 'c/1+2', redirect_uri: REDIRECT, code_verifier: 'verifier-123' });
    expect(body).not.toHaveProperty('client_secret');
    expect(up.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('as_received keeps body credentials in the body', () => {
    const up = buildUpstreamRequest(generic, URL_, codeRequest('body'));
    expect(up.clientAuth).toBe('body');
    expect(up.headers).not.toHaveProperty('authorization');
    expect(formOf(up.body)).toMatchObject({ client_id: 'alexa id', client_secret: 'se:cr+et/é', code: 'c/1+2' });
  });

  it('as_received forwards a public client as client_id only', () => {
    const up = buildUpstreamRequest(generic, URL_, codeRequest('body', { credentials: { clientId: 'pub' } }));
    expect(up.clientAuth).toBe('none');
    expect(formOf(up.body)).toMatchObject({ client_id: 'pub' });
    expect(formOf(up.body)).not.toHaveProperty('client_secret');
  });

  it('client_secret_basic turns Alexa body credentials into Basic', () => {
    const profile = extendProfile(generic, { id: 'b', displayName: 'B', tokenRequest: { clientAuth: { method: 'client_secret_basic' } } });
    const up = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(up.clientAuth).toBe('basic');
    expect(decodeBasic(up.headers['authorization'])).toEqual({ clientId: 'alexa id', clientSecret: 'se:cr+et/é' });
    expect(formOf(up.body)).not.toHaveProperty('client_id');
  });

  it("Alexa's Basic header goes up byte for byte when the provider takes Basic too (as_received and client_secret_basic)", () => {
    // Unencoded on the wire (`+`, `/`, `=` raw): decoding and re-encoding would change it.
    const token = Buffer.from('alexa-id:Sx~9+ab/cd=ef', 'utf8').toString('base64');
    const basicProfile = extendProfile(generic, { id: 'b', displayName: 'B', tokenRequest: { clientAuth: { method: 'client_secret_basic', encoding: 'raw' } } });
    for (const profile of [generic, basicProfile]) {
      const up = buildUpstreamRequest(profile, URL_, codeRequest('basic', { credentials: { clientId: 'alexa-id', clientSecret: 'Sx~9 ab/cd=ef' }, basicToken: token }));
      expect(up.headers['authorization']).toBe(`Basic ${token}`);
      expect(up).toMatchObject({ clientAuth: 'basic', basicEncoding: 'forwarded' });
      expect(up).not.toHaveProperty('basicEncodingMattered');
    }
  });

  it('client_secret_basic from body credentials: form-encoded by default (RFC 6749 §2.3.1), and says when that changed the bytes', () => {
    const profile = extendProfile(generic, { id: 'b', displayName: 'B', tokenRequest: { clientAuth: { method: 'client_secret_basic' } } });
    const changed = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(Buffer.from(changed.headers['authorization']!.slice(6), 'base64').toString('utf8')).toBe('alexa+id:se%3Acr%2Bet%2F%C3%A9');
    expect(changed).toMatchObject({ basicEncoding: 'form', basicEncodingMattered: true });
    // Only the secret needs encoding, or only the id: either one counts.
    expect(buildUpstreamRequest(profile, URL_, codeRequest('body', { credentials: { clientId: 'plain-id', clientSecret: 'a+b' } }))).toMatchObject({ basicEncodingMattered: true });
    expect(buildUpstreamRequest(profile, URL_, codeRequest('body', { credentials: { clientId: 'an id', clientSecret: 'ab' } }))).toMatchObject({ basicEncodingMattered: true });
    // `*-._` and alphanumerics are the same in both encodings.
    const same = buildUpstreamRequest(profile, URL_, codeRequest('body', { credentials: { clientId: 'id-1.x_*', clientSecret: 'AZaz09-._*' } }));
    expect(same.basicEncoding).toBe('form');
    expect(same).not.toHaveProperty('basicEncodingMattered');
  });

  it('client_secret_basic with encoding raw sends id and secret unencoded, except an id with ":" (RFC 7617 §2)', () => {
    const profile = extendProfile(generic, { id: 'b', displayName: 'B', tokenRequest: { clientAuth: { method: 'client_secret_basic', encoding: 'raw' } } });
    const raw = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(Buffer.from(raw.headers['authorization']!.slice(6), 'base64').toString('utf8')).toBe('alexa id:se:cr+et/é');
    expect(raw.basicEncoding).toBe('raw');
    expect(raw).not.toHaveProperty('basicEncodingMattered');
    const colon = buildUpstreamRequest(profile, URL_, codeRequest('body', { credentials: { clientId: 'urn:id', clientSecret: 's' } }));
    expect(Buffer.from(colon.headers['authorization']!.slice(6), 'base64').toString('utf8')).toBe('urn%3Aid:s');
    expect(colon.basicEncoding).toBe('form');
  });

  it('client_secret_post (GitHub) moves Alexa Basic credentials into the body and asks for JSON', () => {
    const up = buildUpstreamRequest(github, URL_, codeRequest('basic'));
    expect(up.clientAuth).toBe('body');
    expect(up.headers).not.toHaveProperty('authorization');
    expect(up.headers['accept']).toBe('application/json');
    expect(formOf(up.body)).toMatchObject({ client_id: 'alexa id', client_secret: 'se:cr+et/é' });
  });

  it('client_secret_post with custom parameter names', () => {
    const profile = extendProfile(generic, { id: 'c', displayName: 'C', tokenRequest: { clientAuth: { method: 'client_secret_post', idParam: 'client_key', secretParam: 'secret' } } });
    const body = formOf(buildUpstreamRequest(profile, URL_, codeRequest('basic')).body);
    expect(body).toMatchObject({ client_key: 'alexa id', secret: 'se:cr+et/é' });
    expect(body).not.toHaveProperty('client_id');
    expect(body).not.toHaveProperty('client_secret');
  });

  it('method none sends only the id, under its custom name', () => {
    const profile = extendProfile(generic, { id: 'n', displayName: 'N', tokenRequest: { clientAuth: { method: 'none', idParam: 'app_id' } } });
    const up = buildUpstreamRequest(profile, URL_, codeRequest('basic'));
    expect(up.clientAuth).toBe('none');
    expect(up.headers).not.toHaveProperty('authorization');
    expect(formOf(up.body)).toMatchObject({ app_id: 'alexa id' });
    expect(up.body).not.toContain('se%3Acr');
  });

  it('json encoding sends a JSON object with the same parameters', () => {
    const profile = extendProfile(generic, { id: 'j', displayName: 'J', tokenRequest: { bodyEncoding: 'json' } });
    const up = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(up.headers['content-type']).toBe('application/json');
    expect(JSON.parse(up.body!)).toEqual({ grant_type: 'authorization_code', code: 'c/1+2', redirect_uri: REDIRECT, code_verifier: 'verifier-123', client_id: 'alexa id', client_secret: 'se:cr+et/é' });
  });

  it('query encoding puts parameters in the URL (keeping the URL\'s own query) and sends no body', () => {
    const profile = extendProfile(generic, { id: 'q', displayName: 'Q', tokenRequest: { bodyEncoding: 'query' } });
    const up = buildUpstreamRequest(profile, `${URL_}?tenant=t1`, codeRequest('body'));
    const u = new URL(up.url);
    expect(u.searchParams.get('tenant')).toBe('t1');
    expect(u.searchParams.get('code')).toBe('c/1+2');
    expect(u.searchParams.get('grant_type')).toBe('authorization_code');
    expect(up.body).toBeUndefined();
    expect(up.headers).not.toHaveProperty('content-type');
    expect(up.method).toBe('POST');
  });

  it('GET sends the parameters in the query', () => {
    const profile = extendProfile(generic, { id: 'g', displayName: 'G', tokenRequest: { method: 'GET' } });
    const up = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(up.method).toBe('GET');
    expect(new URL(up.url).searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(up.body).toBeUndefined();
  });

  it('adds constant extra parameters and headers', () => {
    const profile = extendProfile(generic, { id: 'w', displayName: 'W', tokenRequest: { extraParams: { action: 'requesttoken' }, headers: { 'x-api-version': '2' } } });
    const up = buildUpstreamRequest(profile, URL_, codeRequest('body'));
    expect(formOf(up.body)['action']).toBe('requesttoken');
    expect(up.headers['x-api-version']).toBe('2');
    expect(up.headers['user-agent']).toBe('alexa-link-adapter');
  });

  it('forwards redirect_uri by default and drops it when the profile says so', () => {
    expect(formOf(buildUpstreamRequest(google, URL_, codeRequest('body')).body)['redirect_uri']).toBe(REDIRECT);
    const profile = extendProfile(generic, { id: 'r', displayName: 'R', tokenRequest: { sendRedirectUri: false } });
    expect(formOf(buildUpstreamRequest(profile, URL_, codeRequest('body')).body)).not.toHaveProperty('redirect_uri');
  });

  it('builds a refresh request with grant_type first', () => {
    const up = buildUpstreamRequest(generic, URL_, {
      grantType: 'refresh_token',
      params: new Map([['refresh_token', 'rt 1']]),
      dropped: [],
      credentials: { clientId: 'a', clientSecret: 'b' },
      scheme: 'body',
    });
    expect(up.body).toBe('grant_type=refresh_token&refresh_token=rt+1&client_id=a&client_secret=b');
  });
});
