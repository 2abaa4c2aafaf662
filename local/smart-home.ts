/**
 * Smart home in local mode: the LWA and Event Gateway fakes, and a loopback stand-in for the two
 * Lambda functions (Alexa's direct invoke of the smart-home function, and the IAM-invoked events
 * function), each built by the handler's own factory with the same store as the token route, on the
 * loopback route the contract gives it (lambda/contract/routes.ts INVOKED_FUNCTIONS):
 *
 *   POST /smart-home   body: a directive, as Alexa sends it    → the smart-home function's answer
 *   POST /events       body: {granteeToken, message}          → the events function's answer
 *   GET  /lwa/code     a fresh LWA grant code (what Alexa would put into AcceptGrant)
 *
 * The Alexa Client Secret is the LWA fake's (or ALEXA_CLIENT_SECRET, to try a wrong one); set
 * SMART_HOME_FORWARD_URL to forward other directives to a local skill over HTTP.
 */
import { createServer } from 'node:http';
import { FUNCTION_TIMEOUT_MS } from '../lambda/contract/deadlines';
import { LOCAL_ENV } from '../lambda/contract/env';
import { INVOKED_FUNCTIONS, routeKey } from '../lambda/contract/routes';
import { parseSmartHomeConfig, type SmartHomeConfig } from '../lambda/core/smart-home/config';
import { createEventsHandler } from '../lambda/handlers/events';
import { createSmartHomeHandler, type SmartHomeHandlerDeps } from '../lambda/handlers/smart-home';
import type { RecordSink } from '../lambda/shared/log';
import type { StateStore } from '../lambda/store/state-store';
import { listen, type RunningServer } from './adapter';
import { FAKE_ALEXA_CLIENT_ID, FAKE_ALEXA_CLIENT_SECRET, startFakeGateway, startFakeLwa, type FakeGateway, type FakeLwa } from './smart-home-fakes';

export const LOCAL_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-00000000local';
const MAX_BODY = 512 * 1024;

export interface LocalSmartHome extends RunningServer {
  lwa: FakeLwa;
  gateway: FakeGateway;
  config: SmartHomeConfig;
}

export async function startLocalSmartHome(options: { store: () => Promise<StateStore>; log: RecordSink; port?: number; host?: string }): Promise<LocalSmartHome> {
  const host = options.host ?? '127.0.0.1';
  const lwa = await startFakeLwa({ host });
  const gateway = await startFakeGateway(lwa, { host });
  const config = parseSmartHomeConfig({ skillId: LOCAL_SKILL_ID, alexaClientId: FAKE_ALEXA_CLIENT_ID, lwaTokenUrl: lwa.tokenUrl, gatewayUrl: gateway.eventsUrl });
  const forwardUrl = process.env[LOCAL_ENV.smartHomeForwardUrl];
  const deps: SmartHomeHandlerDeps = {
    config,
    store: options.store,
    clientSecret: () => Promise.resolve(process.env[LOCAL_ENV.alexaClientSecret] ?? FAKE_ALEXA_CLIENT_SECRET),
    forward: forwardUrl
      ? async (directive) => {
          const res = await fetch(forwardUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(directive) });
          if (!res.ok) throw new Error(`skill answered HTTP ${res.status}`);
          return res.json();
        }
      : undefined,
    forwardTarget: forwardUrl,
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    log: options.log,
  };
  const smartHome = createSmartHomeHandler(deps);
  const events = createEventsHandler(deps);
  const routes = INVOKED_FUNCTIONS;
  /** Lambda's context: the request id, and the function's timeout as its remaining time. */
  const context = (awsRequestId: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
  };
  let n = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size <= MAX_BODY) chunks.push(c as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const requestId = `local-sh-${++n}`;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && path === '/lwa/code') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(lwa.issueCode());
      }
      if (req.method === routes['smart-home'].local.method && path === routes['smart-home'].local.path) {
        // Lambda receives the parsed event; unparsable input reaches the core as text (→ ErrorResponse).
        let event: unknown = text;
        try {
          event = size > MAX_BODY ? text : JSON.parse(text);
        } catch {
          event = text;
        }
        return reply(200, await smartHome(event, context(requestId, FUNCTION_TIMEOUT_MS['smart-home'])));
      }
      if (req.method === routes.events.local.method && path === routes.events.local.path) {
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch {
          event = null;
        }
        return reply(200, await events(event, context(requestId, FUNCTION_TIMEOUT_MS.events)));
      }
      reply(404, { error: `${routeKey(routes['smart-home'].local)}, ${routeKey(routes.events.local)} or GET /lwa/code` });
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  const running = await listen(server, options.port ?? 0, host);
  return {
    ...running,
    lwa,
    gateway,
    config,
    close: async () => {
      await Promise.allSettled([running.close(), lwa.close(), gateway.close()]);
    },
  };
}

/** Lines for the local-mode banner. */
export function smartHomeBanner(sh: LocalSmartHome, tokenUri: string, codeUrl: string | undefined): string[] {
  const directiveUrl = `${sh.url}${INVOKED_FUNCTIONS['smart-home'].local.path}`;
  const eventsUrl = `${sh.url}${INVOKED_FUNCTIONS.events.local.path}`;
  return [
    `  smart home         ${directiveUrl} (AcceptGrant and directives), ${eventsUrl} (send an event)`,
    `  fake LWA / gateway ${sh.lwa.tokenUrl}  ${sh.gateway.eventsUrl}`,
    '',
    'Smart home: link, AcceptGrant, then a ChangeReport (npm run local:directive does the same):',
    '',
    codeUrl
      ? `  TOKEN=$(curl -s -u demo-client:demo-secret -d grant_type=authorization_code -d code=$(curl -s ${codeUrl}) -d redirect_uri=https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA ${tokenUri} | jq -r .access_token)`
      : '  TOKEN=<an access_token from the token route>',
    `  curl -s ${directiveUrl} -d '{"directive":{"header":{"namespace":"Alexa.Authorization","name":"AcceptGrant","messageId":"m-1","payloadVersion":"3"},"payload":{"grant":{"type":"OAuth2.AuthorizationCode","code":"'$(curl -s ${sh.url}/lwa/code)'"},"grantee":{"type":"BearerToken","token":"'$TOKEN'"}}}}'`,
    `  curl -s ${eventsUrl} -d '{"granteeToken":"'$TOKEN'","message":{"event":{"header":{"namespace":"Alexa","name":"ChangeReport","messageId":"m-2","payloadVersion":"3"},"endpoint":{"endpointId":"lamp-1"},"payload":{"change":{"cause":{"type":"PHYSICAL_INTERACTION"},"properties":[]}}}}}'`,
  ];
}
