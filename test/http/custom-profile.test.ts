/** A custom profile from the configuration drives the real token route: request shaping, envelope, success predicate, error mapping. */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, verdictCodes } from '../support/fake-alexa';
import { sendJson, startFakeServer, type FakeServer } from '../support/fake-server';
import { readBack } from '../support/read-back';

let provider: FakeServer;
let adapter: RunningServer;
const records: ExchangeRecord[] = [];

beforeAll(async () => {
  // A TikTok-like provider: client_key instead of client_id, JSON body, {code, data} envelope with code 0 = success.
  provider = await startFakeServer((req, res) => {
    if (req.body['client_key'] !== 'ck' || req.body['client_secret'] !== 'cs') return sendJson(res, 200, { code: 10007, data: { error_code: 'invalid_client_key', description: 'bad key' } });
    if (req.body['code'] !== 'good') return sendJson(res, 200, { code: 10008, data: { error_code: 'code_expired', description: 'expired' } });
    return sendJson(res, 200, { code: 0, data: { access_token: 'act.1', refresh_token: 'rft.1', expires_in: 86400, scope: 'user.info.basic,video.list', open_id: 'o1' } });
  });
  adapter = await startLocalAdapter({
    config: parseRuntimeConfig({
      provider: 'acme-video',
      tokenUrl: provider.tokenUrl,
      profile: {
        extends: 'generic',
        tokenRequest: { bodyEncoding: 'json', clientAuth: { method: 'client_secret_post', idParam: 'client_key' } },
        response: { format: 'json', envelope: 'data', successWhen: { path: 'code', equals: 0 } },
        errors: { codePaths: ['data.error_code'], descriptionPaths: ['data.description'], codeMap: { invalid_client_key: 'invalid_client', code_expired: 'invalid_grant' } },
        fields: { responseScopeDelimiter: ',' },
      },
    }),
    log: (r) => records.push(readBack<ExchangeRecord>(r)),
  });
});
afterAll(async () => {
  await adapter?.close();
  await provider?.close();
});
beforeEach(() => {
  records.length = 0;
});

const code = (c: string, secret = 'cs') =>
  alexaTokenRequest(adapter.url, { scheme: 'basic', clientId: 'ck', clientSecret: secret, params: { grant_type: 'authorization_code', code: c, redirect_uri: ALEXA_REDIRECT_URI } });

it('shapes the request and unwraps the answer as the custom profile says', async () => {
  const res = await code('good');
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ access_token: 'act.1', refresh_token: 'rft.1', token_type: 'Bearer', expires_in: 86400, scope: 'user.info.basic video.list', open_id: 'o1' });
  expect(provider.last().bodyEncoding).toBe('json');
  expect(provider.last().body).toMatchObject({ client_key: 'ck', client_secret: 'cs', grant_type: 'authorization_code', code: 'good' });
  expect(provider.last().body).not.toHaveProperty('client_id');
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ provider: 'acme-video', outcome: 'success' });
  expect(records[0]!.translated).toEqual(expect.arrayContaining(['unwrapped data', 'scope comma → space', 'token_type → Bearer (missing)']));
});

it('maps the custom error codes to RFC 6749 §5.2', async () => {
  const bad = await code('old');
  expect(bad.status).toBe(400);
  expect(bad.json).toEqual({ error: 'invalid_grant', error_description: 'expired' });
  expect(records[0]!.translated).toEqual(expect.arrayContaining(['error taken from data.error_code', 'error code_expired → invalid_grant']));
  expect(verdictCodes(records[0])).toContain('code_rejected');

  const client = await code('good', 'wrong');
  expect(client.status).toBe(401);
  expect(client.json).toMatchObject({ error: 'invalid_client' });
  expect(verdictCodes(records[1])).toContain('client_rejected');
});
