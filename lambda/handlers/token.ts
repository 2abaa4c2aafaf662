/**
 * POST /token — Alexa's Access Token URI. Thin: parse the event, call the core, shape the answer,
 * write the exchange record.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { FUNCTION_ENV } from '../contract/env';
import { HTTP_ROUTES, pathMatches, routeKey } from '../contract/routes';
import { ConfigError, type RuntimeConfig } from '../core/config';
import { appleClientSecretMinter } from '../core/apple-client-secret';
import { selectProfile } from '../core/profiles/resolve';
import { appleKeyLoader } from '../shared/apple-key-from-env';
import { adapterFailure, exchangeToken, rejectRoute, type ExchangeResult, type TokenExchangeDeps } from '../core/token-exchange';
import { toHttpRequest } from '../shared/apigw';
import { runtimeConfigFromEnv } from '../shared/config-from-env';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { emitGuarded, guardedHandler } from '../shared/guarded';
import { lambdaEntry, type LambdaContextLike } from '../shared/lambda-entry';
import { stdoutSink, type RecordSink } from '../shared/log';
import { storeFromEnv } from '../shared/store-from-env';
import type { StateStore } from '../store/state-store';

export interface TokenHandlerDeps {
  config: RuntimeConfig;
  /** Where exchange records go; default: one JSON line on stdout (CloudWatch in Lambda). */
  log?: RecordSink;
  fetch?: typeof fetch;
  now?: () => number;
  /** Grant and token state; default: the table named by TABLE_NAME, if any. */
  store?: () => Promise<StateStore>;
  /** Sign in with Apple's private key (PEM); default: APPLE_PRIVATE_KEY(_FILE) or the configured secret. */
  applePrivateKey?: () => Promise<string>;
}

export function createTokenHandler(deps: TokenHandlerDeps) {
  const { profile, problems } = selectProfile(deps.config);
  if (!profile) throw new ConfigError(problems, FUNCTION_ENV.adapterConfig);
  const core: TokenExchangeDeps = { config: deps.config, profile, fetch: deps.fetch, now: deps.now, store: keyGatedStore(deps.store), mintClientSecret: appleMinter(deps) };
  const log = deps.log ?? stdoutSink;
  // Key first, one secret scope per request; the record and the answer leave through the guard.
  return guardedHandler(handle);

  async function handle(event: APIGatewayProxyEventV2, context?: LambdaContextLike): Promise<APIGatewayProxyStructuredResultV2> {
    const requestId = context?.awsRequestId ?? 'local';
    let req;
    let result: ExchangeResult;
    try {
      req = toHttpRequest(event, requestId);
      // Every other path reaches this function through the $default route: a §5.2-shaped 404/405 and a record.
      if (!pathMatches(HTTP_ROUTES.token, req.path)) {
        result = rejectRoute(req, core);
      } else {
        result = await exchangeToken(req, core, { remainingMs: context?.getRemainingTimeInMillis?.(), receivedAt: context?.receivedAt, route: routeKey(HTTP_ROUTES.token) });
      }
    } catch (err) {
      result = adapterFailure(req ?? { method: 'UNKNOWN', path: '/', headers: {}, body: new Uint8Array(0), requestId }, core, err);
    }
    return emitGuarded(result, log);
  }
}

function appleMinter(deps: TokenHandlerDeps) {
  const { appleTeamId: teamId, appleKeyId: keyId, applePrivateKeySecretArn } = deps.config;
  const load = deps.applePrivateKey ?? appleKeyLoader(applePrivateKeySecretArn);
  return teamId && keyId && load ? appleClientSecretMinter({ teamId, keyId }, load, deps.now) : undefined;
}

/** The Lambda entry point; configuration comes from `ADAPTER_CONFIG` (validated on cold start), the table from `TABLE_NAME`. */
export const handler = lambdaEntry(() => createTokenHandler({ config: runtimeConfigFromEnv(), store: storeFromEnv() }));
