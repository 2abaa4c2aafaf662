/**
 * What the smart-home and events functions read from their environment: the smart-home settings
 * (`SMART_HOME_CONFIG`), the state table (`TABLE_NAME`, required here) and the Alexa Client Secret
 * (the Secrets Manager secret named by `ALEXA_CLIENT_SECRET_ARN`). The SDK clients are loaded on
 * first use (aws-clients.ts), through the runtime-provided SDK.
 */
import { FUNCTION_ENV } from '../contract/env';
import { parseSmartHomeConfig, type SmartHomeConfig } from '../core/smart-home/config';
import type { StateStore } from '../store/state-store';
import { storeFromEnv } from './store-from-env';

/** Secret and forwarding through the runtime-provided SDK, loaded on first use. */
export const awsClients = () => import('./aws-clients');

export function smartHomeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SmartHomeConfig {
  return parseSmartHomeConfig(JSON.parse(env[FUNCTION_ENV.smartHomeConfig] ?? '{}'));
}

/** The state table; these functions have nothing to do without one. */
export function requiredStoreFromEnv(): () => Promise<StateStore> {
  const store = storeFromEnv();
  if (!store) throw new Error(`${FUNCTION_ENV.tableName} is not set`);
  return store;
}

/** Caches the secret for 5 minutes so a put-secret-value takes effect without a redeploy. */
export function cachedSecret(load: () => Promise<string | undefined>, ttlMs = 5 * 60_000, now = Date.now): () => Promise<string | undefined> {
  let value: { v: string | undefined; at: number } | undefined;
  return async () => {
    if (value && now() - value.at < ttlMs && value.v !== undefined) return value.v;
    value = { v: await load(), at: now() };
    return value.v;
  };
}

/** The Alexa Client Secret, read through the cache; undefined while the secret has no value. */
export function alexaClientSecretFromEnv(env: NodeJS.ProcessEnv = process.env): () => Promise<string | undefined> {
  const secretId = env[FUNCTION_ENV.alexaClientSecretArn] ?? '';
  return cachedSecret(async () => (secretId ? (await awsClients()).readSecret(secretId) : undefined));
}
