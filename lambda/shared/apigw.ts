/**
 * API Gateway HTTP API (payload format 2.0) ⇄ the transport-neutral request/answer of the core.
 * Form bodies arrive base64-encoded (`isBase64Encoded: true`): every non-text content type does.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpAnswer, HttpRequest } from '../core/http-types';

export function toHttpRequest(event: APIGatewayProxyEventV2, requestId: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    headers,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    query,
    rawQuery: event.rawQueryString ?? '',
    requestId: event.requestContext?.requestId ?? requestId,
  };
}

export function toApiGatewayResult(answer: HttpAnswer): APIGatewayProxyStructuredResultV2 {
  return { statusCode: answer.status, headers: answer.headers, body: answer.body, isBase64Encoded: false };
}
