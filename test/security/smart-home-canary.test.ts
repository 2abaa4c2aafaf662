/**
 * Canary secrets through every smart-home path: grant code, grantee token, Alexa Client Secret and
 * the LWA access/refresh tokens (minted by the LWA fake with a CANARY tag). The records are written
 * by the DEFAULT sink (stdout, as in Lambda); neither stdout nor stderr may hold any canary.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSmartHomeConfig } from '../../lambda/core/smart-home/config';
import type { SmartHomeDeps } from '../../lambda/core/smart-home/directive';
import { recordGrantee } from '../../lambda/core/smart-home/identity';
import { stdoutSink } from '../../lambda/shared/log';
import { startFakeGateway, startFakeLwa, type FakeGateway, type FakeLwa } from '../../local/smart-home-fakes';
import type { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { captureOutput } from '../support/capture-output';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { ENCODINGS, canaryIn } from '../support/encoded-forms';
import { acceptGrant, changeReport, makeStore, SKILL_ID } from '../smart-home/harness';
import { invokeEvents, invokeSmartHome } from '../support/smart-home-handlers';

const C = {
  clientSecret: 'CANARYalexaclientsecret-9f/+=',
  grantee: 'CANARYgrantee-token-77a',
  code: 'CANARYgrantcode-5b',
  badCode: 'CANARYbadcode-1',
};
const ddb = useDynamoDbLocal();
let store: DynamoDbStateStore;
let lwa: FakeLwa;
let gateway: FakeGateway;
const out: string[] = [];

beforeAll(async () => {
  store = await makeStore(ddb());
  lwa = await startFakeLwa({ clientId: 'amzn1.application-oa2-client.canarytest', clientSecret: C.clientSecret, tokenTag: 'CANARYlwa-' });
  gateway = await startFakeGateway(lwa);
  captureOutput(out);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([lwa?.close(), gateway?.close()]);
});

function d(secret = C.clientSecret): SmartHomeDeps {
  return {
    config: parseSmartHomeConfig({ skillId: SKILL_ID, alexaClientId: 'amzn1.application-oa2-client.canarytest', lwaTokenUrl: lwa.tokenUrl, gatewayUrl: gateway.eventsUrl }),
    store: () => Promise.resolve(store),
    clientSecret: () => Promise.resolve(secret),
    log: stdoutSink,
  };
}

const records = () => out.join('').split('\n').filter((l) => l.startsWith('{"type":"alexa-link-adapter.exchange"'));

describe('smart-home canaries never reach the log', () => {
  it('AcceptGrant (ok, bad code, wrong secret, malformed), events (ok, 401 refresh, echoed token, disabled)', async () => {
    await recordGrantee(() => Promise.resolve(store), { grantType: 'authorization_code', answerBody: JSON.stringify({ access_token: C.grantee, refresh_token: 'CANARYrt-1' }) });
    const answers = [
      await invokeSmartHome(acceptGrant(C.badCode, C.grantee), d(), { requestId: 'a1' }),
      await invokeSmartHome(acceptGrant(lwa.issueCode(C.code), C.grantee), d('CANARYwrong-secret'), { requestId: 'a2' }),
      await invokeSmartHome(acceptGrant(lwa.issueCode(C.code), C.grantee), d(), { requestId: 'a3' }),
      await invokeSmartHome({ directive: { header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: 'm', payloadVersion: '2' }, payload: { grant: { code: C.code }, grantee: { token: C.grantee } } } }, d(), { requestId: 'a4' }),
      await invokeSmartHome(`{"directive":"${C.code}`, d(), { requestId: 'a5' }),
    ];
    expect((answers[2] as { event: { header: { name: string } } }).event.header.name).toBe('AcceptGrant.Response');
    for (const a of answers) expect(JSON.stringify(a)).not.toMatch(/CANARY/);

    expect((await invokeEvents({ granteeToken: C.grantee, message: changeReport() }, d(), 'e1')).status).toBe(202);
    lwa.expireAccessTokens();
    expect((await invokeEvents({ granteeToken: C.grantee, message: changeReport() }, d(), 'e2')).status).toBe(202);
    gateway.mode = 'echo_token';
    const echoed = await invokeEvents({ granteeToken: C.grantee, message: changeReport() }, d(), 'e3');
    expect(echoed.status).toBe(400);
    expect(JSON.stringify(echoed)).not.toMatch(/CANARY/);
    gateway.mode = 'skill_disabled';
    expect((await invokeEvents({ granteeToken: C.grantee, message: changeReport() }, d(), 'e4')).status).toBe(403);

    const lines = records();
    // 5 AcceptGrant/directive records, 4 event records, 1 lwa_refresh record.
    expect(lines).toHaveLength(10);
    expect(lines.filter((l) => l.includes('"route":"lwa_refresh"'))).toHaveLength(1);
    expect(out.join('')).not.toMatch(/CANARY/i);
  });

  const echoGrantee = 'CANARYgrantee-echo-token-5d2/+=';
  it('a second user for the echo tests (linked, AcceptGrant done)', async () => {
    await recordGrantee(() => Promise.resolve(store), { grantType: 'authorization_code', answerBody: JSON.stringify({ access_token: echoGrantee, refresh_token: 'CANARYrt-echo-2' }) });
    const answer = await invokeSmartHome(acceptGrant(lwa.issueCode('CANARYgrantcode-echo'), echoGrantee), d(), { requestId: 'echo-setup' });
    expect((answer as { event: { header: { name: string } } }).event.header.name).toBe('AcceptGrant.Response');
  });

  it.each(Object.keys(ENCODINGS))('a gateway echoing the LWA access token %s: neither the record nor the caller\'s answer holds it', async (encoding) => {
    gateway.mode = 'echo_token';
    gateway.echoEncode = ENCODINGS[encoding];
    const before = records().length;
    try {
      const answer = await invokeEvents({ granteeToken: echoGrantee, message: changeReport() }, d(), `echo-${encoding}`);
      expect(answer.status).toBe(400);
      // Not vacuous: the gateway's description really held the encoded token (the message carries it, scrubbed).
      expect(answer.message).toMatch(/malformed: Bad token .*(fp:|\[withheld)/);
      expect(canaryIn(JSON.stringify(answer))).toEqual([]);
      const fresh = records().slice(before);
      expect(fresh).toHaveLength(1);
      expect(canaryIn(fresh[0]!)).toEqual([]);
    } finally {
      gateway.mode = 'normal';
      gateway.echoEncode = undefined;
    }
  });
});
