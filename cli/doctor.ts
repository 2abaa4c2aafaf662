/**
 * `doctor`: checks before anyone tries linking.
 * - The configuration, with the same schema as `cdk synth` and local mode (`lambda/core/config.ts`).
 * - The provider's token endpoint: one token request with a deliberately invalid code, sent through
 *   the real token handler (the same code Lambda runs), so the answer is judged exactly as a real
 *   exchange would be: reachable, inside the budget, an OAuth error in the shape the profile expects
 *   (JSON vs form, 200-with-error, status).
 * - TTL and refresh-token presence, where records show them (`--local FILE` or the stack's logs).
 * - The Domain List helper for the login page (`domain-list.ts`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ConfigError, runtimePart, type AdapterConfig } from '../lambda/core/config';
import { selectProfile } from '../lambda/core/profiles/resolve';
import { createTokenHandler } from '../lambda/handlers/token';
import { loadConfigFile } from '../local/config-file';
import { ALEXA_TOKEN_DEADLINE_MS } from './constants';
import { codesOf, num, parseRecordLine, str, type LogRecord } from './records';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

/** A redirect URI of Alexa's form; the skill id is made up (the provider refuses the code anyway). */
export const DOCTOR_REDIRECT_URI = 'https://layla.amazon.com/api/skill/link/M2DOCTORCHECK';
export const DOCTOR_CODE = 'alexa-link-adapter-doctor-invalid-code';
export const DOCTOR_CLIENT_ID = 'alexa-link-adapter-doctor';
const SLOW_MS = 3000;

export function checkConfig(path: string): { check: Check; config?: AdapterConfig } {
  try {
    const loaded = loadConfigFile(path);
    const c = loaded.config;
    return {
      check: { name: 'configuration', status: 'pass', detail: `${loaded.path} (${loaded.shape}): provider ${c.provider}, tokenUrl ${c.tokenUrl}, upstreamTimeoutMs ${c.upstreamTimeoutMs}` },
      config: c,
    };
  } catch (err) {
    if (err instanceof ConfigError) return { check: { name: 'configuration', status: 'fail', detail: err.message } };
    throw err;
  }
}

export interface ProbeOptions {
  clientId?: string;
  clientSecret?: string;
  fetch?: typeof fetch;
}

/** Sends one token request with an invalid code through the real handler and judges the record. */
export async function probeTokenEndpoint(config: AdapterConfig, opts: ProbeOptions = {}): Promise<{ checks: Check[]; record?: LogRecord }> {
  // The same selection the handler makes: built-in or custom profile.
  const { profile, problems } = selectProfile(config);
  if (!profile) return { checks: [{ name: 'token endpoint', status: 'fail', detail: problems.join('; ') }] };
  let record: LogRecord | undefined;
  const handler = createTokenHandler({ config: runtimePart(config), log: (r) => (record = parseRecordLine(JSON.stringify(r))), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const clientId = opts.clientId ?? DOCTOR_CLIENT_ID;
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: DOCTOR_CODE, redirect_uri: DOCTOR_REDIRECT_URI }).toString();
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(opts.clientSecret ?? 'invalid-secret')}`).toString('base64')}`;
  const event = {
    version: '2.0',
    routeKey: 'POST /token',
    rawPath: '/token',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic, 'user-agent': 'alexa-link-adapter doctor' },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: 'doctor', http: { method: 'POST', path: '/token' } },
  } as unknown as APIGatewayProxyEventV2;
  await handler(event, { awsRequestId: 'doctor' });
  if (!record) return { checks: [{ name: 'token endpoint', status: 'fail', detail: 'the handler wrote no record (a bug)' }] };
  return { checks: judgeProbe(record, config), record };
}

export function judgeProbe(r: LogRecord, config: AdapterConfig): Check[] {
  const checks: Check[] = [];
  const codes = codesOf(r);
  const outcome = str(r, 'upstream.outcome');
  const latency = num(r, 'upstream.latencyMs') ?? r.timing.upstreamMs;
  const url = str(r, 'upstream.url') ?? config.tokenUrl;
  if (outcome === 'timeout') {
    checks.push({ name: 'token endpoint reachable', status: 'fail', detail: `${url} did not answer within upstreamTimeoutMs (${config.upstreamTimeoutMs} ms); Alexa gives up after ${ALEXA_TOKEN_DEADLINE_MS} ms` });
    return checks;
  }
  if (outcome === 'network_error') {
    checks.push({ name: 'token endpoint reachable', status: 'fail', detail: `${url} could not be reached: ${r.verdicts.find((v) => v.code === 'upstream_unreachable')?.message ?? 'network error'}` });
    return checks;
  }
  checks.push({ name: 'token endpoint reachable', status: 'pass', detail: `${url} answered HTTP ${num(r, 'upstream.status') ?? '?'} (${str(r, 'upstream.format') ?? '?'})` });
  checks.push(
    latency >= SLOW_MS
      ? { name: 'answer within budget', status: 'warn', detail: `${latency} ms: close to Alexa's ${ALEXA_TOKEN_DEADLINE_MS} ms deadline` }
      : { name: 'answer within budget', status: 'pass', detail: `${latency} ms (budget ${config.upstreamTimeoutMs} ms, Alexa ${ALEXA_TOKEN_DEADLINE_MS} ms)` },
  );
  const broken = codes.find((c) => ['upstream_html', 'upstream_redirect', 'upstream_5xx', 'upstream_http_error', 'upstream_invalid_json', 'upstream_unreadable', 'upstream_too_large'].includes(c));
  if (broken) {
    checks.push({ name: 'OAuth error shape', status: 'fail', detail: `${broken}: ${r.verdicts.find((v) => v.code === broken)!.message}` });
    return checks;
  }
  const error = str(r, 'response.error');
  const notes: string[] = [];
  if (codes.includes('error_in_success_status')) notes.push('errors come with HTTP 200 (translated)');
  if (str(r, 'upstream.format') === 'form') notes.push('form-encoded (translated to JSON)');
  if (codes.includes('upstream_unauthorized')) notes.push('bare 401 without an OAuth body');
  if (error === 'invalid_grant' || error === 'invalid_client' || codes.includes('code_rejected') || codes.includes('client_rejected')) {
    checks.push({
      name: 'OAuth error shape',
      status: 'pass',
      detail: `the provider refused the invalid code as an OAuth token endpoint should (${error ?? codes.join(', ')}, HTTP ${num(r, 'upstream.status')} ${str(r, 'upstream.format')})${notes.length ? `; ${notes.join('; ')}` : ''}; Alexa gets HTTP ${num(r, 'response.status')} JSON`,
    });
  } else if (r.outcome === 'success') {
    checks.push({ name: 'OAuth error shape', status: 'fail', detail: 'the provider answered tokens for an invalid code: tokenUrl is not a real token endpoint (or accepts anything)' });
  } else {
    checks.push({ name: 'OAuth error shape', status: 'warn', detail: `unexpected answer to an invalid code (${error ?? r.outcome}; ${codes.join(', ')})` });
  }
  return checks;
}

/** TTL and refresh-token presence from records of real exchanges, where there are any. */
export function observedTokenChecks(records: readonly LogRecord[]): Check[] {
  const successes = records.filter((r) => r.route === 'POST /token' && r.outcome === 'success');
  if (successes.length === 0) {
    return [{ name: 'token lifetime / refresh token', status: 'skip', detail: 'no successful exchange in the records: link once (or run local mode), then run doctor or diagnose again' }];
  }
  const checks: Check[] = [];
  const ttls = successes.map((r) => num(r, 'tokens.expiresIn')).filter((n): n is number => n !== undefined);
  const minTtl = ttls.length ? Math.min(...ttls) : undefined;
  checks.push(
    minTtl === undefined
      ? { name: 'access token lifetime', status: 'warn', detail: 'the provider sends no expires_in: Alexa uses the console\'s "Default Access Token Expiration Time"' }
      : minTtl < 360
        ? { name: 'access token lifetime', status: 'fail', detail: `expires_in ${minTtl} s is under Alexa's 6-minute minimum` }
        : { name: 'access token lifetime', status: 'pass', detail: `expires_in ${minTtl} s` },
  );
  const codeExchanges = successes.filter((r) => str(r, 'grantType') === 'authorization_code');
  const withoutRt = codeExchanges.filter((r) => codesOf(r).includes('no_refresh_token'));
  checks.push(
    codeExchanges.length === 0
      ? { name: 'refresh token', status: 'skip', detail: 'no code exchange in the records' }
      : withoutRt.length > 0
        ? { name: 'refresh token', status: 'fail', detail: `${withoutRt.length} of ${codeExchanges.length} code exchanges returned no refresh_token (last ${withoutRt.at(-1)!.time})` }
        : { name: 'refresh token', status: 'pass', detail: `all ${codeExchanges.length} code exchanges returned one` },
  );
  return checks;
}
