/**
 * The provider library's conformance suite: for every built-in profile, a fake token endpoint that
 * behaves as the provider documents it (behaviours.ts), and Alexa's exchanges through the local
 * adapter: code exchange, refresh, reuse of a single-use refresh token, and each documented error.
 * Alexa must always receive an RFC 6749 §5.1 answer or a §5.2 error, the upstream request must have
 * the provider's shape, and the one record per request must name the quirk that was handled.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { RFC6749_TOKEN_ERRORS } from '../../lambda/core/oauth-error';
import { BUILT_IN_PROFILES } from '../../lambda/core/profiles';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, tokenHeadersOf, verdictCodes, type TokenAnswer } from '../support/fake-alexa';
import { BEHAVIOURS, type ErrorCase, type Marks, type ProviderBehaviour } from './behaviours';
import { GOOD_CODE, startFakeProvider, type FakeProvider } from './fake-provider';
import { readBack } from '../support/read-back';

const SECRET = 'alexa-s3cret+/=';
const VERIFIER = 'v'.repeat(64);
const APPLE = { teamId: 'TEAM123456', keyId: 'KEY1234567' };
const appleKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function expectSpecSuccess(res: TokenAnswer): void {
  // RFC 6749 §5.1: 200, JSON, no-store, Bearer, numeric expires_in when present.
  expect(res.status).toBe(200);
  expect(tokenHeadersOf(res.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
  expect(typeof res.json.access_token).toBe('string');
  expect(res.json.token_type).toBe('Bearer');
  if ('expires_in' in res.json) expect(Number.isInteger(res.json.expires_in)).toBe(true);
  expect(res.json).not.toHaveProperty('error');
}

function expectSpecError(res: TokenAnswer, want: { status: number; error: string }): void {
  // RFC 6749 §5.2: 400 (401 for invalid_client), JSON with an RFC error code.
  expect({ status: res.status, error: res.json.error }).toEqual({ status: want.status, error: want.error });
  expect(RFC6749_TOKEN_ERRORS.has(String(res.json.error))).toBe(true);
  expect(tokenHeadersOf(res.headers).contentType).toBe('application/json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.json).not.toHaveProperty('access_token');
  if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
}

function expectMarks(record: ExchangeRecord, marks: Marks): void {
  for (const t of marks.translated ?? []) expect(record.translated).toContain(t);
  for (const v of marks.verdicts ?? []) expect(verdictCodes(record)).toContain(v);
  if (marks.message) expect(record.verdicts.map((v) => v.message).join('\n')).toContain(marks.message);
}

it('every built-in profile has a behaviour row, and every row a built-in profile', () => {
  expect(BEHAVIOURS.map((b) => b.profile).sort()).toEqual(Object.keys(BUILT_IN_PROFILES).sort());
});

describe.each(BEHAVIOURS.map((b) => [b.profile, b] as const))('%s', (_id, b: ProviderBehaviour) => {
  const clientId = b.clientId ?? `client-${b.profile}`;
  let provider: FakeProvider;
  let adapter: RunningServer;
  const records: ExchangeRecord[] = [];

  beforeAll(async () => {
    provider = await startFakeProvider(b, { clientId, clientSecret: SECRET }, {
      publicKeyPem: appleKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ...APPLE,
    });
    const apple = b.auth === 'apple_jwt'
      ? { appleTeamId: APPLE.teamId, appleKeyId: APPLE.keyId, applePrivateKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:apple-key-AbCdEf' }
      : {};
    adapter = await startLocalAdapter({
      config: parseRuntimeConfig({ provider: b.profile, tokenUrl: provider.tokenUrl, ...apple }, 'conformance'),
      log: (r) => records.push(readBack<ExchangeRecord>(r)),
      applePrivateKey: async () => appleKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  });
  afterAll(async () => {
    await adapter?.close();
    await provider?.close();
  });

  /** One Alexa request (HTTP Basic, as the console recommends) and the one record it produced. */
  async function alexa(params: Record<string, string>, who: { clientId: string; clientSecret: string } = { clientId, clientSecret: SECRET }) {
    const before = records.length;
    const res = await alexaTokenRequest(adapter.url, { scheme: 'basic', ...who, params });
    expect(records).toHaveLength(before + 1);
    const record = records.at(-1)!;
    expect(record).toMatchObject({ type: 'alexa-link-adapter.exchange', v: 2, provider: b.profile, route: 'POST /token' });
    return { res, record };
  }
  const codeParams = (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: VERIFIER });

  function expectErrorCase(res: TokenAnswer, record: ExchangeRecord, e: ErrorCase): void {
    expectSpecError(res, e.expect);
    expect(record.outcome).toBe('provider_error');
    expect(record.response).toMatchObject({ status: e.expect.status, error: e.expect.error });
    expect(record.upstream.status).toBe(e.status);
    expectMarks(record, e.expect);
  }

  let firstRefreshToken: string | undefined;

  it('code exchange: Alexa gets an RFC 6749 §5.1 answer; the upstream request has the provider\'s shape', async () => {
    const { res, record } = await alexa(codeParams(GOOD_CODE));
    expectSpecSuccess(res);
    expect(res.json.access_token).toBe(`at-${b.profile}-1`);
    if (b.code.expect.expiresIn !== undefined) expect(res.json.expires_in).toBe(b.code.expect.expiresIn);
    else expect(res.json).not.toHaveProperty('expires_in');
    if (b.code.expect.refreshToken) {
      expect(res.json.refresh_token).toBe(`rt-${b.profile}-1`);
      firstRefreshToken = res.json.refresh_token as string;
    } else {
      expect(res.json).not.toHaveProperty('refresh_token');
    }
    expect(record.outcome).toBe('success');
    expectMarks(record, b.code.expect);

    // The request the provider received.
    const up = provider.last();
    expect(up.bodyEncoding).toBe(b.encoding);
    expect(up.headers['content-type']).toMatch(b.encoding === 'json' ? /^application\/json/ : /^application\/x-www-form-urlencoded/);
    expect(up.headers['accept']).toBe('application/json');
    expect(up.body).toMatchObject({ grant_type: 'authorization_code', code: GOOD_CODE, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: VERIFIER, ...b.extraParams });
    const upstreamAuth = { basic: 'basic', body: 'body', none: 'none', apple_jwt: 'body' }[b.auth];
    expect(record.upstream.clientAuth).toBe(upstreamAuth);
    if (b.auth === 'basic') {
      expect(up.basic).toEqual({ clientId, clientSecret: SECRET });
      expect(up.body).not.toHaveProperty('client_secret');
    } else {
      expect(up.headers['authorization']).toBeUndefined();
      expect(up.body['client_id']).toBe(clientId);
    }
    if (b.auth === 'body') expect(up.body['client_secret']).toBe(SECRET);
    if (b.auth === 'none') expect(up.body).not.toHaveProperty('client_secret');
    if (b.auth === 'apple_jwt') {
      // Alexa's secret is replaced by a JWT the fake verified with jose and the public key.
      expect(up.body['client_secret']).not.toBe(SECRET);
      const claims = provider.lastAppleClaims!;
      expect(claims).toMatchObject({ iss: APPLE.teamId, sub: clientId, aud: 'https://appleid.apple.com', kid: APPLE.keyId });
      expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(15_777_000);
    }
  });

  if (b.refresh) it('refresh: Alexa gets a §5.1 answer and keeps a working refresh token', async () => {
    const r = b.refresh!;
    expect(firstRefreshToken).toBeDefined();
    const { res, record } = await alexa({ grant_type: 'refresh_token', refresh_token: firstRefreshToken! });
    expectSpecSuccess(res);
    expect(res.json.access_token).toBe(`at-${b.profile}-2`);
    const expected = r.expect.refreshToken === 'rotated' ? `rt-${b.profile}-2` : firstRefreshToken;
    expect(res.json.refresh_token).toBe(expected);
    expect(provider.validRefreshTokens.has(res.json.refresh_token as string)).toBe(true);
    expect(provider.last().body).toMatchObject({ grant_type: 'refresh_token', refresh_token: firstRefreshToken, ...b.extraParams });
    expect(record.outcome).toBe('success');
    expectMarks(record, r.expect);
  });

  if (b.refresh?.rotation === 'single_use') it('single-use refresh token: the old one is rejected afterwards (§5.2 invalid_grant)', async () => {
    const { res, record } = await alexa({ grant_type: 'refresh_token', refresh_token: firstRefreshToken! });
    expectErrorCase(res, record, b.badRefresh!);
  });

  if (b.badRefresh) it('unknown refresh token → §5.2 error', async () => {
    const { res, record } = await alexa({ grant_type: 'refresh_token', refresh_token: 'never-issued' });
    expectErrorCase(res, record, b.badRefresh!);
  });

  it('invalid or reused code → §5.2 error', async () => {
    const { res, record } = await alexa(codeParams(GOOD_CODE)); // already used above
    expectErrorCase(res, record, b.badCode);
  });

  it('wrong client → §5.2 error', async () => {
    const { res, record } = await alexa(codeParams('any-code'), { clientId: 'wrong-client', clientSecret: 'wrong-secret' });
    expectErrorCase(res, record, b.badClient);
  });

  for (const [code, c] of Object.entries(b.more ?? {})) {
    it(`documented answer "${code}"`, async () => {
      const { res, record } = await alexa(codeParams(code));
      if ('body' in c) {
        expectErrorCase(res, record, c);
      } else {
        expectSpecSuccess(res);
        // expires_at is absolute: allow the seconds that passed since the fake computed it.
        if (c.expect.expiresIn !== undefined) expect(Math.abs((res.json.expires_in as number) - c.expect.expiresIn)).toBeLessThanOrEqual(2);
        expectMarks(record, c.expect);
      }
    });
  }
});
