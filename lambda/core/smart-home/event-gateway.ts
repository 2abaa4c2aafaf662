/**
 * Sends an event to the Alexa Event Gateway (Alexa docs: smarthome/send-events.html): POST
 * …/v3/events with `Authorization: Bearer <LWA access token>` and the same token in the message's
 * `scope` (event.endpoint.scope, or event.payload.scope when the event has no endpoint, e.g.
 * Discovery AddOrUpdateReport). 202 is success. Error bodies are
 * {"header":{"namespace":"System","name":"Exception",…},"payload":{"code","description"}}.
 */
import type { StateStore } from '../../store/state-store';
import { fingerprint } from '../fingerprint';
import { prose } from '../redact';
import { guardText } from '../record-guard';
import { withSecretScope } from '../secret-scope';
import { gatewayUrlFor, type GatewayRegion, type SmartHomeConfig } from './config';
import { resolveUser } from './identity';
import { getAccessToken, revokeTokens } from './lwa-tokens';
import { verdict } from '../../contract/verdicts';
import { finishRecord, newRecord, type SmartHomeRecord, type SmartHomeSink } from './records';

export interface SendEventRequest {
  /** Any access token our token route issued for the user (e.g. the latest directive's scope.token). */
  granteeToken: string;
  /** The Alexa event message: {event:{header,endpoint?,payload}, context?}. Its scope token is filled in. */
  message: unknown;
}

export interface SendEventResult {
  /** 202 when the gateway accepted the event; otherwise the gateway's status, or 400/404/502/504 of our own. */
  status: number;
  accepted: boolean;
  /** The gateway's payload.code, or our verdict code when the gateway was not called. */
  code: string;
  message: string;
}

export interface GatewayDeps {
  config: SmartHomeConfig;
  store: () => Promise<StateStore>;
  clientSecret: () => Promise<string | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
  log: SmartHomeSink;
  sleep?: (ms: number) => Promise<void>;
  /** Gateway call budget, ms. */
  gatewayTimeoutMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_MESSAGE_BYTES = 1024 * 1024;

interface GatewayAnswer {
  status: number;
  code?: string;
  description?: string;
}

async function post(url: string, token: string, message: Record<string, unknown>, deps: GatewayDeps): Promise<GatewayAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.gatewayTimeoutMs ?? 5000);
  try {
    const res = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(message),
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = (await res.text()).slice(0, 64 * 1024);
    let code: string | undefined;
    let description: string | undefined;
    try {
      const body = JSON.parse(text) as { payload?: { code?: unknown; description?: unknown } };
      if (typeof body.payload?.code === 'string' && /^[A-Z_]{1,80}$/.test(body.payload.code)) code = body.payload.code;
      if (typeof body.payload?.description === 'string') description = prose(body.payload.description, 300, [token]);
    } catch {
      /* not JSON: status alone */
    }
    return { status: res.status, code, description };
  } catch {
    return { status: controller.signal.aborted ? 504 : 502, code: controller.signal.aborted ? 'GATEWAY_TIMEOUT' : 'GATEWAY_UNREACHABLE' };
  } finally {
    clearTimeout(timer);
  }
}

/** Puts the token into event.endpoint.scope, or event.payload.scope when the event has no endpoint. */
export function withScope(message: Record<string, unknown>, token: string): Record<string, unknown> {
  const copy = structuredClone(message) as { event: Record<string, unknown> };
  const scope = { type: 'BearerToken', token };
  if (isObject(copy.event.endpoint)) copy.event.endpoint = { ...copy.event.endpoint, scope };
  else copy.event.payload = { ...(isObject(copy.event.payload) ? copy.event.payload : {}), scope };
  return copy;
}

export function sendEvent(req: SendEventRequest, deps: GatewayDeps, requestId: string): Promise<SendEventResult> {
  // One secret scope per event: what it sees is scrubbed from its records and its answer.
  return withSecretScope(() => send(req, deps, requestId));
}

async function send(req: SendEventRequest, deps: GatewayDeps, requestId: string): Promise<SendEventResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const record = newRecord('POST /events', requestId, start);
  const done = (r: SendEventResult, outcome: SmartHomeRecord['outcome']): SendEventResult => {
    record.outcome = outcome;
    record.response = { status: r.status };
    return { ...r, code: guardText(r.code), message: guardText(r.message) };
  };
  try {
    if (!isObject(req) || typeof req.granteeToken !== 'string' || req.granteeToken === '' || !isObject(req.message) || !isObject(req.message.event) || !isObject(req.message.event.header)) {
      record.verdicts.push(verdict('gateway_invalid_request', 'error', 'refused before calling the gateway: the request needs {granteeToken, message:{event:{header,…}}}'));
      return done({ status: 400, accepted: false, code: 'gateway_invalid_request', message: 'the request needs granteeToken and message.event.header' }, 'rejected');
    }
    let size = 0;
    try {
      size = Buffer.byteLength(JSON.stringify(req.message), 'utf8');
    } catch {
      size = Infinity;
    }
    const header = req.message.event.header;
    record.granteeTokenFp = fingerprint(req.granteeToken);
    record.gateway = {
      url: '',
      attempts: 0,
      eventNamespace: typeof header.namespace === 'string' ? prose(header.namespace, 60) : undefined,
      eventName: typeof header.name === 'string' ? prose(header.name, 60) : undefined,
    };
    if (size > MAX_MESSAGE_BYTES) {
      record.verdicts.push(verdict('gateway_invalid_request', 'error', `refused before calling the gateway: the message is larger than ${MAX_MESSAGE_BYTES} bytes`));
      return done({ status: 400, accepted: false, code: 'gateway_invalid_request', message: 'message too large' }, 'rejected');
    }
    const store = await deps.store();
    const userKey = await resolveUser(store, req.granteeToken);
    if (!userKey) {
      record.verdicts.push(verdict('gateway_no_tokens', 'error', 'the grantee token is unknown (not issued by this adapter, or its mapping expired); use a recent scope.token from a directive'));
      return done({ status: 404, accepted: false, code: 'gateway_no_tokens', message: 'unknown grantee token' }, 'rejected');
    }
    record.userKeyFp = fingerprint(userKey);
    const service = {
      store,
      lwaTokenUrl: deps.config.lwaTokenUrl,
      lwaTimeoutMs: deps.config.lwaTimeoutMs,
      clientId: deps.config.alexaClientId,
      clientSecret: deps.clientSecret,
      fetch: deps.fetch,
      now,
      log: deps.log,
      requestId,
      sleep: deps.sleep,
    };
    let token = await getAccessToken(service, userKey);
    if (!token.ok) {
      const code = token.reason === 'refresh_failed' ? 'lwa_refresh_failed' : 'gateway_no_tokens';
      record.verdicts.push(verdict(code, 'error', `no event sent: ${token.detail}`));
      return done({ status: token.reason === 'refresh_failed' ? 502 : 404, accepted: false, code, message: token.detail }, token.reason === 'refresh_failed' ? 'upstream_error' : 'rejected');
    }
    const region: GatewayRegion = deps.config.gatewayRegion ?? token.region;
    const url = deps.config.gatewayUrl ?? gatewayUrlFor({ ...deps.config, gatewayRegion: region }, undefined).url;
    record.gateway.url = url;
    record.gateway.region = region;

    const t0 = now();
    let answer = await post(url, token.accessToken, withScope(req.message, token.accessToken), deps);
    record.gateway.attempts = 1;
    if (answer.status === 401 && answer.code === 'INVALID_ACCESS_TOKEN_EXCEPTION') {
      // Refresh and retry once (HA state_report.py does the same); a second 401 is final.
      token = await getAccessToken(service, userKey, token.accessToken);
      if (token.ok) {
        answer = await post(url, token.accessToken, withScope(req.message, token.accessToken), deps);
        record.gateway.attempts = 2;
        record.verdicts.push(verdict('gateway_retried_after_401', 'info', 'the gateway refused the access token (401 INVALID_ACCESS_TOKEN_EXCEPTION); refreshed it and retried once'));
      }
    }
    // Gateway time (with a retry's refresh, which has its own lwa_refresh record).
    record.timing.upstreamMs = now() - t0;
    record.gateway.status = answer.status;
    record.gateway.code = answer.code;
    const desc = answer.description ? `: ${answer.description}` : '';
    const result = (code: string, outcome: SmartHomeRecord['outcome']): SendEventResult => done({ status: answer.status, accepted: answer.status === 202, code: answer.code ?? code, message: record.verdicts.at(-1)!.message ?? '' }, outcome);
    if (answer.status === 202) {
      record.verdicts.push(verdict('gateway_accepted', 'info', `the ${region} Event Gateway accepted the event (202)`));
      return result('accepted', 'success');
    }
    switch (answer.code) {
      case 'SKILL_DISABLED_EXCEPTION':
        await revokeTokens(store, userKey, now(), 'gateway_skill_disabled');
        record.verdicts.push(verdict('gateway_skill_disabled', 'warn', `the user disabled the skill (403 SKILL_DISABLED_EXCEPTION); LWA tokens deleted, no more events for this user until they re-enable it${desc}`));
        return result('gateway_skill_disabled', 'provider_error');
      case 'SKILL_NEVER_ENABLED_EXCEPTION':
        record.verdicts.push(verdict('gateway_skill_never_enabled', 'error', `403 SKILL_NEVER_ENABLED_EXCEPTION from the ${region} gateway: usually the wrong region. Fix: send to the gateway of the user's market (smartHome.gatewayRegion NA/EU/FE, or deploy in the region Alexa invokes for that market)${desc}`));
        return result('gateway_skill_never_enabled', 'provider_error');
      case 'INSUFFICIENT_PERMISSION_EXCEPTION':
        record.verdicts.push(verdict('gateway_insufficient_permission', 'error', `403 INSUFFICIENT_PERMISSION_EXCEPTION: the skill lacks the "Send Alexa Events" permission. Fix: developer console > your skill > Build > Permissions > turn on Send Alexa Events; users then re-enable the skill${desc}`));
        return result('gateway_insufficient_permission', 'provider_error');
      case 'INVALID_REQUEST_EXCEPTION':
        record.verdicts.push(verdict('gateway_invalid_request', 'error', `400 INVALID_REQUEST_EXCEPTION: the gateway refused the message as malformed${desc}`));
        return result('gateway_invalid_request', 'provider_error');
      case 'THROTTLING_EXCEPTION':
        record.verdicts.push(verdict('gateway_throttled', 'warn', `429 THROTTLING_EXCEPTION: retry later, at least 1 s apart${desc}`));
        return result('gateway_throttled', 'upstream_error');
      default:
        record.verdicts.push(verdict('gateway_error', 'error', `the gateway answered HTTP ${answer.status}${answer.code ? ` ${answer.code}` : ''}${desc}`));
        return result('gateway_error', answer.status >= 500 ? 'upstream_error' : 'provider_error');
    }
  } catch (err) {
    record.verdicts.push(verdict('adapter_error', 'error', `sending failed unexpectedly (${err instanceof Error ? err.name : typeof err})`));
    return done({ status: 500, accepted: false, code: 'adapter_error', message: 'sending failed unexpectedly' }, 'adapter_error');
  } finally {
    deps.log(finishRecord(record, start, now));
  }
}
