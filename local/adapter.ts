/**
 * The adapter's routes served on loopback through the API Gateway stand-in: the contract's route
 * list (lambda/contract/routes.ts) for the configured mode, each on the handler that serves it in
 * Lambda, built by the same factory from the same configuration, with the same remaining time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FUNCTION_TIMEOUT_MS } from '../lambda/contract/deadlines';
import { DEFAULT_ROUTE_HANDLER, routesInMode, type HandlerName } from '../lambda/contract/routes';
import type { RuntimeConfig } from '../lambda/core/config';
import { createAuthorizeHandler } from '../lambda/handlers/authorize';
import { createTokenHandler } from '../lambda/handlers/token';
import type { RecordSink } from '../lambda/shared/log';
import type { StateStore } from '../lambda/store/state-store';
import { apiGatewayListener, type Route, type V2Handler } from './api-gateway';

export interface LocalAdapterOptions {
  config: RuntimeConfig;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback only, unless you really mean it. */
  host?: string;
  log?: RecordSink;
  fetch?: typeof fetch;
  /** Grant and token state (local mode: the embedded store; tests: DynamoDB Local). */
  store?: () => Promise<StateStore>;
  /** Clock of the handlers (tests of expiry). */
  now?: () => number;
  /** Sign in with Apple's private key (PEM); default: APPLE_PRIVATE_KEY(_FILE) or the configured secret. */
  applePrivateKey?: () => Promise<string>;
  /**
   * The link simulator's origin (local/simulator): its `/api/skill/link/<vendorId>` is accepted as
   * Alexa's redirect URL. Local mode only; a deployment has no way to set it.
   */
  localReturnOrigin?: string;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(server: Server, port: number, host: string): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${hostPart}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The handlers behind the HTTP API, each built by its factory from the local options. */
const HTTP_HANDLERS: Partial<Record<HandlerName, (o: LocalAdapterOptions) => V2Handler>> = {
  token: (o) => createTokenHandler({ config: o.config, log: o.log, fetch: o.fetch, store: o.store, now: o.now, applePrivateKey: o.applePrivateKey }) as V2Handler,
  authorize: (o) => createAuthorizeHandler({ config: o.config, log: o.log, fetch: o.fetch, store: o.store, now: o.now, localReturnOrigin: o.localReturnOrigin }) as V2Handler,
};

export async function startLocalAdapter(options: LocalAdapterOptions): Promise<RunningServer> {
  // One instance per handler, as one Lambda function serves all of its routes.
  const built = new Map<HandlerName, V2Handler>();
  const handlerOf = (name: HandlerName): V2Handler => {
    const factory = HTTP_HANDLERS[name];
    if (!factory) throw new Error(`local mode has no HTTP handler "${name}"`);
    if (!built.has(name)) built.set(name, factory(options));
    return built.get(name)!;
  };
  // As in the stack: the routes of the configured mode, and $default on the token handler.
  const routes: Route[] = routesInMode(options.config.mode).map(([, r]) => ({ method: r.method, path: r.path, handler: handlerOf(r.handler), timeoutMs: FUNCTION_TIMEOUT_MS[r.handler] }));
  const listener = apiGatewayListener(routes, { handler: handlerOf(DEFAULT_ROUTE_HANDLER), timeoutMs: FUNCTION_TIMEOUT_MS[DEFAULT_ROUTE_HANDLER] });
  const server = createServer((req, res) => void listener(req, res));
  server.keepAliveTimeout = 5000;
  return listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
}
