/**
 * The exported Lambda entry point with hand-built API Gateway HTTP API (payload 2.0) events:
 * configuration from ADAPTER_CONFIG, a form body base64-encoded as API Gateway delivers it.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALEXA_REDIRECT_URI, rfcBasic } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';

let rfc: FakeGeneric;
const stdout: string[] = [];

beforeAll(async () => {
  rfc = await startFakeGeneric({ clients: { alexa: 's3cret/+' }, redirectUri: ALEXA_REDIRECT_URI });
  process.env.ADAPTER_CONFIG = JSON.stringify({ provider: 'generic', tokenUrl: rfc.tokenUrl, upstreamTimeoutMs: 1000 });
  // Capture (and swallow) stdout: the default record sink writes there, as in Lambda.
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
});
afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env.ADAPTER_CONFIG;
  await rfc?.close();
});

function event(body: string, headers: Record<string, string>, isBase64Encoded: boolean, method = 'POST', path = '/token'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /token',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '54.240.197.1', userAgent: 'Apache-HttpClient/4.5.13 (Java/1.8.0_152)' },
      requestId: 'apigw-req-1',
      routeKey: 'POST /token',
      stage: '$default',
      time: '25/Nov/2026:15:00:00 +0000',
      timeEpoch: 1795791600000,
    },
    body,
    isBase64Encoded,
  };
}

const context = { awsRequestId: 'lambda-req-1', getRemainingTimeInMillis: () => 4800 } as unknown as Context;

function recordsWritten(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"alexa-link-adapter.exchange"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Lambda handler entry', () => {
  it('decodes a base64 form body, forwards Basic, answers §5.1 and writes one record line to stdout', async () => {
    const { handler } = await import('../../lambda/handlers/token');
    rfc.addCode('lambda-code', { accessToken: 'lambda-at', refreshToken: 'lambda-rt', expiresIn: 3600 });
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'lambda-code', redirect_uri: ALEXA_REDIRECT_URI }).toString();
    const before = recordsWritten().length;

    const result = await handler(
      event(Buffer.from(form).toString('base64'), { 'content-type': 'application/x-www-form-urlencoded', authorization: rfcBasic('alexa', 's3cret/+') }, true),
      context,
    );

    expect(typeof result).toBe('object');
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body!)).toEqual({ access_token: 'lambda-at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'lambda-rt' });
    expect(rfc.last().body).toMatchObject({ code: 'lambda-code', redirect_uri: ALEXA_REDIRECT_URI });
    expect(rfc.last().basic).toEqual({ clientId: 'alexa', clientSecret: 's3cret/+' });

    const records = recordsWritten().slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', requestId: 'apigw-req-1', grantType: 'authorization_code', clientAuth: 'basic' });
  });

  it('the same body NOT decoded would be refused: base64 text is not a token request', async () => {
    const { handler } = await import('../../lambda/handlers/token');
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'alexa', client_secret: 's3cret/+' }).toString();
    // A handler that ignored isBase64Encoded would see this; prove the flag is what makes the difference.
    const result = await handler(event(Buffer.from(form).toString('base64'), { 'content-type': 'application/x-www-form-urlencoded' }, false), context);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body!).error).toBe('invalid_request');
  });

  it('a plain-text (not base64) form body is read as is', async () => {
    const { handler } = await import('../../lambda/handlers/token');
    rfc.addRefreshToken('plain-rt', { accessToken: 'plain-at' });
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'plain-rt', client_id: 'alexa', client_secret: 's3cret/+' }).toString();
    const result = await handler(event(form, { 'Content-Type': 'application/x-www-form-urlencoded' }, false), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toMatchObject({ access_token: rfc.lastIssued!.accessToken, refresh_token: 'plain-rt' });
    expect(rfc.lastIssued!.accessToken.startsWith('plain-at')).toBe(true);
  });

  it('a wrong method through the Lambda entry → 405 with Allow and one record', async () => {
    const { handler } = await import('../../lambda/handlers/token');
    const before = recordsWritten().length;
    const result = await handler(event('', {}, false, 'GET'), context);
    expect(result.statusCode).toBe(405);
    expect(result.headers?.['allow']).toBe('POST');
    expect(recordsWritten().slice(before)).toHaveLength(1);
  });
});
