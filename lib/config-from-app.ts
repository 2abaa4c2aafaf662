/**
 * Reads the adapter configuration from CDK context at synth time: the object under `adapter`
 * (cdk.json, or `-c adapter='{"provider":…}'` as JSON) plus flat `-c adapter.<field>=value`
 * overrides, validated by the same schema the Lambdas use at cold start.
 */
import type { Construct } from 'constructs';
import { ConfigError, mergeContext, parseAdapterConfig, type AdapterConfig } from '../lambda/core/config';

/** Context key of the adapter configuration object; flat overrides are `<key>.<field>`. */
export const ADAPTER_CONTEXT_KEY = 'adapter';

const SOURCE = 'CDK context: cdk.json "adapter" and -c adapter.<field>=value';

/**
 * Returns the validated configuration, or throws a `ConfigError` naming every bad field.
 * @param scope usually the `App`; context is read from its node.
 */
export function loadConfigFromApp(scope: Construct): AdapterConfig {
  const base: unknown = scope.node.tryGetContext(ADAPTER_CONTEXT_KEY);
  if (base === undefined) {
    throw new ConfigError(
      [`${ADAPTER_CONTEXT_KEY}: missing; set it in cdk.json context or pass -c ${ADAPTER_CONTEXT_KEY}.provider=… -c ${ADAPTER_CONTEXT_KEY}.tokenUrl=…`],
      SOURCE,
    );
  }
  if (base !== null && typeof base !== 'object' && typeof base !== 'string') {
    throw new ConfigError([`${ADAPTER_CONTEXT_KEY}: must be an object (or its JSON text), got ${typeof base}`], SOURCE);
  }
  const all = scope.node.getAllContext() as Record<string, unknown>;
  const flat = Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(`${ADAPTER_CONTEXT_KEY}.`)));
  let merged: Record<string, unknown>;
  try {
    merged = mergeContext(base ?? {}, flat);
  } catch (err) {
    throw new ConfigError([`${ADAPTER_CONTEXT_KEY}: not valid JSON (${(err as Error).message})`], SOURCE);
  }
  return parseAdapterConfig(merged, SOURCE);
}
