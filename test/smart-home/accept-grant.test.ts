/**
 * AcceptGrant end to end on real parts: the token route (local adapter + demo provider) issues the
 * grantee token and records the mapping in DynamoDB Local; the smart-home core exchanges the grant
 * code at the LWA fake and stores the tokens; every answer obeys the message schema's rules.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { fingerprint } from '../../lambda/core/fingerprint';
import { recordGrantee, resolveUser } from '../../lambda/core/smart-home/identity';
import { loadTokens } from '../../lambda/core/smart-home/lwa-tokens';
import { MAX_DIRECTIVE_BYTES } from '../../lambda/core/smart-home/messages';
import type { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startDemoProvider, type DemoProvider } from '../../local/demo-provider';
import { startFakeGateway, startFakeLwa, type FakeGateway, type FakeLwa } from '../../local/smart-home-fakes';
import { alexaResponseProblems } from '../support/alexa-response-rules';
import { alexaTokenRequest, ALEXA_REDIRECT_URI } from '../support/fake-alexa';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { acceptGrant, deps, makeStore } from './harness';
import { invokeSmartHome } from '../support/smart-home-handlers';
import { readBack } from '../support/read-back';

const ddb = useDynamoDbLocal();
let store: DynamoDbStateStore & { tableName: string };
let lwa: FakeLwa;
let gateway: FakeGateway;
let demo: DemoProvider;
let adapter: RunningServer;
const tokenRecords: Record<string, unknown>[] = [];

beforeAll(async () => {
  store = await makeStore(ddb());
  lwa = await startFakeLwa();
  gateway = await startFakeGateway(lwa);
  demo = await startDemoProvider({ answerFormat: 'accept' });
  adapter = await startLocalAdapter({
    config: parseRuntimeConfig({ provider: 'github', tokenUrl: demo.tokenUrl, recordGrantees: true }),
    log: (r) => tokenRecords.push(readBack<Record<string, unknown>>(r)),
    store: () => Promise.resolve(store),
  });
});
afterAll(async () => {
  await Promise.all([lwa?.close(), gateway?.close(), demo?.close(), adapter?.close()]);
});

async function linkThroughTokenRoute(): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await alexaTokenRequest(adapter.url, {
    scheme: 'basic',
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    params: { grant_type: 'authorization_code', code: demo.mintCode({ redirectUri: ALEXA_REDIRECT_URI }), redirect_uri: ALEXA_REDIRECT_URI },
  });
  expect(res.status).toBe(200);
  return { accessToken: res.json.access_token as string, refreshToken: res.json.refresh_token as string };
}

async function scanCount(): Promise<number> {
  const out = await ddb().client().send(new ScanCommand({ TableName: store.tableName }));
  return out.Count ?? 0;
}

describe('AcceptGrant', () => {
  it('exchanges the grant at LWA, stores the tokens for the user the token route recorded, answers AcceptGrant.Response', async () => {
    const { accessToken } = await linkThroughTokenRoute();
    const { deps: d, records } = deps(store, lwa, gateway);
    const before = lwa.counts.authorization_code;
    const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), accessToken), d, { requestId: 'r1' })) as { event: { header: Record<string, string>; payload: object } };
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(answer.event.header.name).toBe('AcceptGrant.Response');
    expect(answer.event.header).not.toHaveProperty('correlationToken');
    expect(answer.event.payload).toEqual({});
    expect(lwa.counts.authorization_code).toBe(before + 1);
    // LWA request as documented: form POST with the Alexa Client Id/Secret in the body (checked by the fake).
    const userKey = await resolveUser(store, accessToken);
    expect(userKey).toBeDefined();
    const loaded = await loadTokens(store, userKey!);
    expect(loaded.state).toBe('active');
    if (loaded.state === 'active') {
      expect(loaded.tokens.accessToken).toMatch(/^Atza\|/);
      expect(loaded.tokens.region).toBe('EU');
    }
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    expect(rec).toMatchObject({ type: 'alexa-link-adapter.exchange', v: 2, route: 'AcceptGrant', outcome: 'success', granteeTokenFp: fingerprint(accessToken) });
    expect(rec.verdicts.map((v) => v.code)).toEqual(['accept_grant_ok']);
    expect(rec.lwa).toMatchObject({ grantType: 'authorization_code', status: 200, outcome: 'answered' });
    // Timeline: the grantee fingerprint is the token record's accessTokenFp.
    expect(tokenRecords.some((t) => (t.tokens as { accessTokenFp?: string }).accessTokenFp === rec.granteeTokenFp)).toBe(true);
  });

  it('echoes a correlationToken when Alexa sends one', async () => {
    const { accessToken } = await linkThroughTokenRoute();
    const { deps: d } = deps(store, lwa, gateway);
    const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), accessToken, { correlationToken: 'dGhpcyBpcyBhIHRva2Vu' }), d, { requestId: 'r' })) as { event: { header: Record<string, string> } };
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(answer.event.header.correlationToken).toBe('dGhpcyBpcyBhIHRva2Vu');
  });

  it('keeps the same user across a token refresh (refresh-token lineage)', async () => {
    const { accessToken, refreshToken } = await linkThroughTokenRoute();
    const res = await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'refresh_token', refresh_token: refreshToken } });
    expect(res.status).toBe(200);
    const refreshed = res.json.access_token as string;
    expect(refreshed).not.toBe(accessToken);
    expect(await resolveUser(store, refreshed)).toBe(await resolveUser(store, accessToken));
  });

  const failures: [string, (l: FakeLwa) => void, string, string][] = [
    ['a used or expired code', () => undefined, 'accept_grant_lwa_invalid_grant', 'provider_error'],
    ['LWA 5xx', (l) => (l.mode = '5xx'), 'accept_grant_lwa_unavailable', 'upstream_error'],
    ['LWA answering HTML', (l) => (l.mode = 'html'), 'accept_grant_lwa_unavailable', 'upstream_error'],
  ];
  for (const [what, setup, code, outcome] of failures) {
    it(`${what} → ACCEPT_GRANT_FAILED, ${code}, no tokens written`, async () => {
      const { accessToken } = await linkThroughTokenRoute();
      const { deps: d, records } = deps(store, lwa, gateway);
      setup(lwa);
      try {
        const answer = (await invokeSmartHome(acceptGrant('ANcode-not-issued', accessToken), d, { requestId: 'r' })) as { event: { header: Record<string, string>; payload: Record<string, string> } };
        expect(alexaResponseProblems(answer)).toEqual([]);
        expect(answer.event.header).toMatchObject({ namespace: 'Alexa.Authorization', name: 'ErrorResponse' });
        expect(answer.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
        expect(records).toHaveLength(1);
        expect(records[0]!.verdicts.map((v) => v.code)).toEqual([code]);
        expect(records[0]!.outcome).toBe(outcome);
        expect((await loadTokens(store, (await resolveUser(store, accessToken))!)).state).toBe('absent');
      } finally {
        lwa.mode = 'normal';
      }
    });
  }

  it('LWA hanging → ACCEPT_GRANT_FAILED within the budget, accept_grant_lwa_timeout', async () => {
    const { accessToken } = await linkThroughTokenRoute();
    const { deps: d, records } = deps(store, lwa, gateway, {}, 300);
    lwa.mode = 'hang';
    try {
      const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), accessToken), d, { requestId: 'r' })) as { event: { payload: Record<string, string> } };
      expect(alexaResponseProblems(answer)).toEqual([]);
      expect(answer.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
      expect(records[0]!.verdicts[0]!.code).toBe('accept_grant_lwa_timeout');
      expect(records[0]!.lwa?.outcome).toBe('timeout');
    } finally {
      lwa.mode = 'normal';
    }
  });

  it('wrong Alexa Client Secret → accept_grant_lwa_invalid_client naming the Permissions page', async () => {
    const { accessToken } = await linkThroughTokenRoute();
    const { deps: d, records } = deps(store, lwa, gateway, { clientSecret: () => Promise.resolve('the-account-linking-secret') });
    const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), accessToken), d, { requestId: 'r' })) as { event: { payload: Record<string, string> } };
    expect(answer.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
    expect(records[0]!.verdicts[0]!.code).toBe('accept_grant_lwa_invalid_client');
    expect(records[0]!.verdicts[0]!.message).toContain('Permissions page');
    expect(records[0]!.lwa?.status).toBe(401);
  });

  for (const secret of [undefined, '', 'UNSET: put the Alexa Client Secret here (README: Smart home)']) {
    it(`secret ${JSON.stringify(secret)} → accept_grant_secret_missing, LWA not called`, async () => {
      const { accessToken } = await linkThroughTokenRoute();
      const { deps: d, records } = deps(store, lwa, gateway, { clientSecret: () => Promise.resolve(secret) });
      const before = { ...lwa.counts };
      const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), accessToken), d, { requestId: 'r' })) as { event: { payload: Record<string, string> } };
      expect(alexaResponseProblems(answer)).toEqual([]);
      expect(answer.event.payload.message).toMatch(/Client Secret is not configured/);
      expect(records[0]!.verdicts[0]!.code).toBe('accept_grant_secret_missing');
      expect(records[0]!.outcome).toBe('config_error');
      expect(lwa.counts).toEqual(before);
    });
  }

  it('a grantee token this adapter never issued → accept_grant_user_unknown, code not spent', async () => {
    const { deps: d, records } = deps(store, lwa, gateway);
    const before = lwa.counts.authorization_code;
    const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), `unknown-${randomUUID()}`), d, { requestId: 'r' })) as { event: { payload: Record<string, string> } };
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(records[0]!.verdicts[0]!.code).toBe('accept_grant_user_unknown');
    expect(lwa.counts.authorization_code).toBe(before);
  });

  it('recordGrantee never fails the token route when the store is down: it says the write failed', async () => {
    await expect(recordGrantee(() => Promise.reject(new Error('down')), { grantType: 'authorization_code', answerBody: '{"access_token":"x"}' })).resolves.toBe('failed');
    await expect(recordGrantee(undefined, { grantType: 'authorization_code', answerBody: '{"access_token":"x"}' })).resolves.toBeUndefined();
  });
});

describe('malformed directives', () => {
  const base = () => acceptGrant('code', 'token');
  const cases: [string, () => unknown, 'Alexa.Authorization' | 'Alexa', string][] = [
    ['non-JSON text', () => '{not json', 'Alexa', 'directive_malformed'],
    ['null', () => null, 'Alexa', 'directive_malformed'],
    ['no directive', () => ({ foo: 1 }), 'Alexa', 'directive_malformed'],
    ['no header', () => ({ directive: { payload: {} } }), 'Alexa', 'directive_malformed'],
    ['missing messageId', () => { const d = base(); delete (d.directive.header as Partial<typeof d.directive.header>).messageId; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['payloadVersion 2', () => { const d = base(); d.directive.header.payloadVersion = '2'; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['wrong name', () => { const d = base(); d.directive.header.name = 'Grant'; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['missing grant', () => { const d = base(); delete (d.directive.payload as Partial<typeof d.directive.payload>).grant; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['missing grantee', () => { const d = base(); delete (d.directive.payload as Partial<typeof d.directive.payload>).grantee; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['grant.type wrong', () => { const d = base(); d.directive.payload.grant.type = 'Other'; return d; }, 'Alexa.Authorization', 'accept_grant_malformed'],
    ['huge payload', () => { const d = base(); (d.directive.payload as Record<string, unknown>).pad = 'x'.repeat(MAX_DIRECTIVE_BYTES); return d; }, 'Alexa', 'directive_malformed'],
    ['numeric namespace', () => { const d = base(); (d.directive.header as Record<string, unknown>).namespace = 7; return d; }, 'Alexa', 'directive_malformed'],
  ];
  for (const [what, make, ns, code] of cases) {
    it(`${what} → schema-valid ${ns} ErrorResponse, ${code}, nothing written`, async () => {
      const { deps: d, records } = deps(store, lwa, gateway);
      const before = await scanCount();
      const answer = (await invokeSmartHome(make(), d, { requestId: 'r' })) as { event: { header: Record<string, string> } };
      expect(alexaResponseProblems(answer)).toEqual([]);
      expect(answer.event.header.namespace).toBe(ns);
      expect(records).toHaveLength(1);
      expect(records[0]!.verdicts.map((v) => v.code)).toEqual([code]);
      expect(await scanCount()).toBe(before);
    });
  }
});
