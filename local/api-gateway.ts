/**
 * A local stand-in for API Gateway HTTP API with Lambda proxy integration, payload format 2.0:
 * it turns a Node HTTP request into the event API Gateway would build and the handler's result
 * back into an HTTP answer.
 *
 * Fidelity that matters for our handlers: bodies of every content type other than text/*,
 * application/json, application/xml and application/javascript arrive base64-encoded with
 * `isBase64Encoded: true` (a form-encoded token request included); header names are lower-case;
 * repeated headers are joined with commas; cookies move to `cookies`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway HTTP APIs accept payloads up to 10 MB and hand them to the Lambda, which decides. */
const MAX_LOCAL_BODY = 10 * 1024 * 1024;

export type V2Handler = (event: APIGatewayProxyEventV2, context: { awsRequestId: string; getRemainingTimeInMillis: () => number }) => Promise<APIGatewayProxyResultV2>;

export interface Route {
  method: string;
  path: string;
  handler: V2Handler;
  /** Lambda timeout the route's function has in the stack, in ms (its remaining time at the start). */
  timeoutMs: number;
}

function isTextContentType(contentType: string | undefined): boolean {
  const mt = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mt.startsWith('text/') || mt === 'application/json' || mt === 'application/xml' || mt === 'application/javascript';
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_LOCAL_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function buildEvent(req: IncomingMessage, body: Buffer, routeKey: string): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // API Gateway adds X-Forwarded-Proto (https there; the stand-in serves plain http on loopback).
  headers['x-forwarded-proto'] ??= 'http';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const cookies = req.headers.cookie ? req.headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
  const text = isTextContentType(headers['content-type']);
  const now = Date.now();
  // API Gateway's request ids are 16 characters (e.g. `Jz6X2hYzoAMEMdA=`), not UUIDs: records measure as deployed.
  const requestId = `${randomBytes(11).toString('base64url')}=`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // A bare string (or other non-object) answer means 200 application/json (payload format 2.0).
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
}

/** Returns a Node request listener that dispatches to routes like an HTTP API, with a `$default` route when `fallback` is given. */
export function apiGatewayListener(routes: readonly Route[], fallback?: Pick<Route, 'handler' | 'timeoutMs'>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end('{"message":"Request Entity Too Large"}');
        return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => r.method === req.method && r.path === path);
      const target = route ?? fallback;
      if (!target) {
        // What API Gateway answers for an unmatched route when there is no $default route.
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"Not Found"}');
        return;
      }
      const event = buildEvent(req, body, route ? `${route.method} ${route.path}` : '$default');
      const deadline = Date.now() + target.timeoutMs;
      const result = await target.handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => deadline - Date.now() });
      writeResult(res, result);
    } catch {
      // What API Gateway answers when the integration fails.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    }
  };
}
