/**
 * The exchange types the bench measures, each as two arms in processes of their own behind the
 * same stand-in: the adapter (the real Lambda bundle) and its floor (bench/lib/floors.ts). The
 * `state` scenario pairs the stateless adapter (no table) with the stateful one instead: what the
 * refresh guard's DynamoDB calls add.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { FAKE_ALEXA_CLIENT_ID, FAKE_ALEXA_CLIENT_SECRET } from '../../local/smart-home-fakes';
import type { HostRoute } from '../procs/host';
import { send } from './client';

export type ExchangeId = 'code' | 'refresh' | 'refresh-rotating' | 'state' | 'link' | 'code-smart-home' | 'accept-grant';
export type ArmName = 'floor' | 'adapter';

export interface ArmSpec {
  kind: 'http' | 'invoke';
  routes: HostRoute[];
  env: Record<string, string>;
}

export interface Environment {
  upstream: string;
  lwaTokenUrl: string;
  tableName: string;
  bundles: Record<'token' | 'authorize' | 'smart-home', string>;
}

export interface Scenario {
  id: ExchangeId;
  title: string;
  /** What the floor arm is, for the table. */
  floorName: string;
  legs: string[];
  /** Lambda invocations (and, for `http` arms, API Gateway requests) per exchange, by leg. */
  arms(env: Environment, ddbEndpoint: string): Record<ArmName, ArmSpec>;
  /**
   * One exchange through one arm: ms per leg. Throws when an answer is not the expected success.
   * Multi-leg exchanges call `onLeg` before each leg (the counting proxy attributes calls to it).
   */
  step(arm: ArmName, base: string, i: number, onLeg?: (leg: string) => Promise<unknown>): Promise<Record<string, number>>;
  /** Legs during which the Lambda waits for the provider (billed wait), and legs not behind API Gateway. */
  providerWaitLegs: string[];
  /** Count DynamoDB calls in a separate pass through the counting proxy. */
  countDynamoDb: boolean;
}

export const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';
const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-secret-0123456789';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';
const SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-0000000bench';

function expect(ok: boolean, what: string, body: string): void {
  if (!ok) throw new Error(`${what}: ${body.slice(0, 300)}`);
}

/** Alexa's token request: HTTP Basic ("HTTP Basic (Recommended)"), form body. */
async function tokenRequest(base: string, params: Record<string, string>): Promise<{ ms: number; body: string }> {
  const r = await send(`${base}/token`, { method: 'POST', headers: { 'content-type': FORM, authorization: BASIC }, body: new URLSearchParams(params).toString() });
  expect(r.status === 200 && r.body.includes('access_token') && !r.body.includes('"error"') && !r.body.includes('error='), `POST /token answered ${r.status}`, r.body);
  return { ms: r.ms, body: r.body };
}

const code = () => randomBytes(10).toString('hex');
/** Google refresh tokens look like `1//0g…` (~100 characters). */
const googleRefreshToken = () => `1//0g${randomBytes(72).toString('base64url')}`;
const githubRefreshToken = () => `ghr_${randomBytes(57).toString('base64url')}`;

/**
 * One deployment key for every process of a run, as the stack gives every function the same one
 * (lib/deployment-key.ts): the grantee keys the token function writes are the keys AcceptGrant reads.
 */
const DEPLOYMENT_KEY = randomBytes(32).toString('base64url');

function commonEnv(env: Environment, ddbEndpoint: string, table: boolean): Record<string, string> {
  return {
    ADAPTER_DEPLOYMENT_KEY: DEPLOYMENT_KEY,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: ddbEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: env.upstream,
    ...(table ? { TABLE_NAME: env.tableName } : {}),
  };
}

function tokenArms(upstreamPath: string, provider: string, extra: Record<string, unknown> = {}) {
  return (env: Environment, ddb: string): Record<ArmName, ArmSpec> => ({
    floor: { kind: 'http', routes: [{ method: 'POST', path: '/token', handler: { floor: 'forward', target: `${env.upstream}${upstreamPath}` } }], env: {} },
    adapter: {
      kind: 'http',
      routes: [{ method: 'POST', path: '/token', handler: { bundle: env.bundles.token } }],
      // As the stack deploys it: TABLE_NAME is always set (lib/account-linking-adapter.ts).
      env: { ...commonEnv(env, ddb, true), ADAPTER_CONFIG: JSON.stringify({ provider, tokenUrl: `${env.upstream}${upstreamPath}`, ...extra }) },
    },
  });
}

/** Access tokens the smart-home code exchange handed out (grantee tokens for AcceptGrant). */
export const granteeTokens: string[] = [];

/** A single POST /token exchange through the adapter and through the forwarder. */
function tokenScenario(id: ExchangeId, title: string, upstreamPath: string, provider: string, params: () => Record<string, string>): Scenario {
  return {
    id,
    title,
    floorName: 'node:http forwarder',
    legs: ['token'],
    providerWaitLegs: ['token'],
    arms: tokenArms(upstreamPath, provider),
    async step(_arm, base) {
      return { token: (await tokenRequest(base, params())).ms };
    },
    countDynamoDb: true,
  };
}

export const SCENARIOS: Scenario[] = [
  tokenScenario('code', 'code exchange (GitHub-like, form answer)', '/github/token', 'github', () => ({ grant_type: 'authorization_code', code: code(), redirect_uri: ALEXA_REDIRECT })),
  tokenScenario('refresh', 'refresh, non-rotating (Google-like)', '/google/token', 'google', () => ({ grant_type: 'refresh_token', refresh_token: googleRefreshToken() })),
  tokenScenario('refresh-rotating', 'refresh, rotating single-use (GitHub App)', '/rotating/token', 'github-app', () => ({ grant_type: 'refresh_token', refresh_token: githubRefreshToken() })),
  {
    id: 'state',
    title: 'state overhead: rotating refresh, stateful vs stateless adapter',
    floorName: 'adapter without table',
    legs: ['token'],
    providerWaitLegs: ['token'],
    arms(env, ddb) {
      const arms = tokenArms('/rotating/token', 'github-app')(env, ddb);
      const stateless = { ...arms.adapter.env };
      delete stateless.TABLE_NAME;
      return { floor: { ...arms.adapter, env: stateless }, adapter: arms.adapter };
    },
    step: (arm, base, i) => SCENARIOS.find((s) => s.id === 'refresh-rotating')!.step(arm, base, i),
    countDynamoDb: false,
  },
  {
    id: 'link',
    title: 'interception: authorize + callback, then the code exchange',
    floorName: 'stateless redirector + forwarder',
    legs: ['authorize', 'callback', 'token'],
    providerWaitLegs: ['token'],
    arms(env, ddb) {
      const config = { provider: 'github', mode: 'interception', tokenUrl: `${env.upstream}/github/token`, authorizeUrl: `${env.upstream}/github/authorize` };
      return {
        floor: {
          kind: 'http',
          routes: [
            { method: 'GET', path: '/authorize', handler: { floor: 'redirect', target: `${env.upstream}/github/authorize` } },
            { method: 'GET', path: '/callback', handler: { floor: 'redirect', target: `${env.upstream}/github/authorize` } },
            { method: 'POST', path: '/token', handler: { floor: 'forward', target: `${env.upstream}/github/token` } },
          ],
          env: {},
        },
        adapter: {
          kind: 'http',
          routes: [
            { method: 'GET', path: '/authorize', handler: { bundle: env.bundles.authorize } },
            { method: 'GET', path: '/callback', handler: { bundle: env.bundles.authorize } },
            { method: 'POST', path: '/token', handler: { bundle: env.bundles.token } },
          ],
          env: { ...commonEnv(env, ddb, true), ADAPTER_CONFIG: JSON.stringify(config) },
        },
      };
    },
    async step(_arm, base, _i, onLeg) {
      const verifier = randomBytes(32).toString('base64url');
      const alexaState = randomBytes(24).toString('base64url');
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: ALEXA_REDIRECT,
        state: alexaState,
        scope: 'profile',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      await onLeg?.('authorize');
      const a = await send(`${base}/authorize?${q}`, { method: 'GET' });
      const toProvider = new URL(String(a.headers.location ?? 'http://invalid/'));
      expect(a.status === 302 && toProvider.searchParams.has('state'), `GET /authorize answered ${a.status}`, a.body);
      const providerCode = code();
      await onLeg?.('callback');
      const c = await send(`${base}/callback?${new URLSearchParams({ code: providerCode, state: toProvider.searchParams.get('state')! })}`, { method: 'GET' });
      const back = new URL(String(c.headers.location ?? 'http://invalid/'));
      expect(c.status === 302 && back.searchParams.get('state') === alexaState && back.searchParams.get('code') === providerCode, `GET /callback answered ${c.status}`, c.body);
      await onLeg?.('token');
      const t = await tokenRequest(base, { grant_type: 'authorization_code', code: providerCode, redirect_uri: ALEXA_REDIRECT, code_verifier: verifier });
      return { authorize: a.ms, callback: c.ms, token: t.ms };
    },
    countDynamoDb: true,
  },
  {
    id: 'code-smart-home',
    title: 'code exchange in a smart-home deployment (grantee mapping)',
    floorName: 'node:http forwarder',
    legs: ['token'],
    providerWaitLegs: ['token'],
    arms: tokenArms('/github/token', 'github', { recordGrantees: true }),
    async step(arm, base) {
      const r = await tokenRequest(base, { grant_type: 'authorization_code', code: code(), redirect_uri: ALEXA_REDIRECT });
      if (arm === 'adapter') granteeTokens.push((JSON.parse(r.body) as { access_token: string }).access_token);
      return { token: r.ms };
    },
    countDynamoDb: true,
  },
  {
    id: 'accept-grant',
    title: 'AcceptGrant (smart home, LWA code exchange)',
    floorName: 'bare LWA exchange',
    legs: ['invoke'],
    providerWaitLegs: ['invoke'],
    arms(env, ddb) {
      return {
        floor: { kind: 'invoke', routes: [{ method: 'POST', path: '/', handler: { floor: 'accept-grant', target: env.lwaTokenUrl, clientId: FAKE_ALEXA_CLIENT_ID, clientSecret: FAKE_ALEXA_CLIENT_SECRET } }], env: {} },
        adapter: {
          kind: 'invoke',
          routes: [{ method: 'POST', path: '/', handler: { bundle: env.bundles['smart-home'] } }],
          env: {
            ...commonEnv(env, ddb, true),
            SMART_HOME_CONFIG: JSON.stringify({ skillId: SKILL_ID, alexaClientId: FAKE_ALEXA_CLIENT_ID, lwaTokenUrl: env.lwaTokenUrl, gatewayUrl: `${env.upstream}/v3/events` }),
            ALEXA_CLIENT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:alexa-client-secret-AbCdEf',
          },
        },
      };
    },
    async step(arm, base) {
      const grantCode = lwaCodes.shift();
      const grantee = arm === 'adapter' ? granteeTokens.shift() : `Atza|${randomBytes(40).toString('base64url')}`;
      if (!grantCode || !grantee) throw new Error('AcceptGrant ran out of LWA codes or grantee tokens (the code-smart-home scenario provides them)');
      const directive = {
        directive: {
          header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: randomUUID(), payloadVersion: '3' },
          payload: { grant: { type: 'OAuth2.AuthorizationCode', code: grantCode }, grantee: { type: 'BearerToken', token: grantee } },
        },
      };
      const r = await send(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(directive) });
      expect(r.status === 200 && r.body.includes('"AcceptGrant.Response"'), `AcceptGrant answered ${r.status}`, r.body);
      return { invoke: r.ms };
    },
    countDynamoDb: true,
  },
];

/** LWA grant codes registered at the fake before the AcceptGrant scenario (single-use). */
export const lwaCodes: string[] = [];
