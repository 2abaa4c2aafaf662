/**
 * The smart-home Lambda's core: one directive in, Alexa's answer and one record out.
 * AcceptGrant is handled here (Alexa docs: device-apis/alexa-authorization.html); every other
 * directive is forwarded unchanged to the user's skill Lambda and its answer returned unchanged.
 */
import type { StateStore } from '../../store/state-store';
import { fingerprint } from '../fingerprint';
import { prose } from '../redact';
import { noteSecret, withSecretScope } from '../secret-scope';
import { gatewayUrlFor, isSecretSet, type SmartHomeConfig } from './config';
import { resolveUser } from './identity';
import { callLwa } from './lwa-client';
import { saveTokens } from './lwa-tokens';
import {
  DirectiveError,
  acceptGrantFailed,
  acceptGrantResponse,
  alexaErrorResponse,
  parseAcceptGrant,
  parseEnvelope,
  type AlexaResponse,
  type DirectiveHeader,
} from './messages';
import { note, verdict } from '../../contract/verdicts';
import { finishRecord, newRecord, type SmartHomeRecord, type SmartHomeSink } from './records';

export interface SmartHomeDeps {
  config: SmartHomeConfig;
  store: () => Promise<StateStore>;
  /** The Alexa Client Secret (Secrets Manager in Lambda, env/config locally); undefined when unset. */
  clientSecret: () => Promise<string | undefined>;
  /** Sends a directive to the user's skill and returns its answer; undefined when no target is configured. */
  forward?: (directive: unknown) => Promise<unknown>;
  /** Name of the forward target for the record (ARN or URL). */
  forwardTarget?: string;
  /** AWS region this function runs in (Alexa invokes the region of the user's market). */
  awsRegion?: string;
  fetch?: typeof fetch;
  now?: () => number;
  log: SmartHomeSink;
  sleep?: (ms: number) => Promise<void>;
}

export interface InvokeOptions {
  requestId: string;
  /** Lambda's getRemainingTimeInMillis at the start. */
  remainingMs?: number;
}

const SAFETY_MARGIN_MS = 500;

function describeHeader(h: Partial<DirectiveHeader>): SmartHomeRecord['directive'] {
  return {
    namespace: h.namespace === undefined ? undefined : prose(h.namespace, 60),
    name: h.name === undefined ? undefined : prose(h.name, 60),
    messageId: h.messageId && /^[A-Za-z0-9-]{1,127}$/.test(h.messageId) ? h.messageId : undefined,
    payloadVersion: h.payloadVersion === undefined ? undefined : h.payloadVersion === '3' ? '3' : 'other',
    correlationTokenPresent: h.correlationToken !== undefined,
  };
}

function responseSummary(r: AlexaResponse): SmartHomeRecord['response'] {
  const type = r.event.payload.type;
  return { namespace: r.event.header.namespace, name: r.event.header.name, ...(typeof type === 'string' ? { type } : {}) };
}

/** Any input, never throws: Alexa always gets a schema-valid answer, and one record is written. */
export function handleDirective(input: unknown, deps: SmartHomeDeps, options: InvokeOptions): Promise<unknown> {
  // One secret scope per directive: what it sees is scrubbed from its records and its answer.
  return withSecretScope(() => directive(input, deps, options));
}

async function directive(input: unknown, deps: SmartHomeDeps, options: InvokeOptions): Promise<unknown> {
  const now = deps.now ?? Date.now;
  const start = now();
  let record = newRecord('directive', options.requestId, start);
  let answer: unknown;
  try {
    let envelope;
    try {
      envelope = parseEnvelope(input);
    } catch (err) {
      if (!(err instanceof DirectiveError)) throw err;
      const h = err.header;
      record.directive = describeHeader(h);
      if (h.namespace === 'Alexa.Authorization') {
        record.route = 'AcceptGrant';
        record.outcome = 'rejected';
        record.verdicts.push(verdict('accept_grant_malformed', 'error', `malformed AcceptGrant directive: ${err.message}`));
        answer = acceptGrantFailed(`malformed AcceptGrant directive: ${err.message}`, h.correlationToken);
      } else {
        record.outcome = 'rejected';
        record.verdicts.push(verdict('directive_malformed', 'error', `malformed directive: ${err.message}`));
        answer = alexaErrorResponse('INVALID_DIRECTIVE', `malformed directive: ${err.message}`, h.correlationToken);
      }
      record.response = responseSummary(answer as AlexaResponse);
      return answer;
    }
    record.directive = describeHeader(envelope.header);
    if (envelope.header.namespace === 'Alexa.Authorization') {
      record.route = 'AcceptGrant';
      answer = await acceptGrant(envelope.header, envelope.payload, deps, options, record, start);
      record.response = responseSummary(answer as AlexaResponse);
      return answer;
    }
    const budgetMs = options.remainingMs !== undefined ? Math.max(100, options.remainingMs - (now() - start) - SAFETY_MARGIN_MS) : undefined;
    answer = await forward(input, envelope.header, envelope.directive, deps, record, budgetMs);
    return answer;
  } catch (err) {
    // A bug or an outage we did not shape: still a schema-valid answer and a record.
    record = { ...record, outcome: 'adapter_error' };
    record.verdicts.push(verdict('adapter_error', 'error', `the smart-home handler failed unexpectedly (${err instanceof Error ? err.name : typeof err}); this is a bug or a store outage`));
    answer = record.route === 'AcceptGrant'
      ? acceptGrantFailed('the adapter failed unexpectedly while handling AcceptGrant')
      : alexaErrorResponse('INTERNAL_ERROR', 'the adapter failed unexpectedly');
    record.response = responseSummary(answer as AlexaResponse);
    return answer;
  } finally {
    deps.log(finishRecord(record, start, now));
  }
}

async function acceptGrant(
  header: DirectiveHeader,
  payload: Record<string, unknown>,
  deps: SmartHomeDeps,
  options: InvokeOptions,
  record: SmartHomeRecord,
  start: number,
): Promise<AlexaResponse> {
  const now = deps.now ?? Date.now;
  const ct = header.correlationToken;
  let d;
  try {
    d = parseAcceptGrant(header, payload);
  } catch (err) {
    if (!(err instanceof DirectiveError)) throw err;
    record.outcome = 'rejected';
    record.verdicts.push(verdict('accept_grant_malformed', 'error', `malformed AcceptGrant directive: ${err.message}`));
    return acceptGrantFailed(`malformed AcceptGrant directive: ${err.message}`, ct);
  }
  record.granteeTokenFp = fingerprint(d.granteeToken);
  record.grantCodeFp = fingerprint(d.grantCode);

  const secret = await deps.clientSecret();
  noteSecret(secret);
  if (!isSecretSet(secret)) {
    record.outcome = 'config_error';
    record.verdicts.push(
      verdict('accept_grant_secret_missing', 'error', 'the Alexa Client Secret is not set in Secrets Manager. Fix: copy it from the skill\'s Permissions page (Alexa Skill Messaging) and run the put-secret-value command in docs/smart-home.md; then the user disables and re-enables the skill'),
    );
    return acceptGrantFailed('the skill\'s Alexa Client Secret is not configured', ct);
  }

  const store = await deps.store();
  const userKey = await resolveUser(store, d.granteeToken);
  if (!userKey) {
    record.outcome = 'rejected';
    record.verdicts.push(
      verdict('accept_grant_user_unknown', 'error', 'the grantee token is not an access token this adapter issued (or its mapping expired): account linking must go through this stack\'s Access Token URI so the user can be recognised'),
    );
    return acceptGrantFailed('the grantee token is not known to this skill', ct);
  }
  record.userKeyFp = fingerprint(userKey);

  const elapsed = now() - start;
  const remaining = options.remainingMs !== undefined ? options.remainingMs - elapsed - SAFETY_MARGIN_MS : Infinity;
  const timeoutMs = Math.max(100, Math.min(deps.config.lwaTimeoutMs, remaining));
  const r = await callLwa({ grant_type: 'authorization_code', code: d.grantCode }, { clientId: deps.config.alexaClientId, clientSecret: secret }, {
    url: deps.config.lwaTokenUrl,
    timeoutMs,
    fetch: deps.fetch,
    now,
  });
  record.lwa = { ...r.summary, grantType: 'authorization_code' };
  record.timing.upstreamMs = r.summary.latencyMs;
  if (!r.ok) {
    const v = {
      invalid_grant: verdict('accept_grant_lwa_invalid_grant', 'error', 'Login with Amazon refused the grant code (invalid_grant): it expired (codes live a few minutes) or was already used. Fix: the user disables and re-enables the skill to get a new AcceptGrant'),
      invalid_client: verdict('accept_grant_lwa_invalid_client', 'error', `${r.detail}. Fix: smartHome.alexaClientId and the secret must be the Alexa Client Id/Secret from the skill's Permissions page (Alexa Skill Messaging), not the account-linking client id/secret`),
      timeout: verdict('accept_grant_lwa_timeout', 'error', `${r.detail} (Alexa waits 8 s for the answer)`),
      unavailable: verdict('accept_grant_lwa_unavailable', 'error', `${r.detail}; the user can retry by disabling and re-enabling the skill`),
    }[r.kind];
    record.outcome = r.kind === 'invalid_grant' || r.kind === 'invalid_client' ? 'provider_error' : 'upstream_error';
    record.verdicts.push(v);
    return acceptGrantFailed(`Failed to handle the AcceptGrant directive because the request to Login with Amazon failed (${r.kind})`, ct);
  }
  record.lwaTokens = { accessTokenFp: fingerprint(r.tokens.accessToken), refreshTokenFp: fingerprint(r.tokens.refreshToken), expiresIn: r.expiresIn };
  const { region } = gatewayUrlFor(deps.config, deps.awsRegion);
  await saveTokens(store, userKey, { ...r.tokens, region }, now());
  record.gateway = { url: gatewayUrlFor(deps.config, deps.awsRegion).url, region, attempts: 0 };
  record.verdicts.push(note('accept_grant_ok', 'info', { region }));
  return acceptGrantResponse(ct);
}

class ForwardTimeout extends Error {
  constructor() {
    super('the skill did not answer in time');
    this.name = 'ForwardTimeout';
  }
}

/** The skill's answer, or ForwardTimeout when it would outlast our own Lambda timeout (Alexa would get nothing). */
async function withBudget<T>(work: Promise<T>, budgetMs: number | undefined): Promise<T> {
  if (budgetMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ForwardTimeout()), budgetMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function forward(input: unknown, header: DirectiveHeader, directive: Record<string, unknown>, deps: SmartHomeDeps, record: SmartHomeRecord, budgetMs?: number): Promise<unknown> {
  const now = deps.now ?? Date.now;
  const endpoint = directive.endpoint as { endpointId?: unknown; scope?: { token?: unknown } } | undefined;
  const scopeToken = endpoint?.scope?.token ?? (directive.payload as { scope?: { token?: unknown } }).scope?.token;
  if (typeof scopeToken === 'string') record.granteeTokenFp = fingerprint(scopeToken);
  const endpointId = typeof endpoint?.endpointId === 'string' && endpoint.endpointId.length <= 256 ? endpoint.endpointId : undefined;
  if (!deps.forward) {
    record.outcome = 'config_error';
    record.forward = { target: 'none', outcome: 'no_target' };
    record.verdicts.push(verdict('directive_no_target', 'error', `${header.namespace.slice(0, 60)} ${header.name.slice(0, 60)} was not forwarded: no target skill Lambda is configured. Fix: set smartHome.forwardTargetArn to your existing skill's Lambda ARN`));
    const answer = alexaErrorResponse('INTERNAL_ERROR', 'this skill has no handler for the directive', header.correlationToken, endpointId);
    record.response = responseSummary(answer);
    return answer;
  }
  const t0 = now();
  const target = deps.forwardTarget ?? 'injected';
  try {
    const answer = await withBudget(deps.forward(input), budgetMs);
    record.forward = { target, outcome: 'answered', latencyMs: now() - t0 };
    record.timing.upstreamMs = now() - t0;
    record.verdicts.push(verdict('directive_forwarded', 'info', `${header.namespace.slice(0, 60)} ${header.name.slice(0, 60)} forwarded to the skill; its answer was returned unchanged`));
    const ev = (answer as { event?: { header?: { namespace?: unknown; name?: unknown } } } | null)?.event?.header;
    record.response = { namespace: typeof ev?.namespace === 'string' ? prose(ev.namespace, 60) : undefined, name: typeof ev?.name === 'string' ? prose(ev.name, 60) : undefined };
    return answer;
  } catch (err) {
    record.forward = { target, outcome: 'failed', latencyMs: now() - t0 };
    record.timing.upstreamMs = now() - t0;
    record.outcome = 'upstream_error';
    record.verdicts.push(
      verdict(
        'directive_forward_failed',
        'error',
        err instanceof ForwardTimeout
          ? `the skill did not answer within ${budgetMs} ms (Alexa waits 8 s); Alexa got INTERNAL_ERROR`
          : `the skill Lambda failed or could not be invoked (${err instanceof Error ? err.name : typeof err}); check its logs and this function's lambda:InvokeFunction permission`,
      ),
    );
    const answer = alexaErrorResponse('INTERNAL_ERROR', 'the skill could not handle the directive', header.correlationToken, endpointId);
    record.response = responseSummary(answer);
    return answer;
  }
}
