/**
 * The Event Gateway sender and the LWA token service on real parts: DynamoDB Local, the LWA and
 * gateway fakes on loopback. Covers the documented gateway answers, the 401 refresh-and-retry, the
 * 5-minute early refresh, N concurrent senders → 1 LWA refresh, and revocation.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lambda/core/fingerprint';
import type { GatewayDeps } from '../../lambda/core/smart-home/event-gateway';
import { recordGrantee, resolveUser } from '../../lambda/core/smart-home/identity';
import { getAccessToken, loadTokens, saveTokens } from '../../lambda/core/smart-home/lwa-tokens';
import type { SmartHomeRecord } from '../../lambda/core/smart-home/records';
import type { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { listen, type RunningServer } from '../../local/adapter';
import { startFakeGateway, startFakeLwa, type FakeGateway, type FakeLwa } from '../../local/smart-home-fakes';
import { alexaResponseProblems } from '../support/alexa-response-rules';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { acceptGrant, changeReport, deps, makeStore } from './harness';
import { invokeEvents, invokeSmartHome } from '../support/smart-home-handlers';

const ddb = useDynamoDbLocal();
let store: DynamoDbStateStore;
let lwa: FakeLwa;
let gateway: FakeGateway;

beforeAll(async () => {
  store = await makeStore(ddb());
  lwa = await startFakeLwa();
  gateway = await startFakeGateway(lwa);
});
afterAll(async () => {
  await Promise.all([lwa?.close(), gateway?.close()]);
});
beforeEach(() => {
  lwa.mode = 'normal';
  gateway.mode = 'normal';
});

let n = 0;
/** A linked user whose AcceptGrant succeeded: returns the grantee token. */
async function linkedUser(): Promise<string> {
  const grantee = `grantee-${++n}-${Date.now()}`;
  await recordGrantee(() => Promise.resolve(store), { grantType: 'authorization_code', answerBody: JSON.stringify({ access_token: grantee, refresh_token: `rt-${grantee}` }) });
  const { deps: d } = deps(store, lwa, gateway);
  const answer = (await invokeSmartHome(acceptGrant(lwa.issueCode(), grantee), d, { requestId: 'ag' })) as { event: { header: { name: string } } };
  expect(answer.event.header.name).toBe('AcceptGrant.Response');
  return grantee;
}

function gw(extra: Partial<GatewayDeps> = {}) {
  const { deps: d, records } = deps(store, lwa, gateway);
  return { g: { config: d.config, store: d.store, clientSecret: d.clientSecret, log: d.log, ...extra } as GatewayDeps, records };
}

const codes = (records: SmartHomeRecord[], route: string) => records.filter((r) => r.route === route).flatMap((r) => r.verdicts.map((v) => v.code));

describe('sendEvent', () => {
  it('posts with Bearer and scope.token filled, 202 → gateway_accepted', async () => {
    const grantee = await linkedUser();
    const { g, records } = gw();
    const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e1');
    expect(result).toMatchObject({ status: 202, accepted: true });
    const sent = gateway.received.at(-1)!;
    const body = sent.body as { event: { endpoint: { scope: { type: string; token: string } } } };
    expect(body.event.endpoint.scope.type).toBe('BearerToken');
    expect(sent.authorization).toBe(`Bearer ${body.event.endpoint.scope.token}`);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ route: 'POST /events', outcome: 'success', granteeTokenFp: fingerprint(grantee), gateway: { attempts: 1, status: 202, region: 'EU', eventName: 'ChangeReport' } });
    expect(codes(records, 'POST /events')).toEqual(['gateway_accepted']);
  });

  it('puts the token in payload.scope when the event has no endpoint (Discovery AddOrUpdateReport)', async () => {
    const grantee = await linkedUser();
    const { g } = gw();
    const message = { event: { header: { namespace: 'Alexa.Discovery', name: 'AddOrUpdateReport', messageId: 'm-1', payloadVersion: '3' }, payload: { endpoints: [] } } };
    expect((await invokeEvents({ granteeToken: grantee, message }, g, 'e')).status).toBe(202);
    const body = gateway.received.at(-1)!.body as { event: { payload: { scope: { token: string } } } };
    expect(body.event.payload.scope.token).toMatch(/^Atza\|/);
  });

  it('401 INVALID_ACCESS_TOKEN_EXCEPTION → one refresh, one retry, accepted', async () => {
    const grantee = await linkedUser();
    lwa.expireAccessTokens();
    const { g, records } = gw();
    const before = lwa.counts.refresh_token;
    const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e');
    expect(result.status).toBe(202);
    expect(lwa.counts.refresh_token).toBe(before + 1);
    expect(codes(records, 'POST /events')).toEqual(['gateway_retried_after_401', 'gateway_accepted']);
    expect(codes(records, 'lwa_refresh')).toEqual(['lwa_refreshed']);
    expect(records.find((r) => r.route === 'POST /events')!.gateway?.attempts).toBe(2);
  });

  it('refreshes 5 minutes before expiry, before calling the gateway', async () => {
    const grantee = await linkedUser();
    const userKey = (await resolveUser(store, grantee))!;
    const loaded = await loadTokens(store, userKey);
    if (loaded.state !== 'active') throw new Error('no tokens');
    await saveTokens(store, userKey, { ...loaded.tokens, expiresAt: Date.now() + 4 * 60_000 }, Date.now());
    const { g, records } = gw();
    const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e');
    expect(result.status).toBe(202);
    expect(codes(records, 'lwa_refresh')).toEqual(['lwa_refreshed']);
    expect(records.find((r) => r.route === 'POST /events')!.gateway?.attempts).toBe(1);
  });

  it('N concurrent senders with an expiring token → exactly 1 LWA refresh, all accepted', async () => {
    const grantee = await linkedUser();
    const userKey = (await resolveUser(store, grantee))!;
    const loaded = await loadTokens(store, userKey);
    if (loaded.state !== 'active') throw new Error('no tokens');
    await saveTokens(store, userKey, { ...loaded.tokens, expiresAt: Date.now() + 60_000 }, Date.now());
    const before = lwa.counts.refresh_token;
    const { g, records } = gw();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => invokeEvents({ granteeToken: grantee, message: changeReport(`lamp-${i}`) }, g, `c${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(lwa.counts.refresh_token - before).toBe(1);
    expect(records.filter((r) => r.route === 'lwa_refresh')).toHaveLength(1);
    expect(records.filter((r) => r.route === 'POST /events')).toHaveLength(8);
  });

  it('403 SKILL_DISABLED_EXCEPTION → tokens deleted, link marked revoked, later sends say so', async () => {
    const grantee = await linkedUser();
    gateway.mode = 'skill_disabled';
    const { g, records } = gw();
    const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e');
    expect(result).toMatchObject({ status: 403, accepted: false, code: 'SKILL_DISABLED_EXCEPTION' });
    expect(codes(records, 'POST /events')).toEqual(['gateway_skill_disabled']);
    const state = await loadTokens(store, (await resolveUser(store, grantee))!);
    expect(state.state).toBe('revoked');
    gateway.mode = 'normal';
    const again = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e2');
    expect(again).toMatchObject({ status: 404, code: 'gateway_no_tokens' });
  });

  const errors: [FakeGateway['mode'], number, string, RegExp][] = [
    ['never_enabled', 403, 'gateway_skill_never_enabled', /wrong region/],
    ['insufficient_permission', 403, 'gateway_insufficient_permission', /Send Alexa Events/],
    ['throttle', 429, 'gateway_throttled', /retry later/],
  ];
  for (const [mode, status, code, fix] of errors) {
    it(`${mode} → ${status}, ${code} with the fix, tokens kept`, async () => {
      const grantee = await linkedUser();
      gateway.mode = mode;
      const { g, records } = gw();
      const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e');
      expect(result.status).toBe(status);
      const rec = records.find((r) => r.route === 'POST /events')!;
      expect(rec.verdicts.map((v) => v.code)).toEqual([code]);
      expect(rec.verdicts[0]!.message).toMatch(fix);
      expect((await loadTokens(store, (await resolveUser(store, grantee))!)).state).toBe('active');
    });
  }

  it('LWA invalid_grant on refresh → lwa_revoked, tokens deleted, gateway not called', async () => {
    const grantee = await linkedUser();
    lwa.revoke();
    lwa.expireAccessTokens();
    const userKey = (await resolveUser(store, grantee))!;
    const loaded = await loadTokens(store, userKey);
    if (loaded.state !== 'active') throw new Error('no tokens');
    await saveTokens(store, userKey, { ...loaded.tokens, expiresAt: Date.now() }, Date.now());
    const calls = gateway.received.length;
    const { g, records } = gw();
    const result = await invokeEvents({ granteeToken: grantee, message: changeReport() }, g, 'e');
    expect(result).toMatchObject({ accepted: false, code: 'gateway_no_tokens' });
    expect(codes(records, 'lwa_refresh')).toEqual(['lwa_revoked']);
    expect(gateway.received.length).toBe(calls);
    expect((await loadTokens(store, userKey)).state).toBe('revoked');
  });

  it('unknown grantee, malformed requests → refused before the gateway, one record each', async () => {
    const { g, records } = gw();
    expect(await invokeEvents({ granteeToken: 'nobody', message: changeReport() }, g, 'e')).toMatchObject({ status: 404, code: 'gateway_no_tokens' });
    expect(await invokeEvents({ granteeToken: '', message: changeReport() }, g, 'e')).toMatchObject({ status: 400, code: 'gateway_invalid_request' });
    expect(await invokeEvents(null as never, g, 'e')).toMatchObject({ status: 400 });
    expect(await invokeEvents({ granteeToken: 'x', message: 'text' }, g, 'e')).toMatchObject({ status: 400 });
    expect(records).toHaveLength(4);
  });

  it('getAccessToken without a stored grant says why', async () => {
    const { deps: d } = deps(store, lwa, gateway);
    const r = await getAccessToken({ store, lwaTokenUrl: d.config.lwaTokenUrl, lwaTimeoutMs: 1000, clientId: 'x', clientSecret: d.clientSecret, log: () => undefined, requestId: 'r' }, 'no-such-user');
    expect(r).toMatchObject({ ok: false, reason: 'absent' });
  });
});

describe('directive forwarding', () => {
  let skill: RunningServer;
  const seen: unknown[] = [];
  beforeAll(async () => {
    // The user's existing skill, as a real HTTP server answering a Discovery.Response.
    skill = await listen(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', (): void => {
          const d = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { directive: { header: { correlationToken?: string } } };
          seen.push(d);
          if (req.url === '/fail') {
            res.writeHead(500);
            res.end('boom');
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ event: { header: { namespace: 'Alexa.Discovery', name: 'Discover.Response', messageId: 'skill-answer-1', payloadVersion: '3' }, payload: { endpoints: [] } } }));
        });
      }),
      0,
      '127.0.0.1',
    );
  });
  afterAll(async () => skill?.close());

  const discover = () => ({ directive: { header: { namespace: 'Alexa.Discovery', name: 'Discover', messageId: 'm-9', payloadVersion: '3' }, payload: { scope: { type: 'BearerToken', token: 'scope-token-1' } } } });
  const httpForward = (path: string) => async (directive: unknown) => {
    const res = await fetch(`${skill.url}${path}`, { method: 'POST', body: JSON.stringify(directive) });
    if (!res.ok) throw new Error(`skill answered ${res.status}`);
    return res.json();
  };

  it('forwards unchanged and returns the skill answer unchanged, directive_forwarded', async () => {
    const { deps: d, records } = deps(store, lwa, gateway, { forward: httpForward('/ok'), forwardTarget: 'http://skill' });
    const input = discover();
    const answer = await invokeSmartHome(input, d, { requestId: 'f' });
    expect(seen.at(-1)).toEqual(input);
    expect(answer).toEqual({ event: { header: { namespace: 'Alexa.Discovery', name: 'Discover.Response', messageId: 'skill-answer-1', payloadVersion: '3' }, payload: { endpoints: [] } } });
    expect(records[0]).toMatchObject({ route: 'directive', outcome: 'success', forward: { target: 'http://skill', outcome: 'answered' }, granteeTokenFp: fingerprint('scope-token-1') });
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['directive_forwarded']);
  });

  it('no target → schema-valid Alexa ErrorResponse INTERNAL_ERROR, directive_no_target', async () => {
    const { deps: d, records } = deps(store, lwa, gateway);
    const input = { directive: { header: { namespace: 'Alexa.PowerController', name: 'TurnOn', messageId: 'm-2', correlationToken: 'ct-1', payloadVersion: '3' }, endpoint: { endpointId: 'lamp-1', scope: { type: 'BearerToken', token: 't' } }, payload: {} } };
    const answer = (await invokeSmartHome(input, d, { requestId: 'f' })) as { event: { header: Record<string, string>; endpoint: { endpointId: string }; payload: { type: string } } };
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa', name: 'ErrorResponse', correlationToken: 'ct-1' });
    expect(answer.event.endpoint.endpointId).toBe('lamp-1');
    expect(answer.event.payload.type).toBe('INTERNAL_ERROR');
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['directive_no_target']);
  });

  it('target slower than the remaining Lambda time → INTERNAL_ERROR in time, directive_forward_failed', async () => {
    const never = () => new Promise<unknown>(() => undefined);
    const { deps: d, records } = deps(store, lwa, gateway, { forward: never, forwardTarget: 'slow' });
    const answer = (await invokeSmartHome(discover(), d, { requestId: 'f', remainingMs: 700 })) as { event: { payload: { type: string } } };
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(answer.event.payload.type).toBe('INTERNAL_ERROR');
    expect(records[0]!.verdicts[0]!.message).toMatch(/did not answer within/);
  });

  it('target failing → schema-valid INTERNAL_ERROR, directive_forward_failed', async () => {
    const { deps: d, records } = deps(store, lwa, gateway, { forward: httpForward('/fail'), forwardTarget: 'http://skill' });
    const answer = await invokeSmartHome(discover(), d, { requestId: 'f' });
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['directive_forward_failed']);
  });
});
