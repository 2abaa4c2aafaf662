/**
 * `alexa-link-adapter`: the construct library's public API (the package's `exports["."]`).
 *
 * ```ts
 * import { AccountLinkingAdapter } from 'alexa-link-adapter';
 * new AccountLinkingAdapter(this, 'AccountLinking', { config: { provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' } });
 * ```
 *
 * Everything exported here follows semantic versioning (CHANGELOG.md); modules not exported here are
 * internal.
 */
export { AccountLinkingAdapter, accessLogFormat, type AccountLinkingAdapterProps } from './account-linking-adapter';
export { AlexaLinkAdapterStack, type AlexaLinkAdapterStackProps } from './adapter-stack';
export { AuthorizationLeg, type AuthorizationLegProps } from './authorization-leg';
export { SmartHome, ALEXA_SMART_HOME_PRINCIPAL, type SmartHomeProps } from './smart-home';
export { AdapterObservability, SAVED_QUERIES, FAILED_EXCHANGE_PATTERN, FAILED_EXCHANGES_METRIC, type AdapterObservabilityProps } from './observability';
export { loadConfigFromApp, mergeContext, ADAPTER_CONTEXT_KEY, type LoadConfigOptions } from './config-from-app';
export { certificateRegionProblem } from './certificate-region';
export { OUTPUT_KEYS } from '../lambda/contract/outputs';
export {
  ALEXA_TOKEN_DEADLINE_MS,
  AUTHENTICATION_SCHEME,
  DEFAULT_TOKEN_MEMORY_MB,
  DEFAULT_TOKEN_TIMEOUT,
  PASSTHROUGH_AUTHORIZATION_URI,
  PASSTHROUGH_DOMAIN_LIST,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TABLE_TTL_ATTRIBUTE,
} from './defaults';
export { HANDLER_NAMES, type HandlerName } from './handler-assets';
export {
  ConfigError,
  checkAdapterConfig,
  parseAdapterConfig,
  runtimePart,
  type AdapterConfig,
  type AdapterConfigInput,
  type RuntimeConfig,
} from '../lambda/core/config';
export type { SmartHomeConfig, SmartHomeConfigInput } from '../lambda/core/smart-home/config';
export { BUILT_IN_PROFILES, type ProviderProfile } from '../lambda/core/profiles/index';
