/**
 * The adapter's routes served on loopback through the API Gateway stand-in: the same handlers
 * that run in Lambda, built from the same configuration.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Lambda timeout of the token function in the stack (lib/account-linking-adapter.ts). */
export const TOKEN_FUNCTION_TIMEOUT_MS = 5000;

export async function startLocalAdapter(options: LocalAdapterOptions): Promise<RunningServer> {
  const token = createTokenHandler({ config: options.config, log: options.log, fetch: options.fetch, store: options.store, now: options.now, applePrivateKey: options.applePrivateKey }) as V2Handler;
  const routes: Route[] = [{ method: 'POST', path: '/token', handler: token, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS }];
  // As in the stack: GET /authorize and GET /callback exist in interception mode only.
  if (options.config.mode === 'interception') {
    const authorize = createAuthorizeHandler({ config: options.config, log: options.log, fetch: options.fetch, store: options.store, now: options.now, localReturnOrigin: options.localReturnOrigin }) as V2Handler;
    routes.push({ method: 'GET', path: '/authorize', handler: authorize, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS }, { method: 'GET', path: '/callback', handler: authorize, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS });
  }
  const listener = apiGatewayListener(routes, token);
  const server = createServer((req, res) => void listener(req, res));
  server.keepAliveTimeout = 5000;
  return listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
}
