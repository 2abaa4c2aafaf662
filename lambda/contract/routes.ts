/**
 * The adapter's handlers and routes, once. The construct turns each HTTP route into an API Gateway
 * route on its handler's function (lib/), local mode serves the same list through its API Gateway
 * stand-in (local/adapter.ts), and each handler matches its paths from here (lambda/handlers/).
 * test/infra/routes.test.ts walks the list through both.
 *
 * Adding a route: an entry here, the core module that serves it, the handler that calls the core
 * (lambda/handlers/<handler>.ts), and the construct that owns the handler's function (its cdk-nag
 * reason is keyed by the route's name, so the compiler asks for it).
 */

/** The configuration's `mode`: passthrough (only the token leg goes through the adapter) or interception (both legs). */
export const ADAPTER_MODES = ['passthrough', 'interception'] as const;
export type AdapterMode = (typeof ADAPTER_MODES)[number];

/** The handlers under lambda/handlers/: each its own Lambda function, prebuilt asset and log group. */
export const HANDLER_NAMES = ['token', 'authorize', 'smart-home', 'events'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  readonly path: `/${string}`;
  readonly handler: HandlerName;
  /** The modes the stack (and local mode) serves the route in. */
  readonly modes: readonly AdapterMode[];
}

/** Routes of the HTTP API Alexa and the user's browser call. */
export const HTTP_ROUTES = {
  /** Alexa's Access Token URI. */
  token: { method: 'POST', path: '/token', handler: 'token', modes: ADAPTER_MODES },
  /** Alexa's Web Authorization URI in interception mode. */
  authorize: { method: 'GET', path: '/authorize', handler: 'authorize', modes: ['interception'] },
  /** The redirect URI registered at the provider in interception mode. */
  callback: { method: 'GET', path: '/callback', handler: 'authorize', modes: ['interception'] },
} as const satisfies Record<string, HttpRoute>;

export type HttpRouteName = keyof typeof HTTP_ROUTES;

/**
 * The handler of the `$default` route: every other method and path reaches it, so a wrong Access
 * Token URI or method gets an RFC 6749 §5.2-shaped 404/405 and a record (API Gateway's own 404
 * would leave no trace).
 */
export const DEFAULT_ROUTE_HANDLER = 'token' satisfies HandlerName;

/** `POST /token`: API Gateway's route key, and the `route` of the route's records. */
export const routeKey = <R extends Pick<HttpRoute, 'method' | 'path'>>(route: R): `${R['method']} ${R['path']}` => `${route.method} ${route.path}`;

/** The routes served in a mode, in declaration order. */
export function routesInMode(mode: AdapterMode): [HttpRouteName, HttpRoute][] {
  return (Object.entries(HTTP_ROUTES) as [HttpRouteName, HttpRoute][]).filter(([, r]) => r.modes.includes(mode));
}

/** The routes a handler serves (in any mode), in declaration order. */
export function routesOfHandler(handler: HandlerName): [HttpRouteName, HttpRoute][] {
  return (Object.entries(HTTP_ROUTES) as [HttpRouteName, HttpRoute][]).filter(([, r]) => r.handler === handler);
}

/** Whether a request path is the route's path (API Gateway hands the handler the raw path; a trailing slash is tolerated). */
export function pathMatches(route: Pick<HttpRoute, 'path'>, rawPath: string): boolean {
  const path = rawPath.endsWith('/') && rawPath.length > 1 ? rawPath.slice(0, -1) : rawPath;
  return path === route.path || path.endsWith(route.path);
}

/**
 * Functions not behind the HTTP API: who invokes them, and the loopback route local mode serves each
 * on (local/smart-home.ts).
 */
export const INVOKED_FUNCTIONS = {
  /** Alexa invokes it directly (the smart-home skill's default endpoint). */
  'smart-home': { invokedBy: 'alexa', local: { method: 'POST', path: '/smart-home' } },
  /** The user's own code invokes it with IAM to send events to the Event Gateway. */
  events: { invokedBy: 'iam', local: { method: 'POST', path: '/events' } },
} as const satisfies Partial<Record<HandlerName, { invokedBy: 'alexa' | 'iam'; local: Pick<HttpRoute, 'method' | 'path'> }>>;
