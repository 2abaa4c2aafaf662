/**
 * The smart-home skill endpoint: Alexa invokes this Lambda directly (principal
 * alexa-connectedhome.amazon.com, the skill id as event source token). Thin: the core handles
 * AcceptGrant and forwards every other directive; this file wires configuration, the store, the
 * Secrets Manager secret and the Lambda invoker.
 */
import type { Context } from 'aws-lambda';
import { parseSmartHomeConfig } from '../core/smart-home/config';
import { handleDirective, type SmartHomeDeps } from '../core/smart-home/directive';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { guardedHandler } from '../shared/guarded';
import { stdoutSink } from '../shared/log';
import { storeFromEnv } from '../shared/store-from-env';

/** Secret and forwarding through the runtime-provided SDK, loaded on first use. */
const clients = () => import('../shared/aws-clients');

/** Caches the secret for 5 minutes so a put-secret-value takes effect without a redeploy. */
export function cachedSecret(load: () => Promise<string | undefined>, ttlMs = 5 * 60_000, now = Date.now): () => Promise<string | undefined> {
  let value: { v: string | undefined; at: number } | undefined;
  return async () => {
    if (value && now() - value.at < ttlMs && value.v !== undefined) return value.v;
    value = { v: await load(), at: now() };
    return value.v;
  };
}

let deps: SmartHomeDeps | undefined;

function depsFromEnv(): SmartHomeDeps {
  const config = parseSmartHomeConfig(JSON.parse(process.env.SMART_HOME_CONFIG ?? '{}'));
  const store = keyGatedStore(storeFromEnv());
  if (!store) throw new Error('TABLE_NAME is not set');
  const secretId = process.env.ALEXA_CLIENT_SECRET_ARN ?? '';
  const target = config.forwardTargetArn;
  return {
    config,
    store,
    clientSecret: cachedSecret(async () => (secretId ? (await clients()).readSecret(secretId) : undefined)),
    forward: target ? async (directive) => (await clients()).invokeJson(target, directive) : undefined,
    forwardTarget: target,
    awsRegion: process.env.AWS_REGION,
    log: stdoutSink,
  };
}

/** The deployment key first (once per instance); the core runs each directive in its own secret scope. */
// Pure: the events bundle imports cachedSecret from here and must not pull the directive handler in.
export const handler = /* @__PURE__ */ guardedHandler(async (event: unknown, context: Context): Promise<unknown> => {
  deps ??= depsFromEnv();
  return handleDirective(event, deps, { requestId: context.awsRequestId, remainingMs: context.getRemainingTimeInMillis() });
});
