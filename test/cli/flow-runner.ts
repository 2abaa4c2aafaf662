/**
 * Runs multi-route diagnosis scenarios through the REAL handlers: the authorization leg in
 * interception mode (GET /authorize → the provider's login → GET /callback → POST /token, through
 * local/adapter.ts, the same handlers Lambda runs) and smart home (the smart-home function for
 * AcceptGrant and directives, the events function for the Event Gateway, each built by its factory:
 * test/support/smart-home-handlers.ts) against the Login with Amazon and Event Gateway fakes of
 * local/smart-home-fakes.ts.
 *
 * Store: DynamoDB Local (test/support/dynamodb-local.ts), a fresh state table per scenario, passed
 * in by the caller (the test's useDynamoDbLocal(), or startDynamoDbLocal() in the fixture generator).
 * Not the embedded dynalite of local mode: dynalite ignores ReturnValuesOnConditionCheckFailure, so
 * an expired grant reads as absent there and /callback says state_mismatch instead of grant_expired;
 * the fixtures must show what the handlers write on real DynamoDB semantics.
 *
 * Steps are data (flow-scenarios.ts): each names one thing Alexa, the user, the provider or the
 * user's own code does, with the tampering a failure needs.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { parseSmartHomeConfig } from '../../lambda/core/smart-home/config';
import type { SmartHomeDeps } from '../../lambda/core/smart-home/directive';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { refreshItemKey } from '../../lambda/core/refresh-guard';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import type { LogRecord } from '../../cli/records';
import { parseRecordLine } from '../../cli/records';
import { startLocalAdapter } from '../../local/adapter';
import { createStateTable } from '../../local/table-definition';
import { FAKE_ALEXA_CLIENT_ID, FAKE_ALEXA_CLIENT_SECRET, startFakeGateway, startFakeLwa, type GatewayMode } from '../../local/smart-home-fakes';
import { ALEXA_REDIRECT, authorizeUrl, hop } from '../support/alexa-browser';
import { dynamoDbClient } from '../support/dynamodb-local';
import { alexaTokenRequest } from '../support/fake-alexa';
import { startFakeServer, type ReceivedRequest } from '../support/fake-server';
import { answer, type ProviderAnswer } from './provider-answer';
import { invokeEvents, invokeSmartHome } from '../support/smart-home-handlers';
import { ALEXA_DIRECTIVE_DEADLINE_MS } from '../../lambda/contract/deadlines';

export const FLOW_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' };
export const FLOW_VENDOR = 'M2TESTVENDOR';
export const FLOW_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-0000000flows';

export type FlowStep =
  /** Alexa opens the Web Authorization URI (our /authorize); `params` override Alexa's usual ones; PKCE S256 unless `pkce: false`. */
  | { authorize: { params?: Record<string, string | undefined>; pkce?: boolean } }
  /** The user signs in at the provider: it redirects to our /callback with a code (or, for response_type=token, the token in the query), or with error=access_denied. */
  | { login: 'approve' | 'deny' }
  /** The browser follows the provider's redirect to /callback (again: a replay); `state: 'changed'` alters it on the way. */
  | { callback: { state?: 'changed' } }
  /** Seconds pass on the handlers' clock (the user sits on the login page). */
  | { wait: number }
  /** Alexa's code exchange: the code from Alexa's redirect (or `code`), with its verifier and redirect_uri unless tampered. */
  | { token: { code?: string; verifier?: 'wrong'; redirectUri?: string } }
  /**
   * Alexa refreshes with the last refresh token it got (`true`); `token: 'previous'` replays the one
   * before it (Alexa lost the answer of the last refresh); `concurrent: n` sends n refreshes at once,
   * as n Lambda instances would, against a provider that takes 300 ms to answer.
   */
  | { refresh: true | { token?: 'previous'; concurrent?: number } }
  /** An instance took the in-progress marker for the last refresh token and died (Lambda timeout, crash): what it leaves in the table. */
  | { crashedLeader: true }
  /** From here on the handlers' state table cannot be reached (DynamoDB down, network, endpoint gone). */
  | { store: 'unreachable' }
  /** Alexa sends AcceptGrant for the user's last access token. */
  | { acceptGrant: { grantCode?: 'unissued'; grantee?: 'never_issued'; secret?: 'wrong' | 'missing'; malformed?: true } }
  /** Alexa sends a PowerController directive: no forward target configured, or the skill fails. */
  | { directive: 'forwarded' | 'no_target' | 'skill_fails' }
  /** The user's code sends a ChangeReport through the events function; the gateway answers as `gateway` says. */
  | { event: { gateway?: GatewayMode; lwa?: 'revoked' } };

export interface FlowScenario {
  name: string;
  seed: string;
  provider?: 'generic' | 'github' | 'query-implicit';
  /** The provider's token answers, in order (the last one repeats); default: fresh tokens each time. */
  answers?: ProviderAnswer[];
  /** The state table does not exist (a store outage). */
  storeMissing?: true;
  /** The adapter's upstreamTimeoutMs; default the config's. (A refresh waits for a concurrent one until its request deadline, Alexa's 4.5 s less a margin.) */
  upstreamTimeoutMs?: number;
  steps: FlowStep[];
  findings: string[];
  handled?: string[];
  /** How many link timelines the records form (default 1). */
  links?: number;
}

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** How many requests to the adapter a step makes (each writes at least one record). */
export function requestsOf(step: FlowStep): number {
  if ('wait' in step || 'login' in step || 'crashedLeader' in step || 'store' in step) return 0;
  if ('refresh' in step && step.refresh !== true) return step.refresh.concurrent ?? 1;
  return 1;
}

/** How long the in-progress marker of a crashed leader is honoured: well past any wait budget. */
const CRASHED_MARKER_MS = 20_000;
/** The provider's latency while concurrent refreshes are sent: long enough that they overlap. */
const CONCURRENT_PROVIDER_DELAY_MS = 300;

function powerDirective(token: string) {
  return {
    directive: {
      header: { namespace: 'Alexa.PowerController', name: 'TurnOn', messageId: randomUUID(), correlationToken: 'Y29ycmVsYXRpb24', payloadVersion: '3' },
      endpoint: { scope: { type: 'BearerToken', token }, endpointId: 'lamp-1', cookie: {} },
      payload: {},
    },
  };
}

function changeReport() {
  return {
    event: {
      header: { namespace: 'Alexa', name: 'ChangeReport', messageId: randomUUID(), payloadVersion: '3' },
      endpoint: { endpointId: 'lamp-1' },
      payload: { change: { cause: { type: 'PHYSICAL_INTERACTION' }, properties: [] } },
    },
    context: { properties: [] },
  };
}

/** Where the state tables live: DynamoDB Local. */
export interface FlowDatabase {
  client(): DynamoDBClient;
}

export async function runFlow(s: FlowScenario, ddb: FlowDatabase): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const log = (r: object) => records.push(parseRecordLine(JSON.stringify(r))!);
  let skewMs = 0;
  const now = () => Date.now() + skewMs;
  let tokenN = 0;
  const issued: string[] = [];
  // The scripted provider: an authorization endpoint that "logs in" at once, a token endpoint, and a skill endpoint that fails.
  let loginAction: 'approve' | 'deny' = 'approve';
  let tokenDelayMs = 0;
  const provider = await startFakeServer((req: ReceivedRequest, res: ServerResponse) => {
    if (req.method === 'GET' && req.path === '/authorize') {
      const back = new URL(req.query.redirect_uri ?? 'http://invalid/');
      const set = (p: Record<string, string>) => Object.entries(p).forEach(([k, v]) => back.searchParams.set(k, v));
      if (loginAction === 'deny') set({ error: 'access_denied', error_description: 'The user denied access.' });
      // A provider doing the implicit grant in the query (against RFC 6749 §4.2.2).
      else if (req.query.response_type === 'token') set({ access_token: `at-implicit-${randomBytes(6).toString('hex')}`, token_type: 'bearer', expires_in: '3600' });
      else {
        const code = `provider-code-${randomBytes(10).toString('hex')}`;
        issued.push(code);
        set({ code });
      }
      if (req.query.state !== undefined) set({ state: req.query.state });
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (req.path === '/skill') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"errorType":"Runtime.HandlerError"}');
      return;
    }
    const n = ++tokenN;
    const a = s.answers?.[Math.min(n - 1, s.answers.length - 1)];
    const respond = () => answer(res, a ?? { status: 200, json: { access_token: `at-flow-${n}-${randomBytes(4).toString('hex')}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-flow-${n}-${randomBytes(4).toString('hex')}` } });
    if (tokenDelayMs > 0) setTimeout(respond, tokenDelayMs);
    else respond();
  });
  const tableName = `flow-${randomUUID()}`;
  if (!s.storeMissing) await createStateTable(ddb.client(), tableName);
  let store = new DynamoDbStateStore({ tableName, client: ddb.client(), nowSeconds: () => Math.floor(now() / 1000) });
  const storeFn = () => Promise.resolve(store);
  const lwa = await startFakeLwa();
  const gateway = await startFakeGateway(lwa);
  const providerId = s.provider ?? 'generic';
  const config = parseRuntimeConfig(
    {
      provider: providerId,
      tokenUrl: provider.tokenUrl,
      authorizeUrl: `${provider.url}/authorize`,
      mode: 'interception',
      vendorId: FLOW_VENDOR,
      grantTtlSeconds: 600,
      // Smart home is configured here (AcceptGrant, events): the token route maps grantee tokens, as lambda/core/config.ts sets it when `smartHome` is present.
      recordGrantees: true,
      ...(s.upstreamTimeoutMs ? { upstreamTimeoutMs: s.upstreamTimeoutMs } : {}),
      ...(providerId === 'query-implicit' ? { profile: { extends: 'generic', authorize: { responseMode: 'query' } } } : {}),
    },
    'scenario',
  );
  const adapter = await startLocalAdapter({ config, log, store: storeFn, now });
  const shConfig = parseSmartHomeConfig({ skillId: FLOW_SKILL_ID, alexaClientId: FAKE_ALEXA_CLIENT_ID, lwaTokenUrl: lwa.tokenUrl, gatewayUrl: gateway.eventsUrl });
  const shDeps = (over: Partial<SmartHomeDeps> = {}): SmartHomeDeps => ({
    config: shConfig,
    store: storeFn,
    clientSecret: () => Promise.resolve(FAKE_ALEXA_CLIENT_SECRET),
    awsRegion: 'eu-west-1',
    now,
    log,
    ...over,
  });
  let shN = 0;

  // What the walk has seen so far.
  let verifier: string | undefined;
  let providerUrl: string | undefined;
  let callbackUrl: string | undefined;
  let alexaCode: string | undefined;
  let accessToken: string | undefined;
  let refreshToken: string | undefined;
  let previousRefreshToken: string | undefined;
  const tookTokens = (res: { status: number; json: Record<string, unknown> }) => {
    if (res.status !== 200) return;
    accessToken = res.json.access_token as string;
    const rt = res.json.refresh_token as string | undefined;
    if (rt !== undefined && rt !== refreshToken) {
      previousRefreshToken = refreshToken;
      refreshToken = rt;
    }
  };
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`scenario "${s.name}": no ${what} at this step`);
    return v;
  };

  try {
    for (const step of s.steps) {
      if ('authorize' in step) {
        const code = (step.authorize.params?.response_type ?? 'code') === 'code';
        verifier = code && step.authorize.pkce !== false ? randomBytes(32).toString('base64url') : undefined;
        const pkce = verifier ? { code_challenge: s256(verifier), code_challenge_method: 'S256' } : {};
        // Alexa's state is new on every attempt.
        const state = `alexa-state-${randomBytes(12).toString('base64url')}`;
        const res = await hop(authorizeUrl(adapter.url, { client_id: FLOW_CLIENT.clientId, state, ...pkce, ...step.authorize.params }));
        providerUrl = res.status === 302 && res.location?.startsWith(provider.url) ? res.location : undefined;
      } else if ('login' in step) {
        loginAction = step.login;
        const res = await hop(need(providerUrl, 'provider redirect'));
        callbackUrl = res.location;
      } else if ('callback' in step) {
        const u = new URL(need(callbackUrl, 'callback URL'));
        if (step.callback.state === 'changed') u.searchParams.set('state', `${u.searchParams.get('state')}x`);
        const res = await hop(u.toString());
        if (res.status === 302 && res.location?.startsWith(ALEXA_REDIRECT)) {
          const alexa = new URL(res.location);
          alexaCode = alexa.searchParams.get('code') ?? undefined;
          accessToken = new URLSearchParams(alexa.hash.slice(1)).get('access_token') ?? accessToken;
        }
      } else if ('wait' in step) {
        skewMs += step.wait * 1000;
      } else if ('token' in step) {
        const t = step.token;
        const params: Record<string, string> = { grant_type: 'authorization_code', code: t.code ?? need(alexaCode, 'code from Alexa\'s redirect'), redirect_uri: t.redirectUri ?? ALEXA_REDIRECT };
        if (verifier) params.code_verifier = t.verifier === 'wrong' ? `${verifier}x` : verifier;
        tookTokens(await alexaTokenRequest(adapter.url, { scheme: 'basic', ...FLOW_CLIENT, params }));
      } else if ('refresh' in step) {
        const r = step.refresh === true ? {} : step.refresh;
        const presented = r.token === 'previous' ? need(previousRefreshToken, 'previous refresh token') : need(refreshToken, 'refresh token');
        const n = r.concurrent ?? 1;
        tokenDelayMs = n > 1 ? CONCURRENT_PROVIDER_DELAY_MS : 0;
        try {
          const answers = await Promise.all(
            Array.from({ length: n }, () => alexaTokenRequest(adapter.url, { scheme: 'basic', ...FLOW_CLIENT, params: { grant_type: 'refresh_token', refresh_token: presented } })),
          );
          // Concurrent answers are identical (one provider call): take the first.
          tookTokens(answers[0]!);
        } finally {
          tokenDelayMs = 0;
        }
      } else if ('crashedLeader' in step) {
        // As single-flight.ts writes it: the marker of a leader that never finished, honoured for a while yet.
        const t = now();
        await store.put({ pk: refreshItemKey(need(refreshToken, 'refresh token')), sk: 'flight', status: 'in_progress', owner: 'crashed-instance', inProgressUntil: t + CRASHED_MARKER_MS, expiresAt: Math.ceil((t + CRASHED_MARKER_MS) / 1000) + 1 });
      } else if ('store' in step) {
        // Nothing listens on the discard port: every store call fails to connect.
        store = new DynamoDbStateStore({ tableName, client: dynamoDbClient('http://127.0.0.1:9'), nowSeconds: () => Math.floor(now() / 1000) });
      } else if ('acceptGrant' in step) {
        const a = step.acceptGrant;
        const grantee = a.grantee === 'never_issued' ? `at-never-issued-${randomBytes(6).toString('hex')}` : need(accessToken, 'access token');
        const payload = a.malformed
          ? { grantee: { type: 'BearerToken', token: grantee } }
          : { grant: { type: 'OAuth2.AuthorizationCode', code: a.grantCode === 'unissued' ? 'ANcode-expired-or-used' : lwa.issueCode() }, grantee: { type: 'BearerToken', token: grantee } };
        const secret = a.secret === 'wrong' ? 'the-account-linking-secret' : a.secret === 'missing' ? undefined : FAKE_ALEXA_CLIENT_SECRET;
        const directive = { directive: { header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: randomUUID(), payloadVersion: '3' }, payload } };
        await invokeSmartHome(directive, shDeps({ clientSecret: () => Promise.resolve(secret) }), { requestId: `sh-${++shN}`, remainingMs: ALEXA_DIRECTIVE_DEADLINE_MS });
      } else if ('directive' in step) {
        const forwardUrl = `${provider.url}/skill`;
        const over: Partial<SmartHomeDeps> =
          step.directive === 'no_target'
            ? {}
            : {
                forwardTarget: forwardUrl,
                forward: async (d) => {
                  if (step.directive === 'forwarded') return { event: { header: { namespace: 'Alexa', name: 'Response', messageId: randomUUID(), payloadVersion: '3' }, payload: {} } };
                  // As local/smart-home.ts forwards to a local skill over HTTP.
                  const res = await fetch(forwardUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(d) });
                  if (!res.ok) throw new Error(`skill answered HTTP ${res.status}`);
                  return res.json();
                },
              };
        await invokeSmartHome(powerDirective(need(accessToken, 'access token')), shDeps(over), { requestId: `sh-${++shN}`, remainingMs: ALEXA_DIRECTIVE_DEADLINE_MS });
      } else if ('event' in step) {
        gateway.mode = step.event.gateway ?? 'normal';
        if (step.event.lwa === 'revoked') {
          // The user disabled the skill: the LWA access token is dead and the refresh token revoked.
          lwa.expireAccessTokens();
          lwa.revoke();
        }
        await invokeEvents({ granteeToken: need(accessToken, 'access token'), message: changeReport() }, shDeps(), `ev-${++shN}`);
      }
    }
    return records;
  } finally {
    await Promise.allSettled([adapter.close(), provider.close(), lwa.close(), gateway.close()]);
  }
}
