/**
 * POST /token — Alexa's Access Token URI. Thin: parse the event, call the core, shape the answer,
 * write the exchange record.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigError, parseRuntimeConfig, type RuntimeConfig } from '../core/config';
import { getProfile } from '../core/profiles';
import { adapterFailure, exchangeToken, rejectRoute, type ExchangeResult, type TokenExchangeDeps } from '../core/token-exchange';
import { toApiGatewayResult, toHttpRequest } from '../shared/apigw';
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
}

export type LambdaContextLike = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

const TOKEN_PATH = /(^|\/)token\/?$/;

export function createTokenHandler(deps: TokenHandlerDeps) {
  const profile = getProfile(deps.config.provider);
  if (!profile) throw new ConfigError([`provider: unknown profile "${deps.config.provider}"`], 'ADAPTER_CONFIG');
  const core: TokenExchangeDeps = { config: deps.config, profile, fetch: deps.fetch, now: deps.now, store: deps.store };
  const log = deps.log ?? stdoutSink;

  return async (event: APIGatewayProxyEventV2, context?: LambdaContextLike): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = context?.awsRequestId ?? 'local';
    let req;
    let result: ExchangeResult;
    try {
      req = toHttpRequest(event, requestId);
      if (!TOKEN_PATH.test(req.path)) {
        result = rejectRoute(req, core);
      } else {
        result = await exchangeToken(req, core, { remainingMs: context?.getRemainingTimeInMillis?.(), route: 'POST /token' });
      }
    } catch (err) {
      result = adapterFailure(req ?? { method: 'UNKNOWN', path: '/', headers: {}, body: new Uint8Array(0), requestId }, core, err);
    }
    log(result.record);
    return toApiGatewayResult(result.answer);
  };
}

let cached: ReturnType<typeof createTokenHandler> | undefined;

/** The Lambda entry point; configuration comes from `ADAPTER_CONFIG` (validated on cold start). */
export const handler = (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  cached ??= createTokenHandler({ config: parseRuntimeConfig(JSON.parse(process.env.ADAPTER_CONFIG ?? '{}'), 'ADAPTER_CONFIG'), store: storeFromEnv() });
  return cached(event, context);
};
