/**
 * GET /authorize and GET /callback — the browser leg of account linking in interception mode.
 * Thin: parse the event, call the core, shape the answer, write the record.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { FUNCTION_ENV } from '../contract/env';
import { HTTP_ROUTES, pathMatches, routeKey } from '../contract/routes';
import { handleAuthorize } from '../core/authorize/authorize';
import { handleCallback } from '../core/authorize/callback';
import { baseRecord, finish, newLinkId, type AuthorizeLegDeps, type LegResult } from '../core/authorize/leg';
import { assertLoopbackOrigin } from '../core/authorize/local-return';
import { userPage } from '../core/authorize/pages';
import { ConfigError, type RuntimeConfig } from '../core/config';
import { selectProfile } from '../core/profiles/resolve';
import { toHttpRequest } from '../shared/apigw';
import { runtimeConfigFromEnv } from '../shared/config-from-env';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { emitGuarded, guardedHandler } from '../shared/guarded';
import { lambdaEntry, type LambdaContextLike } from '../shared/lambda-entry';
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

export function createAuthorizeHandler(deps: AuthorizeHandlerDeps) {
  const { profile, problems } = selectProfile(deps.config);
  if (!profile) throw new ConfigError(problems, FUNCTION_ENV.adapterConfig);
  const core: AuthorizeLegDeps = { config: deps.config, profile, fetch: deps.fetch, now: deps.now, store: keyGatedStore(deps.store), ...(deps.localReturnOrigin !== undefined ? { localReturnOrigin: assertLoopbackOrigin(deps.localReturnOrigin) } : {}) };
  const log = deps.log ?? stdoutSink;
  // Key first, one secret scope per request; the record and the answer leave through the guard.
  return guardedHandler(handle);

  async function handle(event: APIGatewayProxyEventV2, context?: LambdaContextLike): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = context?.awsRequestId ?? 'local';
    let req;
    let result: LegResult;
    const callback = pathMatches(HTTP_ROUTES.callback, event.rawPath ?? '');
    try {
      req = toHttpRequest(event, requestId);
      result = callback ? await handleCallback(req, core) : await handleAuthorize(req, core);
    } catch (err) {
      // Last line of defence: a page and a record, never a crash (and never a redirect).
      const now = deps.now ?? Date.now;
      const start = now();
      const record = baseRecord(req ?? { method: 'UNKNOWN', path: '/', headers: {}, body: new Uint8Array(0), requestId }, core, routeKey(callback ? HTTP_ROUTES.callback : HTTP_ROUTES.authorize), start);
      record.outcome = 'adapter_error';
      record.linkId ??= newLinkId();
      const message = `the adapter failed unexpectedly (${err instanceof Error ? err.name : typeof err}); this is a bug, please report it`;
      record.verdicts.push({ code: 'adapter_error', severity: 'error', message });
      result = finish(record, userPage(500, 'internal', { detail: message, reference: record.linkId, time: record.time }), start, now);
    }
    return emitGuarded(result, log);
  }
}

/** The Lambda entry point; configuration comes from `ADAPTER_CONFIG` (validated on cold start), the table from `TABLE_NAME`. */
export const handler = lambdaEntry(() => createAuthorizeHandler({ config: runtimeConfigFromEnv(), store: storeFromEnv() }));
