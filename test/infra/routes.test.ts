/**
 * The route list is defined once (lambda/contract/routes.ts) and both the stack and local mode are
 * built from it: this walks the list through the synthesized template (each route on its handler's
 * function, in the modes the contract names, each function with its contract timeout) and through
 * local mode (each route reaches its handler, which writes the route's record; $default and the
 * routes of other modes reach the token handler's 404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_TIMEOUT_MS } from '../../lambda/contract/deadlines';
import { ADAPTER_MODES, DEFAULT_ROUTE_HANDLER, HTTP_ROUTES, INVOKED_FUNCTIONS, routeKey, routesInMode, type AdapterMode, type HandlerName, type HttpRoute } from '../../lambda/contract/routes';
import { parseRuntimeConfig } from '../../lambda/core/config';
import type { RecordBase } from '../../lambda/core/exchange-record';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { demoAdapterConfig } from '../../local/demo-provider';
import { startLocalSmartHome, type LocalSmartHome } from '../../local/smart-home';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { HANDLER_NAMES } from '../../lib/handler-assets';
import { build } from './helpers';

const SMART_HOME = { skillId: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555', alexaClientId: 'amzn1.application-oa2-client.abc' };
/** How the template names each handler's function (construct ids, kept stable for deployed stacks). */
const FUNCTION_ID: Record<HandlerName, RegExp> = {
  token: /^AdapterTokenFunction[0-9A-F]{8}$/,
  authorize: /^AdapterAuthorizationLegFunction[0-9A-F]{8}$/,
  'smart-home': /^AdapterSmartHomeSmartHomeFunction[0-9A-F]{8}$/,
  events: /^AdapterSmartHomeEventsFunction[0-9A-F]{8}$/,
};

type Resource = { Properties: Record<string, unknown> };
const handlerOfFunction = (logicalId: string) => HANDLER_NAMES.find((h) => FUNCTION_ID[h].test(logicalId));

describe.each(ADAPTER_MODES)('the stack in %s mode', (mode) => {
  const { template } = build({ mode, authorizeUrl: 'https://github.com/login/oauth/authorize', smartHome: SMART_HOME });
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>);

  /** The handler behind a route: route → integration → function. */
  const handlerOfRoute = (route: Resource): HandlerName | undefined => {
    const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integration = integrations[target['Fn::Join'][1][1].Ref]!;
    const fn = (integration.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return handlerOfFunction(fn);
  };

  it('has exactly the contract\'s routes of this mode, each on its handler\'s function, and $default on the token function', () => {
    const actual = Object.fromEntries(routes.map((r) => [r.Properties.RouteKey as string, handlerOfRoute(r)]));
    const expected = Object.fromEntries([...routesInMode(mode).map(([, r]) => [routeKey(r), r.handler]), ['$default', DEFAULT_ROUTE_HANDLER]]);
    expect(actual).toEqual(expected);
  });

  it('gives each function the contract\'s timeout', () => {
    const timeouts = Object.fromEntries(Object.entries(functions).map(([id, fn]) => [handlerOfFunction(id), (fn.Properties.Timeout as number) * 1000]));
    const present = HANDLER_NAMES.filter((h) => mode === 'interception' || h !== 'authorize');
    expect(timeouts).toEqual(Object.fromEntries(present.map((h) => [h, FUNCTION_TIMEOUT_MS[h]])));
  });
});

describe('the contract itself', () => {
  it('every route is served in at least one mode, by a handler that has an asset', () => {
    for (const route of Object.values(HTTP_ROUTES)) {
      expect(route.modes.length).toBeGreaterThan(0);
      expect(HANDLER_NAMES).toContain(route.handler);
    }
    expect(Object.keys(INVOKED_FUNCTIONS).every((h) => (HANDLER_NAMES as readonly string[]).includes(h))).toBe(true);
  });

  it('the token function outlives Alexa\'s deadline only by the margin it needs, and smart home gets Alexa\'s 8 s', () => {
    expect(FUNCTION_TIMEOUT_MS.token).toBeGreaterThan(4500);
    expect(FUNCTION_TIMEOUT_MS.token).toBeLessThanOrEqual(5000);
    expect(FUNCTION_TIMEOUT_MS['smart-home']).toBe(8000);
    for (const ms of Object.values(FUNCTION_TIMEOUT_MS)) expect(ms % 1000).toBe(0);
  });
});

describe('local mode serves the same routes', () => {
  let db: EmbeddedDynamoDb;
  beforeAll(async () => {
    db = await startEmbeddedDynamoDb();
  });
  afterAll(async () => {
    await db.close();
  });

  async function withAdapter(mode: AdapterMode, run: (url: string, records: RecordBase[]) => Promise<void>): Promise<void> {
    const records: RecordBase[] = [];
    const store = new DynamoDbStateStore({ tableName: db.tableName, client: db.client() });
    // Nothing listens on the discard port: no request here gets as far as the provider.
    const config = parseRuntimeConfig({ ...demoAdapterConfig('http://127.0.0.1:9'), mode }, 'test');
    const adapter: RunningServer = await startLocalAdapter({ config, log: (r) => records.push(r as RecordBase), store: () => Promise.resolve(store) });
    try {
      await run(adapter.url, records);
    } finally {
      await adapter.close();
    }
  }

  const call = async (url: string, route: { method: string; path: string }) => (await fetch(`${url}${route.path}`, { method: route.method, redirect: 'manual' })).status;

  it.each(ADAPTER_MODES)('%s: each route of the mode reaches its handler; the others and unknown paths reach $default', async (mode) => {
    await withAdapter(mode, async (url, records) => {
      for (const route of Object.values(HTTP_ROUTES) as HttpRoute[]) {
        records.length = 0;
        const status = await call(url, route);
        expect(records, routeKey(route)).toHaveLength(1);
        if (route.modes.includes(mode)) {
          expect(records[0]!.route).toBe(routeKey(route));
          expect(status).not.toBe(404);
        } else {
          // The token handler behind $default: a §5.2-shaped 404 and its record.
          expect(records[0]!.route).toBe('unmatched');
          expect(status).toBe(404);
        }
      }
      records.length = 0;
      expect(await call(url, { method: 'GET', path: '/no-such-route' })).toBe(404);
      expect(records.map((r) => r.route)).toEqual(['unmatched']);
    });
  });

  it('the directly invoked functions answer on the loopback routes the contract gives them', async () => {
    const records: RecordBase[] = [];
    const store = new DynamoDbStateStore({ tableName: db.tableName, client: db.client() });
    const sh: LocalSmartHome = await startLocalSmartHome({ store: () => Promise.resolve(store), log: (r) => records.push(r as RecordBase) });
    try {
      for (const [name, fn] of Object.entries(INVOKED_FUNCTIONS)) {
        records.length = 0;
        const res = await fetch(`${sh.url}${fn.local.path}`, { method: fn.local.method, body: '{}' });
        expect(res.status, name).toBe(200);
        expect(records, name).toHaveLength(1);
      }
    } finally {
      await sh.close();
    }
  });
});
