/**
 * Smart-home message shapes: directive validation and the responses a skill sends back.
 * Alexa docs: device-apis/alexa-authorization.html (AcceptGrant), and Amazon's smart-home message
 * schema (alexa-smarthome validation_schemas): payloadVersion "3", messageId ^[a-zA-Z0-9\-]*$ of
 * 1–127 characters, correlationToken optional, additionalProperties false at every level.
 */
import { randomUUID } from 'node:crypto';
import { guardText } from '../record-guard';

export interface DirectiveHeader {
  namespace: string;
  name: string;
  messageId: string;
  payloadVersion: string;
  correlationToken?: string;
}

export interface AcceptGrantDirective {
  header: DirectiveHeader;
  grantCode: string;
  granteeToken: string;
}

/** Why a directive was refused; `message` is safe to log and to return (no secrets). */
export class DirectiveError extends Error {
  constructor(
    message: string,
    /** Header fields we could read, to shape the answer (namespace decides the ErrorResponse kind). */
    readonly header: Partial<DirectiveHeader>,
  ) {
    super(message);
    this.name = 'DirectiveError';
  }
}

/** Directives larger than this are refused unread (Lambda's own limit is 6 MB; a directive is a few KB). */
export const MAX_DIRECTIVE_BYTES = 256 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 2048): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/** The header of any directive, or a DirectiveError naming the first problem. */
export function parseEnvelope(input: unknown): { header: DirectiveHeader; payload: Record<string, unknown>; directive: Record<string, unknown> } {
  let value = input;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    if (Buffer.byteLength(text, 'utf8') > MAX_DIRECTIVE_BYTES) throw new DirectiveError(`directive larger than ${MAX_DIRECTIVE_BYTES} bytes`, {});
    try {
      value = JSON.parse(text);
    } catch {
      throw new DirectiveError('directive is not JSON', {});
    }
  } else {
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    } catch {
      throw new DirectiveError('directive is not serialisable JSON', {});
    }
    if (size > MAX_DIRECTIVE_BYTES) throw new DirectiveError(`directive larger than ${MAX_DIRECTIVE_BYTES} bytes`, {});
  }
  if (!isObject(value) || !isObject(value.directive)) throw new DirectiveError('no "directive" object', {});
  const directive = value.directive;
  const h = directive.header;
  if (!isObject(h)) throw new DirectiveError('directive.header is missing', {});
  const partial: Partial<DirectiveHeader> = {
    namespace: str(h.namespace, 100),
    name: str(h.name, 100),
    messageId: str(h.messageId, 127),
    payloadVersion: str(h.payloadVersion, 10),
    correlationToken: str(h.correlationToken, 10_000),
  };
  for (const field of ['namespace', 'name', 'messageId', 'payloadVersion'] as const) {
    if (partial[field] === undefined) throw new DirectiveError(`directive.header.${field} is missing or not a string`, partial);
  }
  if (partial.payloadVersion !== '3') throw new DirectiveError(`directive.header.payloadVersion must be "3"`, partial);
  const payload = directive.payload;
  if (!isObject(payload)) throw new DirectiveError('directive.payload is missing', partial);
  return { header: partial as DirectiveHeader, payload, directive };
}

/** AcceptGrant's payload (grant.type OAuth2.AuthorizationCode, grantee.type BearerToken). */
export function parseAcceptGrant(header: DirectiveHeader, payload: Record<string, unknown>): AcceptGrantDirective {
  if (header.namespace !== 'Alexa.Authorization' || header.name !== 'AcceptGrant') {
    throw new DirectiveError(`expected Alexa.Authorization AcceptGrant, got ${header.namespace.slice(0, 40)} ${header.name.slice(0, 40)}`, header);
  }
  const grant = payload.grant;
  const grantee = payload.grantee;
  if (!isObject(grant)) throw new DirectiveError('payload.grant is missing', header);
  if (grant.type !== 'OAuth2.AuthorizationCode') throw new DirectiveError('payload.grant.type must be OAuth2.AuthorizationCode', header);
  const code = str(grant.code);
  if (!code) throw new DirectiveError('payload.grant.code is missing', header);
  if (!isObject(grantee)) throw new DirectiveError('payload.grantee is missing', header);
  if (grantee.type !== 'BearerToken') throw new DirectiveError('payload.grantee.type must be BearerToken', header);
  const token = str(grantee.token, 8192);
  if (!token) throw new DirectiveError('payload.grantee.token is missing', header);
  return { header, grantCode: code, granteeToken: token };
}

/** A fresh messageId: a UUID matches ^[a-zA-Z0-9\-]*$ and is 36 characters. */
export const newMessageId = (): string => randomUUID();

/** A correlationToken echoed only when Alexa sent one (the schema makes it optional). */
function headerOf(namespace: string, name: string, correlationToken: string | undefined) {
  return {
    namespace,
    name,
    messageId: newMessageId(),
    ...(correlationToken !== undefined ? { correlationToken } : {}),
    payloadVersion: '3',
  };
}

export interface AlexaResponse {
  event: { header: ReturnType<typeof headerOf>; endpoint?: unknown; payload: Record<string, unknown> };
}

/** AcceptGrant.Response: payload `{}` (schema: maxProperties 0). */
export function acceptGrantResponse(correlationToken?: string): AlexaResponse {
  return { event: { header: headerOf('Alexa.Authorization', 'AcceptGrant.Response', correlationToken), payload: {} } };
}

/** Alexa.Authorization ErrorResponse: payload exactly {type: ACCEPT_GRANT_FAILED, message}; no `context`. */
export function acceptGrantFailed(message: string, correlationToken?: string): AlexaResponse {
  return {
    event: {
      header: headerOf('Alexa.Authorization', 'ErrorResponse', correlationToken),
      payload: { type: 'ACCEPT_GRANT_FAILED', message: guardText(message).slice(0, 1000) },
    },
  };
}

/**
 * Alexa ErrorResponse (namespace Alexa) for other directives, e.g. INTERNAL_ERROR or INVALID_DIRECTIVE.
 * The endpoint is echoed when the directive had one (Alexa docs: alexa-errorresponse).
 */
export function alexaErrorResponse(type: 'INTERNAL_ERROR' | 'INVALID_DIRECTIVE' | 'BRIDGE_UNREACHABLE', message: string, correlationToken?: string, endpointId?: string): AlexaResponse {
  return {
    event: {
      header: headerOf('Alexa', 'ErrorResponse', correlationToken),
      ...(endpointId !== undefined ? { endpoint: { endpointId } } : {}),
      payload: { type, message: guardText(message).slice(0, 1000) },
    },
  };
}
