/** Local mode's smart-home endpoint: the curl flow of the banner, on the embedded-store-compatible DynamoDB Local. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startDemoProvider, type DemoProvider } from '../../local/demo-provider';
import { startLocalSmartHome, type LocalSmartHome } from '../../local/smart-home';
import { alexaResponseProblems } from '../support/alexa-response-rules';
import { alexaTokenRequest, ALEXA_REDIRECT_URI } from '../support/fake-alexa';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { makeStore } from '../smart-home/harness';

const ddb = useDynamoDbLocal();
let demo: DemoProvider;
let adapter: RunningServer;
let sh: LocalSmartHome;
const records: { route: string; verdicts: { code: string }[] }[] = [];

beforeAll(async () => {
  const store = await makeStore(ddb());
  demo = await startDemoProvider({ answerFormat: 'accept' });
  const log = (r: object) => records.push(r as (typeof records)[number]);
  adapter = await startLocalAdapter({ config: parseRuntimeConfig({ provider: 'github', tokenUrl: demo.tokenUrl, recordGrantees: true }), log, store: () => Promise.resolve(store) });
  sh = await startLocalSmartHome({ store: () => Promise.resolve(store), log });
});
afterAll(async () => {
  await Promise.all([demo?.close(), adapter?.close(), sh?.close()]);
});

describe('local smart home', () => {
  it('link → AcceptGrant → event, over HTTP, with one record each', async () => {
    const linked = await alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, params: { grant_type: 'authorization_code', code: demo.mintCode({ redirectUri: ALEXA_REDIRECT_URI }), redirect_uri: ALEXA_REDIRECT_URI } });
    const token = linked.json.access_token as string;
    const code = await (await fetch(`${sh.url}/lwa/code`)).text();
    const directive = { directive: { header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: 'm-1', payloadVersion: '3' }, payload: { grant: { type: 'OAuth2.AuthorizationCode', code }, grantee: { type: 'BearerToken', token } } } };
    const answer = await (await fetch(`${sh.url}/smart-home`, { method: 'POST', body: JSON.stringify(directive) })).json();
    expect(alexaResponseProblems(answer)).toEqual([]);
    expect((answer as { event: { header: { name: string } } }).event.header.name).toBe('AcceptGrant.Response');
    const message = { event: { header: { namespace: 'Alexa', name: 'ChangeReport', messageId: 'm-2', payloadVersion: '3' }, endpoint: { endpointId: 'lamp-1' }, payload: {} } };
    const sent = await (await fetch(`${sh.url}/events`, { method: 'POST', body: JSON.stringify({ granteeToken: token, message }) })).json();
    expect(sent).toMatchObject({ status: 202, accepted: true });
    expect(records.map((r) => [r.route, r.verdicts.at(-1)?.code])).toEqual([
      ['POST /token', expect.any(String)],
      ['AcceptGrant', 'accept_grant_ok'],
      ['POST /events', 'gateway_accepted'],
    ]);
    // Non-JSON → a schema-valid ErrorResponse.
    const bad = await (await fetch(`${sh.url}/smart-home`, { method: 'POST', body: '{oops' })).json();
    expect(alexaResponseProblems(bad)).toEqual([]);
  });
});
