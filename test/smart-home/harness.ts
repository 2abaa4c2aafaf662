/** Shared setup of the smart-home tests: DynamoDB Local, the LWA and Event Gateway fakes, captured records. */
import { randomUUID } from 'node:crypto';
import { createStateTable } from '../../local/table-definition';
import { FAKE_ALEXA_CLIENT_ID, FAKE_ALEXA_CLIENT_SECRET, type FakeGateway, type FakeLwa } from '../../local/smart-home-fakes';
import { parseSmartHomeConfig } from '../../lambda/core/smart-home/config';
import type { SmartHomeDeps } from '../../lambda/core/smart-home/directive';
import type { SmartHomeRecord } from '../../lambda/core/smart-home/records';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { DynamoDbLocal } from '../support/dynamodb-local';
import { readBack } from '../support/read-back';

export const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';

export async function makeStore(ddb: DynamoDbLocal) {
  const table = `sh-${randomUUID()}`;
  await createStateTable(ddb.client(), table);
  const store = Object.assign(new DynamoDbStateStore({ tableName: table, client: ddb.client() }), { tableName: table });
  // Warm a fresh JVM (its first writes are slow) so the token route's bounded store calls are not the ones paying for it.
  for (let i = 0; i < 3; i++) await store.put({ pk: `warm#${i}`, sk: 'user', expiresAt: Math.floor(Date.now() / 1000) + 60 }, { ifAbsent: true });
  return store;
}

export function deps(store: DynamoDbStateStore, lwa: FakeLwa, gateway: FakeGateway, overrides: Partial<SmartHomeDeps> = {}, lwaTimeoutMs = 5000) {
  const records: SmartHomeRecord[] = [];
  const d: SmartHomeDeps = {
    config: parseSmartHomeConfig({ skillId: SKILL_ID, alexaClientId: FAKE_ALEXA_CLIENT_ID, lwaTokenUrl: lwa.tokenUrl, gatewayUrl: gateway.eventsUrl, lwaTimeoutMs }),
    store: () => Promise.resolve(store),
    clientSecret: () => Promise.resolve(FAKE_ALEXA_CLIENT_SECRET),
    awsRegion: 'eu-west-1',
    log: (r) => records.push(readBack<SmartHomeRecord>(r)),
    ...overrides,
  };
  return { deps: d, records };
}

export function acceptGrant(code: string, granteeToken: string, extra: { correlationToken?: string } = {}) {
  return {
    directive: {
      header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: randomUUID(), payloadVersion: '3', ...extra },
      payload: { grant: { type: 'OAuth2.AuthorizationCode', code }, grantee: { type: 'BearerToken', token: granteeToken } },
    },
  };
}

export function changeReport(endpointId = 'lamp-1') {
  return {
    event: {
      header: { namespace: 'Alexa', name: 'ChangeReport', messageId: randomUUID(), payloadVersion: '3' },
      endpoint: { endpointId },
      payload: { change: { cause: { type: 'PHYSICAL_INTERACTION' }, properties: [] } },
    },
    context: { properties: [] },
  };
}
