/**
 * The rules of Amazon's smart-home message schema (alexa-smarthome validation_schemas, draft-04)
 * for the messages this adapter sends, restated here (the schema itself is not part of the project):
 * - every message: {event:{header,payload}} (+ optional `context` only where allowed), nothing else;
 * - header: namespace, name, messageId (^[a-zA-Z0-9\-]*$, 1–127 chars), payloadVersion "3",
 *   optional correlationToken; no other fields;
 * - Alexa.Authorization AcceptGrant.Response: payload {} (maxProperties 0); optional context;
 * - Alexa.Authorization ErrorResponse: payload exactly {type: "ACCEPT_GRANT_FAILED", message};
 *   NO top-level context;
 * - Alexa ErrorResponse: payload {type (enum, e.g. INTERNAL_ERROR, INVALID_DIRECTIVE), message},
 *   optional event.endpoint {endpointId, …}.
 * Returns the list of broken rules (empty = valid).
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Record<string, unknown>, allowed: string[], where: string, out: string[]) => {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push(`${where}: additional property "${k}"`);
};

const ALEXA_ERROR_TYPES = ['BRIDGE_UNREACHABLE', 'ENDPOINT_BUSY', 'ENDPOINT_LOW_POWER', 'ENDPOINT_UNREACHABLE', 'EXPIRED_AUTHORIZATION_CREDENTIAL', 'FIRMWARE_OUT_OF_DATE', 'HARDWARE_MALFUNCTION', 'INTERNAL_ERROR', 'INVALID_AUTHORIZATION_CREDENTIAL', 'INVALID_DIRECTIVE', 'INVALID_VALUE', 'NO_SUCH_ENDPOINT', 'NOT_SUPPORTED_IN_CURRENT_MODE', 'RATE_LIMIT_EXCEEDED', 'TEMPERATURE_VALUE_OUT_OF_RANGE', 'VALUE_OUT_OF_RANGE'];

export function alexaResponseProblems(msg: unknown): string[] {
  const out: string[] = [];
  if (!isObject(msg)) return ['message is not an object'];
  if (!isObject(msg.event)) return ['event missing'];
  const ev = msg.event;
  const h = ev.header;
  if (!isObject(h)) return ['event.header missing'];
  onlyKeys(h, ['namespace', 'name', 'messageId', 'correlationToken', 'payloadVersion'], 'header', out);
  if (h.payloadVersion !== '3') out.push('header.payloadVersion must be "3"');
  if (typeof h.messageId !== 'string' || !/^[a-zA-Z0-9-]*$/.test(h.messageId) || h.messageId.length < 1 || h.messageId.length > 127) out.push('header.messageId breaks ^[a-zA-Z0-9\\-]*$ / 1–127');
  if (h.correlationToken !== undefined && typeof h.correlationToken !== 'string') out.push('header.correlationToken must be a string');
  const p = ev.payload;
  if (!isObject(p)) return [...out, 'event.payload missing'];
  const kind = `${String(h.namespace)} ${String(h.name)}`;
  if (kind === 'Alexa.Authorization AcceptGrant.Response') {
    onlyKeys(msg, ['event', 'context'], 'message', out);
    onlyKeys(ev, ['header', 'payload'], 'event', out);
    if (Object.keys(p).length !== 0) out.push('AcceptGrant.Response payload must be {}');
  } else if (kind === 'Alexa.Authorization ErrorResponse') {
    onlyKeys(msg, ['event'], 'message', out);
    onlyKeys(ev, ['header', 'payload'], 'event', out);
    onlyKeys(p, ['type', 'message'], 'payload', out);
    if (p.type !== 'ACCEPT_GRANT_FAILED') out.push('payload.type must be ACCEPT_GRANT_FAILED');
    if (typeof p.message !== 'string') out.push('payload.message required');
  } else if (kind === 'Alexa ErrorResponse') {
    onlyKeys(msg, ['event', 'context'], 'message', out);
    onlyKeys(ev, ['header', 'endpoint', 'payload'], 'event', out);
    if (ev.endpoint !== undefined && (!isObject(ev.endpoint) || typeof ev.endpoint.endpointId !== 'string')) out.push('event.endpoint needs endpointId');
    onlyKeys(p, ['type', 'message', 'validRange'], 'payload', out);
    if (!ALEXA_ERROR_TYPES.includes(String(p.type))) out.push(`payload.type ${String(p.type)} not in the enum`);
    if (typeof p.message !== 'string') out.push('payload.message required');
  } else {
    out.push(`not a message this adapter sends: ${kind}`);
  }
  return out;
}
