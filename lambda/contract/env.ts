/**
 * Environment variables, once. `FUNCTION_ENV` is what the stack sets on its functions and the
 * handlers read at cold start (lambda/shared/*-from-env.ts); `LOCAL_ENV` is read by local mode and the
 * tests only (a deployed stack never sets them).
 */

export const FUNCTION_ENV = {
  /** The runtime part of the adapter configuration as JSON (token and authorize functions; `runtimePart`). */
  adapterConfig: 'ADAPTER_CONFIG',
  /** The smart-home settings as JSON (smart-home and events functions). */
  smartHomeConfig: 'SMART_HOME_CONFIG',
  /** The state table's name (every function). */
  tableName: 'TABLE_NAME',
  /** The Secrets Manager secret holding the Alexa Client Secret (smart-home and events functions). */
  alexaClientSecretArn: 'ALEXA_CLIENT_SECRET_ARN',
  /** The Secrets Manager secret holding the per-deployment key (every function; lib/deployment-key.ts). */
  deploymentKeySecretArn: 'DEPLOYMENT_KEY_SECRET_ARN',
} as const;

export type FunctionEnvName = (typeof FUNCTION_ENV)[keyof typeof FUNCTION_ENV];

export const LOCAL_ENV = {
  /** The deployment key itself, for processes that share one without Secrets Manager (local mode, tests). */
  deploymentKey: 'ADAPTER_DEPLOYMENT_KEY',
  /** Sign in with Apple's private key as PEM text, or the path of a file holding it. */
  applePrivateKey: 'APPLE_PRIVATE_KEY',
  applePrivateKeyFile: 'APPLE_PRIVATE_KEY_FILE',
  /** Local mode's smart-home endpoint: the Alexa Client Secret to use instead of the fake LWA's. */
  alexaClientSecret: 'ALEXA_CLIENT_SECRET',
  /** Local mode's smart-home endpoint: forward non-AcceptGrant directives to this URL. */
  smartHomeForwardUrl: 'SMART_HOME_FORWARD_URL',
} as const;
