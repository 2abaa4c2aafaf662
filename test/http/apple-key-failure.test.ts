/** Sign in with Apple when the private key cannot be loaded: a §5.2 answer and one record, nothing forwarded. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, verdictCodes } from '../support/fake-alexa';
import { sendJson, startFakeServer, type FakeServer } from '../support/fake-server';

let apple: FakeServer;
let adapter: RunningServer;
const records: ExchangeRecord[] = [];

beforeAll(async () => {
  apple = await startFakeServer((_req, res) => sendJson(res, 200, { access_token: 'a', token_type: 'Bearer', expires_in: 3600 }));
  adapter = await startLocalAdapter({
    config: parseRuntimeConfig({
      provider: 'apple',
      tokenUrl: apple.tokenUrl,
      appleTeamId: 'TEAM123456',
      appleKeyId: 'KEY1234567',
      applePrivateKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:apple-key-AbCdEf',
    }),
    log: (r) => records.push(r as ExchangeRecord),
    applePrivateKey: async () => 'not a PEM key',
  });
});
afterAll(async () => {
  await adapter?.close();
  await apple?.close();
});

it('answers 500 server_error, writes one adapter_error record naming AppleKeyError, and calls no provider', async () => {
  const res = await alexaTokenRequest(adapter.url, {
    scheme: 'basic',
    clientId: 'com.example.signin',
    clientSecret: 'console-secret',
    params: { grant_type: 'authorization_code', code: 'c0de', redirect_uri: ALEXA_REDIRECT_URI },
  });
  expect(res.status).toBe(500);
  expect(res.json).toMatchObject({ error: 'server_error' });
  expect(records).toHaveLength(1);
  expect(verdictCodes(records[0])).toEqual(['adapter_error']);
  expect(records[0]!.verdicts[0]!.message).toContain('AppleKeyError');
  expect(JSON.stringify(records[0])).not.toContain('console-secret');
  expect(apple.received).toHaveLength(0);
});
