/**
 * The runtime configuration of the token and authorize functions, from `ADAPTER_CONFIG` (the stack
 * writes `runtimePart` of the validated configuration there), validated again at cold start so a
 * hand-edited environment cannot slip past the schema.
 */
import { FUNCTION_ENV } from '../contract/env';
import { parseRuntimeConfig, type RuntimeConfig } from '../core/config';

export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return parseRuntimeConfig(JSON.parse(env[FUNCTION_ENV.adapterConfig] ?? '{}'), FUNCTION_ENV.adapterConfig);
}
