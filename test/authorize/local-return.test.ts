/**
 * Local mode's one extra redirect target (the link simulator's return URL): exactly
 * `<loopback origin>/api/skill/link/<vendorId>`, accepted only when the handler is built with
 * `localReturnOrigin` (local/adapter.ts does; the Lambda entry point never does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { assertLoopbackOrigin, checkLocalReturn } from '../../lambda/core/authorize/local-return';
import type { AuthorizeRecord } from '../../lambda/core/authorize/record';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';

const ORIGIN = 'http://127.0.0.1:39004';
const RETURN = `${ORIGIN}/api/skill/link/M2TESTVENDOR`;

describe('checkLocalReturn', () => {
  it('accepts exactly <origin>/api/skill/link/<vendorId>', () => {
    expect(checkLocalReturn(RETURN, ORIGIN)).toEqual({ ok: true, uri: RETURN, host: '127.0.0.1:39004', vendorId: 'M2TESTVENDOR' });
  });

  it.each([
    ['other port', 'http://127.0.0.1:39005/api/skill/link/M2TESTVENDOR'],
    ['https', 'https://127.0.0.1:39004/api/skill/link/M2TESTVENDOR'],
    ['localhost for 127.0.0.1', 'http://localhost:39004/api/skill/link/M2TESTVENDOR'],
    ['query', `${RETURN}?next=https://evil.example`],
    ['empty query', `${RETURN}?`],
    ['fragment', `${RETURN}#x`],
    ['trailing slash', `${RETURN}/`],
    ['extra segment', `${RETURN}/x`],
    ['dot segment', `${ORIGIN}/api/skill/./link/M2TESTVENDOR`],
    ['encoded slash', `${ORIGIN}/api/skill/link%2FM2TESTVENDOR`],
    ['other path', `${ORIGIN}/callback`],
    ['non-alphanumeric vendor', `${ORIGIN}/api/skill/link/M2-X`],
    ['userinfo', 'http://u@127.0.0.1:39004/api/skill/link/M2TESTVENDOR'],
    ['origin as prefix of a longer port', 'http://127.0.0.1:390041/api/skill/link/M2TESTVENDOR'],
  ])('leaves %s to the Alexa check (which refuses it)', (_label, uri) => {
    expect(checkLocalReturn(uri, ORIGIN)).toBeUndefined();
  });

  it('refuses another vendor id when one is pinned', () => {
    expect(checkLocalReturn(RETURN, ORIGIN, 'M2OTHER')).toMatchObject({ ok: false, code: 'vendor_id_mismatch' });
  });

  it('takes only a loopback http origin with a port', () => {
    expect(assertLoopbackOrigin(ORIGIN)).toBe(ORIGIN);
    expect(assertLoopbackOrigin('http://localhost:3004')).toBe('http://localhost:3004');
    for (const bad of ['https://127.0.0.1:3004', 'http://127.0.0.1', 'http://127.0.0.1:3004/', 'http://example.com:3004', 'http://10.0.0.1:3004', 'layla.amazon.com']) {
      expect(() => assertLoopbackOrigin(bad), bad).toThrow(/local return origin/);
    }
  });
});

describe('GET /authorize with and without the local return target', () => {
  let db: EmbeddedDynamoDb;
  let local: RunningServer;
  let plain: RunningServer;
  const records: AuthorizeRecord[] = [];
  beforeAll(async () => {
    db = await startEmbeddedDynamoDb({ port: 0 });
    const config = parseRuntimeConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token', mode: 'interception' }, 'test');
    const store = new DynamoDbStateStore({ tableName: db.tableName, client: db.client() });
    const common = { config, log: (r: object) => records.push(r as AuthorizeRecord), store: () => Promise.resolve(store) };
    local = await startLocalAdapter({ ...common, localReturnOrigin: ORIGIN });
    plain = await startLocalAdapter(common);
  });
  afterAll(async () => {
    await local?.close();
    await plain?.close();
    await db?.close();
  });

  const authorize = (base: string, redirect: string) =>
    fetch(`${base}/authorize?${new URLSearchParams({ client_id: 'c', response_type: 'code', state: 'alexa-state', scope: 'repo', redirect_uri: redirect })}`, { redirect: 'manual' });

  it('local mode sends the user on to the provider and says so in the record', async () => {
    records.length = 0;
    const res = await authorize(local.url, RETURN);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
    expect(records[0]).toMatchObject({ outcome: 'success', redirect: { host: '127.0.0.1:39004', vendorId: 'M2TESTVENDOR' } });
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['redirect_local_simulator', 'authorize_redirected']);
  });

  it('local mode still takes Alexa\'s own redirect URLs', async () => {
    const res = await authorize(local.url, 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR');
    expect(res.status).toBe(302);
  });

  it('without localReturnOrigin (every deployment) the same URL is refused with a page', async () => {
    records.length = 0;
    const res = await authorize(plain.url, RETURN);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(records[0]!.verdicts.map((v) => v.code)).toEqual(['redirect_uri_not_alexa']);
  });
});
