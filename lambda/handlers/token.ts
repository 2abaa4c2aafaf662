/**
 * POST /token — Alexa's Access Token URI. Thin: parse the event, call the core, shape the answer,
 * write the exchange record.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigError, parseRuntimeConfig, type RuntimeConfig } from '../core/config';
import { appleClientSecretMinter } from '../core/apple-client-secret';
import { selectProfile } from '../core/profiles/resolve';
import { appleKeyLoader } from '../shared/apple-key-from-env';
import { adapterFailure, exchangeToken, rejectRoute, type ExchangeResult, type TokenExchangeDeps } from '../core/token-exchange';
import { toHttpRequest } from '../shared/apigw';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { emitGuarded, guardedHandler } from '../shared/guarded';
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

export type LambdaContextLike = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

const TOKEN_PATH = /(^|\/)token\/?$/;

export function createTokenHandler(deps: TokenHandlerDeps) {
  const { profile, problems } = selectProfile(deps.config);
  if (!profile) throw new ConfigError(problems, 'ADAPTER_CONFIG');
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
      if (!TOKEN_PATH.test(req.path)) {
        result = rejectRoute(req, core);
      } else {
        result = await exchangeToken(req, core, { remainingMs: context?.getRemainingTimeInMillis?.(), route: 'POST /token' });
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

let cached: ReturnType<typeof createTokenHandler> | undefined;

/** The Lambda entry point; configuration comes from `ADAPTER_CONFIG` (validated on cold start). */
export const handler = (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  cached ??= createTokenHandler({ config: parseRuntimeConfig(JSON.parse(process.env.ADAPTER_CONFIG ?? '{}'), 'ADAPTER_CONFIG'), store: storeFromEnv() });
  return cached(event, context);
};
