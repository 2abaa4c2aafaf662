/**
 * A hostile provider that echoes everything it receives — every parameter value, the Authorization
 * header, the raw body — in every encoding of the list, into every field the profile reads
 * (its error code paths and description paths; on success `token_type`, `scope`, `expires_in` and
 * the Content-Type header), through EVERY built-in profile, for the code exchange and the refresh
 * (state on DynamoDB Local: single-flight, sealed refresh answers, grantee mappings).
 *
 * For each profile and encoding: one error answer and one success answer, alternating between the
 * code exchange and the refresh and between Basic and body credentials, so every pair sees both
 * kinds of answer and every profile both grants and both schemes. Profiles run concurrently.
 *
 * Zero canaries may reach: the records (the default sink, exactly the bytes CloudWatch receives),
 * anything else on stdout or stderr, Alexa's answers (error answers entirely; success answers apart
 * from the tokens the provider issued, which are the answer), and the DynamoDB Local table — raw or
 * in any encoding (test/support/encoded-forms.ts, independent of the adapter's scrubber).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { fingerprint } from '../../lambda/core/fingerprint';
import { BUILT_IN_PROFILES, type ProviderProfile } from '../../lambda/core/profiles/index';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { StateStore } from '../../lambda/store/state-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { createStateTable } from '../../local/table-definition';
import { captureOutput, recordTap } from '../support/capture-output';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { ENCODINGS, canaryIn, leaksIn } from '../support/encoded-forms';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, type TokenAnswer, type TokenCall } from '../support/fake-alexa';
import { startFakeServer, type FakeServer, type ReceivedRequest } from '../support/fake-server';
import { tableDump } from '../support/table-dump';

const TABLE = 'canary-hostile';
// All profiles at once: the run waits on DynamoDB Local and loopback far more than it computes.
vi.setConfig({ maxConcurrency: 20 });
const CLIENT_ID = 'alexa-skill-client';
const PROFILES = Object.values(BUILT_IN_PROFILES);
const ENCODING_NAMES = Object.keys(ENCODINGS);
/** Token members of a success answer: what the provider issued (or Alexa presented and gets back). */
const TOKEN_MEMBERS = ['access_token', 'refresh_token', 'id_token'];

// Every secret the run creates: Alexa's and the provider's carry the CANARY tag (canaryIn finds them
// in any encoding); the minted Apple JWTs do not, and are checked one by one (leaksIn).
const canaries = new Set<string>();
const untagged = () => [...canaries].filter((c) => !/canary/i.test(c));
/** Copies of any canary in the text, in any encoding (the tag), and of the request's own secrets (their encodings). */
const leaksOf = (text: string, own: readonly string[]) => [...canaryIn(text), ...leaksIn(text, own)];
/** The same for a whole run's output or the table: untagged ones (JWTs: URL-safe already) in their binary forms only. */
const leaksInBulk = (text: string) => [...canaryIn(text), ...leaksIn(text, untagged(), ['raw', 'base64 padded', 'base64url unpadded', 'hex lower'])];
const canary = (value: string) => {
  canaries.add(value);
  return value;
};
let n = 0;
const next = () => ++n;

type Mode = 'error' | 'success';
interface Plan {
  mode: Mode;
  encoding: string;
}

// --- the hostile provider ------------------------------------------------------------------------
const plans = new Map<string, Plan>();
/** The Apple client-secret JWT the adapter minted for the last request, by token path. */
const minted = new Map<string, string>();

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      cur[part] = value;
      return;
    }
    cur[part] ??= /^\d+$/.test(parts[i + 1]!) ? [] : {};
    cur = cur[part] as Record<string, unknown>;
  });
}

/** Everything the request carried that an echoing server could send back, each value encoded. */
function echoOf(req: ReceivedRequest, encode: (s: string) => string): string {
  const values = [...Object.values(req.body), ...Object.values(req.query), req.headers['authorization'] ?? ''].filter((v) => typeof v === 'string' && v !== '');
  // The Apple profile's client_secret is the JWT the adapter minted: a secret of the request too.
  if (typeof req.body['client_secret'] === 'string' && req.body['client_secret'].startsWith('ey')) minted.set(req.path, canary(req.body['client_secret']));
  return values.map((v) => encode(String(v))).join(' | ');
}

const headerSafe = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : Buffer.from(s).toString('base64'));

function hostileAnswer(profile: ProviderProfile, plan: Plan, req: ReceivedRequest): { status: number; body: string; contentType: string } {
  const encode = ENCODINGS[plan.encoding]!;
  const echo = echoOf(req, encode);
  const contentType = `application/json; charset=utf-8; echo="${headerSafe(encode(String(req.body['code'] ?? req.body['refresh_token'] ?? req.query['code'] ?? '')))}"`;
  const when = profile.response.successWhen;
  const root: Record<string, unknown> = {};
  if (plan.mode === 'error') {
    for (const p of profile.errors.codePaths) setPath(root, p, `E:${echo}`);
    for (const p of profile.errors.descriptionPaths) setPath(root, p, `bad request: ${echo}`);
    if (when) setPath(root, when.path, typeof when.equals === 'number' ? when.equals + 1 : typeof when.equals === 'boolean' ? !when.equals : `${when.equals}x`);
    return { status: 400, body: JSON.stringify(root), contentType };
  }
  const i = next();
  const tokens = {
    access_token: canary(`CANARYaccess-${i}-2c9f/+=`),
    refresh_token: canary(`CANARYrefreshout-${i}-7d1e/+=`),
    id_token: canary(`CANARYidtoken.${i}.sig`),
    token_type: echo.slice(0, 200),
    scope: `openid ${echo}`,
    expires_in: `3600 ${echo}`,
  };
  if (profile.response.envelope) setPath(root, profile.response.envelope, tokens);
  else Object.assign(root, tokens);
  if (when) setPath(root, when.path, when.equals);
  return { status: 200, body: JSON.stringify(root), contentType };
}

// --- the run -------------------------------------------------------------------------------------
const ddb = useDynamoDbLocal();
let provider: FakeServer;
const adapters = new Map<string, RunningServer>();
const captured: string[] = [];
const recordLines = recordTap(captured);
let requests = 0;

beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  const store = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client() });
  // Warm a fresh JVM (its first writes are slow) before the token route's bounded store calls meet it.
  for (let i = 0; i < 3; i++) {
    await store.put({ pk: `warm#${i}`, sk: 'warm', expiresAt: Math.floor(Date.now() / 1000) + 60 }, { ifAbsent: true });
    await store.delete(`warm#${i}`, 'warm');
  }
  provider = await startFakeServer((req, res) => {
    const id = req.path.split('/').at(-1)!;
    const { status, body, contentType } = hostileAnswer(BUILT_IN_PROFILES[id]!, plans.get(id)!, req);
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  const applePem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  for (const [index, profile] of PROFILES.entries()) {
    const apple = profile.tokenRequest.clientAuth.method === 'apple_jwt'
      ? { appleTeamId: 'TEAM123456', appleKeyId: 'KEY1234567', applePrivateKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:apple-key-AbCdEf' }
      : {};
    adapters.set(
      profile.id,
      await startLocalAdapter({
        // No `log`: the default stdout sink, exactly what Lambda writes to CloudWatch.
        config: parseRuntimeConfig({ provider: profile.id, tokenUrl: `${provider.url}/token/${profile.id}`, refreshGraceSeconds: 600, recordGrantees: index % 4 === 0, ...apple }, 'test'),
        store: () => Promise.resolve<StateStore>(store),
        applePrivateKey: async () => applePem,
      }),
    );
  }
  captureOutput(captured);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled([...adapters.values()].map((a) => a.close()));
  await provider?.close();
});

/** What an answer may not carry: error answers nothing at all; success answers nothing outside the token members. */
function answerLeaks(res: TokenAnswer, own: readonly string[]): string[] {
  const visible = res.status === 200 ? JSON.stringify(Object.fromEntries(Object.entries(res.json).filter(([k]) => !TOKEN_MEMBERS.includes(k)))) : res.text;
  return leaksOf(visible, own);
}

/**
 * One exchange, checked. On a loaded machine DynamoDB Local can miss the token route's 1 s store bound;
 * a single-use profile then answers 503 without calling the provider (the exactly-once rule, tested in
 * test/faults/). That answer is checked for canaries like any other, and the exchange is tried again
 * (new canaries) so that the provider's echo path is still exercised.
 */
async function exchange(profile: ProviderProfile, encoding: string, mode: Mode, grant: 'code' | 'refresh', scheme: 'basic' | 'body'): Promise<string[]> {
  const problems: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const { problems: found, storeRefused } = await exchangeOnce(profile, encoding, mode, grant, scheme);
    if (!storeRefused || attempt === 3) return [...problems, ...found];
    // Keep what the refused answer leaked (nothing, or a real finding); drop only the "not exercised" notes.
    problems.push(...found.filter((p) => !/HTTP 503|never saw the request/.test(p)));
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function exchangeOnce(profile: ProviderProfile, encoding: string, mode: Mode, grant: 'code' | 'refresh', scheme: 'basic' | 'body'): Promise<{ problems: string[]; storeRefused: boolean }> {
  plans.set(profile.id, { mode, encoding });
  const i = next();
  // Unique per request: the record is found by the fingerprint of what Alexa presented (profiles run concurrently).
  const presented = canary(grant === 'code' ? `CANARYcode-${i}-91ab/+=x ü` : `CANARYrefreshin-${i}-5e1/+ z&`);
  const params: Record<string, string> =
    grant === 'code'
      ? { grant_type: 'authorization_code', code: presented, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: canary(`CANARYverifier-${i}-abcdefghijklmnopqrstuvwxyz0123456789._~`) }
      : { grant_type: 'refresh_token', refresh_token: presented };
  const call: TokenCall = { scheme, clientId: CLIENT_ID, clientSecret: canary(`CANARYsecret-${profile.id}-Q7/+:ü x=&`), params };
  const res = await alexaTokenRequest(adapters.get(profile.id)!.url, call);
  requests += 1;
  const marker = `"${grant === 'code' ? 'codeFp' : 'refreshTokenInFp'}":"${fingerprint(presented)}"`;
  const fresh = recordLines().filter((l) => l.includes(marker));
  const where = `${profile.id} × ${encoding} × ${mode} ${grant}`;
  const problems: string[] = [];
  if (fresh.length !== 1) problems.push(`${where}: ${fresh.length} records`);
  if (mode === 'success' && res.status !== 200) problems.push(`${where}: HTTP ${res.status} ${res.text.slice(0, 120)}`);
  if (mode === 'error' && res.status === 200) problems.push(`${where}: an error answer became a success`);
  // Not vacuous: the provider really received what Alexa presented (and echoed it back).
  if (!provider.received.some((r) => r.body['code'] === presented || r.body['refresh_token'] === presented)) problems.push(`${where}: the provider never saw the request`);
  const jwt = minted.get(`/token/${profile.id}`);
  minted.delete(`/token/${profile.id}`);
  const own = [...Object.values(params), call.clientSecret!, ...(jwt ? [jwt] : [])].filter((v) => canaries.has(v));
  for (const leak of leaksOf(fresh.join('\n'), own)) problems.push(`${where}: record holds ${leak}`);
  for (const leak of answerLeaks(res, own)) problems.push(`${where}: Alexa's answer holds ${leak}`);
  const storeRefused = res.status === 503 && grant === 'refresh' && /state table is unavailable/.test(res.text);
  return { problems, storeRefused };
}

describe.concurrent('a hostile echoing provider, every profile × every encoding', () => {
  it.each(PROFILES.map((p) => [p.id, p] as const))('%s: error and success answers, code exchange and refresh', async (_id, profile) => {
    const problems: string[] = [];
    for (const [index, encoding] of ENCODING_NAMES.entries()) {
      const even = index % 2 === 0;
      problems.push(
        ...(await exchange(profile, encoding, 'error', even ? 'code' : 'refresh', even ? 'basic' : 'body')),
        ...(await exchange(profile, encoding, 'success', even ? 'refresh' : 'code', even ? 'body' : 'basic')),
      );
    }
    expect(problems).toEqual([]);
  }, 300_000);
});

describe('after the run', () => {
  it('nothing written to stdout or stderr holds a canary; every request left exactly one record', () => {
    const out = captured.join('');
    expect(recordLines()).toHaveLength(requests);
    expect(requests).toBe(PROFILES.length * ENCODING_NAMES.length * 2);
    // The records are real: fingerprints of the tokens are there, and the Apple JWTs were minted and echoed.
    expect(out).toContain('"accessTokenFp":"fp:');
    expect([...canaries].some((c) => c.startsWith('ey'))).toBe(true);
    expect(leaksInBulk(out)).toEqual([]);
  });

  it('the table holds none of the values, in clear or in any encoding', async () => {
    const { items, text: dump } = await tableDump(ddb().client(), TABLE);
    // Not vacuous: refresh markers and sealed answers, grantee and lineage mappings are there.
    expect([...new Set(items.map((i) => i.pk!.S!.split('#')[0]))].sort()).toEqual(['grantee', 'lineage', 'refresh']);
    expect(leaksInBulk(dump)).toEqual([]);
  });
});
