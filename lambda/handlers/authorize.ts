/**
 * GET /authorize and GET /callback — the browser leg of account linking in interception mode.
 * Thin: parse the event, call the core, shape the answer, write the record.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleAuthorize } from '../core/authorize/authorize';
import { handleCallback } from '../core/authorize/callback';
import { baseRecord, finish, newLinkId, type AuthorizeLegDeps, type LegResult } from '../core/authorize/leg';
import { assertLoopbackOrigin } from '../core/authorize/local-return';
import { userPage } from '../core/authorize/pages';
import { ConfigError, parseRuntimeConfig, type RuntimeConfig } from '../core/config';
import { selectProfile } from '../core/profiles/resolve';
import { toHttpRequest } from '../shared/apigw';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { emitGuarded, guardedHandler } from '../shared/guarded';
import { stdoutSink, type RecordSink } from '../shared/log';
import { storeFromEnv } from '../shared/store-from-env';
import type { StateStore } from '../store/state-store';

export interface AuthorizeHandlerDeps {
  config: RuntimeConfig;
  log?: RecordSink;
  fetch?: typeof fetch;
  now?: () => number;
  store?: () => Promise<StateStore>;
  /**
   * Local mode only (local/adapter.ts): the link simulator's origin, accepted as an extra redirect
   * target. Not part of the configuration; the Lambda entry point below never sets it.
   */
  localReturnOrigin?: string;
}

const CALLBACK_PATH = /(^|\/)callback\/?$/;

export function createAuthorizeHandler(deps: AuthorizeHandlerDeps) {
  const { profile, problems } = selectProfile(deps.config);
  if (!profile) throw new ConfigError(problems, 'ADAPTER_CONFIG');
  const core: AuthorizeLegDeps = { config: deps.config, profile, fetch: deps.fetch, now: deps.now, store: keyGatedStore(deps.store), ...(deps.localReturnOrigin !== undefined ? { localReturnOrigin: assertLoopbackOrigin(deps.localReturnOrigin) } : {}) };
  const log = deps.log ?? stdoutSink;
  // Key first, one secret scope per request; the record and the answer leave through the guard.
  return guardedHandler(handle);

  async function handle(event: APIGatewayProxyEventV2, context?: Pick<Context, 'awsRequestId'>): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = context?.awsRequestId ?? 'local';
    let req;
    let result: LegResult;
    const callback = CALLBACK_PATH.test(event.rawPath ?? '');
    try {
      req = toHttpRequest(event, requestId);
      result = callback ? await handleCallback(req, core) : await handleAuthorize(req, core);
    } catch (err) {
      // Last line of defence: a page and a record, never a crash (and never a redirect).
      const now = deps.now ?? Date.now;
      const start = now();
      const record = baseRecord(req ?? { method: 'UNKNOWN', path: '/', headers: {}, body: new Uint8Array(0), requestId }, core, callback ? 'GET /callback' : 'GET /authorize', start);
      record.outcome = 'adapter_error';
      record.linkId ??= newLinkId();
      const message = `the adapter failed unexpectedly (${err instanceof Error ? err.name : typeof err}); this is a bug, please report it`;
      record.verdicts.push({ code: 'adapter_error', severity: 'error', message });
      result = finish(record, userPage(500, 'internal', { detail: message, reference: record.linkId, time: record.time }), start, now);
    }
    return emitGuarded(result, log);
  }
}

let cached: ReturnType<typeof createAuthorizeHandler> | undefined;

/** The Lambda entry point; configuration comes from `ADAPTER_CONFIG` (validated on cold start). */
export const handler = (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  cached ??= createAuthorizeHandler({ config: parseRuntimeConfig(JSON.parse(process.env.ADAPTER_CONFIG ?? '{}'), 'ADAPTER_CONFIG'), store: storeFromEnv() });
  return cached(event, context);
};
