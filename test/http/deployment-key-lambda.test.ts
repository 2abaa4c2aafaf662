/**
 * The deployment key as a Lambda reads it: the token handler with DEPLOYMENT_KEY_SECRET_ARN, the real
 * AWS SDK Secrets Manager client, and a Secrets Manager stand-in on loopback that answers as the
 * GetSecretValue API does (JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`), or slowly, or with
 * AccessDeniedException. The SDK is pointed at it with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 *
 * Read once per instance; while it is unreachable the exchange still gets its answer, the record says
 * `fpKey: "ephemeral"` and `deployment_key_unavailable`, the state table is not used (refresh degraded);
 * once it arrives, fingerprints are the deployment's.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { parseRecordLine } from '../../cli/records';
import { diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { DEPLOYMENT_KEY_ENV, resetDeploymentKey } from '../../lambda/core/deployment-key';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { createTokenHandler } from '../../lambda/handlers/token';
import { DEPLOYMENT_KEY_SECRET_ENV } from '../../lambda/shared/deployment-key-from-env';
import { lambdaEntry } from '../../lambda/shared/lambda-entry';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { rfcBasic } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';
import { sendJson, startFakeServer, type FakeServer } from '../support/fake-server';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-link-adapter/deployment-key-AbCdEf';
const KEY = 'Zk4uQ8mV2pR7sT1wX9yB3nC6dF0gH5jL8kM2qW4eR6tY8uI0oP2aS4dF6gH8jK0l';
const ENV = {
  [DEPLOYMENT_KEY_SECRET_ENV]: SECRET_ARN,
  AWS_LAMBDA_FUNCTION_NAME: 'AlexaLinkAdapter-TokenFunction',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};

const sub = (purpose: string) => Buffer.from(hkdfSync('sha256', Buffer.from(KEY), Buffer.alloc(0), Buffer.from(`alexa-link-adapter:${purpose}`), 32));
const expectedFp = (value: string) => `fp:${createHmac('sha256', sub('fingerprint')).update(value).digest('hex').slice(0, 12)}`;
const expectedKeyId = `k:${createHmac('sha256', sub('key-id')).update('id').digest('hex').slice(0, 8)}`;

type Mode = { kind: 'ok' } | { kind: 'slow'; ms: number } | { kind: 'denied' };
let mode: Mode = { kind: 'ok' };
let secretsManager: FakeServer;
let generic: FakeGeneric;
const ddb = useDynamoDbLocal();
let store: DynamoDbStateStore;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  secretsManager = await startFakeServer(async (req, res) => {
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || JSON.parse(req.rawBody.toString('utf8')).SecretId !== SECRET_ARN) {
      return sendJson(res, 400, { __type: 'ValidationException', message: 'unexpected request' });
    }
    if (mode.kind === 'denied') return sendJson(res, 400, { __type: 'AccessDeniedException', message: 'not authorized' }, { 'content-type': 'application/x-amz-json-1.1' });
    if (mode.kind === 'slow') await new Promise((r) => setTimeout(r, (mode as { ms: number }).ms));
    sendJson(res, 200, { ARN: SECRET_ARN, Name: 'deployment-key', SecretString: KEY, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1795791600 }, { 'content-type': 'application/x-amz-json-1.1' });
  }, '/');
  generic = await startFakeGeneric({ clients: { alexa: 's3cret' }, redirectUri: 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR' });
  await createStateTable(ddb().client(), 'deployment-key-lambda');
  store = new DynamoDbStateStore({ tableName: 'deployment-key-lambda', client: ddb().client() });
  for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url, [DEPLOYMENT_KEY_ENV]: undefined })) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetDeploymentKey();
  await Promise.all([secretsManager?.close(), generic?.close()]);
});
afterEach(() => resetDeploymentKey());

function handlerWithRecords() {
  const records: ExchangeRecord[] = [];
  // Through the Lambda entry point, as Lambda calls it: the arrival is stamped before the key wait.
  const handler = lambdaEntry(() =>
    createTokenHandler({
      config: parseRuntimeConfig({ provider: 'generic', tokenUrl: generic.tokenUrl, upstreamTimeoutMs: 2000 }, 'test'),
      store: () => Promise.resolve(store),
      log: (r) => records.push(r as ExchangeRecord),
    }),
  );
  const refresh = async (token: string) => {
    generic.addRefreshToken(token, { accessToken: `at-${token}` });
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString();
    const result = await handler(
      {
        version: '2.0',
        routeKey: 'POST /token',
        rawPath: '/token',
        rawQueryString: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: rfcBasic('alexa', 's3cret') },
        requestContext: { http: { method: 'POST', path: '/token' }, requestId: `req-${token}` },
        body: Buffer.from(form).toString('base64'),
        isBase64Encoded: true,
      } as never,
      { awsRequestId: `req-${token}`, getRemainingTimeInMillis: () => 4800 } as Context,
    );
    return { status: (result as { statusCode: number }).statusCode, record: records.at(-1)! };
  };
  return { refresh };
}

const codes = (r: ExchangeRecord) => r.verdicts.map((v) => v.code);
/** A refresh recorded under the deployment's key that coordinated through the table. */
const keyedLeader = (token: string) => ({ fpKey: expectedKeyId, tokens: { refreshTokenInFp: expectedFp(token) }, refresh: { role: 'leader' } });

describe('deployment key in Lambda (Secrets Manager stand-in, real SDK client)', () => {
  it('read once on the first request: fingerprints and fpKey are the deployment\'s; the state table is used', async () => {
    mode = { kind: 'ok' };
    const calls = secretsManager.received.length;
    const { refresh } = handlerWithRecords();
    const first = await refresh('rt-ok-1');
    expect(first.status).toBe(200);
    expect(first.record).toMatchObject(keyedLeader('rt-ok-1'));
    const second = await refresh('rt-ok-2');
    expect(second.record.refresh?.role).toBe('leader');
    expect(secretsManager.received.length - calls).toBe(1);
    // The key travels only in Secrets Manager's answer: never in a record.
    expect(JSON.stringify([first.record, second.record])).not.toContain(KEY);
  });

  it('a cold instance waits up to 2.5 s for the key (a small memory size needs 1–1.3 s): a 1.5 s read is waited for', async () => {
    mode = { kind: 'slow', ms: 1500 };
    const { refresh } = handlerWithRecords();
    const first = await refresh('rt-cold-1');
    expect(first.status).toBe(200);
    expect(first.record).toMatchObject(keyedLeader('rt-cold-1'));
    expect(codes(first.record)).not.toContain('deployment_key_unavailable');
  });

  it('Secrets Manager slower than the bound: the answer still comes, without the table and with ephemeral fingerprints; the next request uses the late key', async () => {
    mode = { kind: 'slow', ms: 2800 };
    const { refresh } = handlerWithRecords();
    const t0 = Date.now();
    const first = await refresh('rt-slow-1');
    expect(Date.now() - t0).toBeLessThan(2500 + 1000);
    expect(first.status).toBe(200);
    // The key wait counts against Alexa's 4.5 s: the record's time runs from the invocation's arrival.
    expect(first.record.timing.totalMs).toBeGreaterThanOrEqual(2500);
    expect(first.record.fpKey).toBe('ephemeral');
    expect(first.record.tokens.refreshTokenInFp).not.toBe(expectedFp('rt-slow-1'));
    expect(first.record.refresh).toMatchObject({ role: 'degraded', degraded: true });
    expect(codes(first.record)).toEqual(expect.arrayContaining(['refresh_store_degraded', 'deployment_key_unavailable']));
    await new Promise((r) => setTimeout(r, 1200));
    const second = await refresh('rt-slow-2');
    expect(second.record).toMatchObject(keyedLeader('rt-slow-2'));
    expect(codes(second.record)).not.toContain('deployment_key_unavailable');
  });

  it('AccessDeniedException: the record names the error (not its message); the next request asks again and recovers', async () => {
    mode = { kind: 'denied' };
    const calls = secretsManager.received.length;
    const { refresh } = handlerWithRecords();
    const first = await refresh('rt-denied-1');
    expect(first.status).toBe(200);
    const verdict = first.record.verdicts.find((v) => v.code === 'deployment_key_unavailable')!;
    expect(verdict.message).toContain('AccessDeniedException');
    expect(verdict.message).not.toContain('not authorized');
    mode = { kind: 'ok' };
    const second = await refresh('rt-denied-2');
    expect(second.record.fpKey).toBe(expectedKeyId);
    expect(secretsManager.received.length - calls).toBe(2);
  });
});

describe('diagnose names the unreadable key', () => {
  it('a record with deployment_key_unavailable becomes a finding with the error and the fix', async () => {
    mode = { kind: 'denied' };
    const { refresh } = handlerWithRecords();
    const { record } = await refresh('rt-diagnose-1');
    const d = diagnose(groupTimelines([parseRecordLine(JSON.stringify(record))!]));
    const finding = d.findings.find((f) => f.rule === 'deployment_key_unavailable')!;
    expect(finding.cause).toContain('AccessDeniedException');
    expect(finding.fix).toContain('secretsmanager:GetSecretValue');
  });
});
