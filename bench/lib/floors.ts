/**
 * The floors the adapter is measured against: the least any proxy on the same path must do.
 * Each runs behind the same stand-in as the adapter, in a process of its own, so the paired
 * difference (adapter − floor) is the adapter's own work and nothing else.
 *
 * - forward: a bare node:http forwarder. Decodes the body API Gateway base64-encoded, POSTs it with
 *   the client's Content-Type and Authorization to the upstream (keep-alive), returns status,
 *   Content-Type and body unchanged. No parsing, no translation, no record.
 * - redirect: a stateless interception leg. /authorize sends the browser to the provider with our
 *   /callback and Alexa's redirect_uri and state packed into our state; /callback unpacks them and
 *   sends the browser back to Alexa with the code. No table, no checks, no record.
 * - accept-grant: a bare AcceptGrant. Exchanges the grant code at Login with Amazon and answers
 *   AcceptGrant.Response. No user lookup, no token storage, no record.
 * - stub: answers a canned token answer without any upstream: the stand-in's and the process's own
 *   cost, reported so it can be subtracted.
 */
import { Agent, request } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, contentType: res.headers['content-type'] ?? 'application/octet-stream', body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function forwardFloor(target: string) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const headers: Record<string, string> = { 'content-type': event.headers['content-type'] ?? 'application/x-www-form-urlencoded' };
    if (event.headers.authorization) headers.authorization = event.headers.authorization;
    const res = await post(target, headers, body);
    return { statusCode: res.status, headers: { 'content-type': res.contentType, 'cache-control': 'no-store' }, body: res.body };
  };
}

export function redirectFloor(providerAuthorizeUrl: string) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const q = new URLSearchParams(event.rawQueryString);
    if (event.rawPath.endsWith('/callback')) {
      const [alexaRedirect, alexaState] = JSON.parse(Buffer.from(q.get('state') ?? '', 'base64url').toString('utf8')) as [string, string];
      const back = new URL(alexaRedirect);
      back.searchParams.set('code', q.get('code') ?? '');
      back.searchParams.set('state', alexaState);
      return { statusCode: 302, headers: { location: back.toString() }, body: '' };
    }
    const target = new URL(providerAuthorizeUrl);
    for (const [k, v] of q) target.searchParams.set(k, v);
    target.searchParams.set('redirect_uri', `https://${event.headers.host ?? 'localhost'}/callback`);
    target.searchParams.set('state', Buffer.from(JSON.stringify([q.get('redirect_uri'), q.get('state')])).toString('base64url'));
    return { statusCode: 302, headers: { location: target.toString() }, body: '' };
  };
}

export function acceptGrantFloor(lwaTokenUrl: string, clientId: string, clientSecret: string) {
  return async (event: unknown): Promise<unknown> => {
    const directive = (event as { directive: { header: { messageId: string }; payload: { grant: { code: string } } } }).directive;
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: directive.payload.grant.code, client_id: clientId, client_secret: clientSecret });
    const res = await post(lwaTokenUrl, { 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(form.toString()));
    const ok = res.status === 200 && typeof (JSON.parse(res.body) as { access_token?: unknown }).access_token === 'string';
    return {
      event: {
        header: { namespace: 'Alexa.Authorization', name: ok ? 'AcceptGrant.Response' : 'ErrorResponse', messageId: directive.header.messageId, payloadVersion: '3' },
        payload: ok ? {} : { type: 'ACCEPT_GRANT_FAILED', message: 'LWA refused the code' },
      },
    };
  };
}

const CANNED = JSON.stringify({ access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a', token_type: 'bearer', scope: 'read:user' });

export function stubFloor() {
  return async (): Promise<APIGatewayProxyStructuredResultV2> => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: CANNED });
}
