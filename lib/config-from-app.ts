/**
 * Reads the adapter configuration from CDK context at synth time: the object under `adapter`
 * (cdk.json, or `-c adapter='{"provider":…}'` as JSON) plus `-c adapter.<path>=value` overrides at any
 * depth (`-c adapter.smartHome.skillId=…`, or a JSON value: `-c 'adapter.smartHome={…}'`), validated by
 * the same schema the Lambdas use at cold start. Every problem is reported in one ConfigError.
 */
import type { Construct } from 'constructs';
import { AdapterConfigSchema, ConfigError, checkAdapterConfig, type AdapterConfig } from '../lambda/core/config';
import { expectedType } from '../lambda/core/config-problems';
import { describeJsonError, parseJsonText } from '../lambda/core/json-text';
import { certificateRegionProblem } from './certificate-region';

/** Context key of the adapter configuration object; overrides are `<key>.<path>`. */
export const ADAPTER_CONTEXT_KEY = 'adapter';

const SOURCE = 'CDK context: cdk.json "adapter" and -c adapter.<field>=value';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A `-c` value as the field at `keys` expects it. The CDK CLI passes every `-c` value as text: JSON
 * objects and lists (`{…}`, `[…]`) are parsed; `3000` becomes a number and `true` a boolean where
 * the schema expects one; a comma-separated text becomes a list where a list is expected. Anything
 * else stays text, so the schema names the field if it is wrong.
 */
function overrideValue(raw: unknown, keys: readonly string[], flag: string, problems: string[]): { value?: unknown } {
  if (typeof raw !== 'string') return { value: raw };
  const text = raw.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      problems.push(`${flag}: ${describeJsonError(parsed, text)}`);
      return {};
    }
    return { value: parsed.value };
  }
  const expected = expectedType(AdapterConfigSchema.pipe[0], keys);
  if (expected === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text) };
  if (expected === 'boolean' && /^(true|false)$/.test(text)) return { value: text === 'true' };
  if (expected === 'array') return { value: text === '' ? [] : text.split(',').map((s) => s.trim()) };
  return { value: raw };
}

/**
 * Merges the cdk.json object under `adapter` (or its JSON text) with `-c adapter.<path>=value`
 * overrides; shallower paths first, so `-c adapter.smartHome={…}` and a deeper
 * `-c adapter.smartHome.skillId=…` combine. Returns the merged object and the problems found on the way.
 */
export function mergeContext(base: unknown, flat: Record<string, unknown>): { merged: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  let merged: Record<string, unknown> = {};
  if (typeof base === 'string') {
    const parsed = parseJsonText(base);
    if (!parsed.ok) problems.push(`${ADAPTER_CONTEXT_KEY}: ${describeJsonError(parsed, base)}`);
    else if (!isRecord(parsed.value)) problems.push(`${ADAPTER_CONTEXT_KEY}: must be a JSON object ({"provider": …}), got ${Array.isArray(parsed.value) ? 'a list' : JSON.stringify(parsed.value)}`);
    else merged = structuredClone(parsed.value);
  } else if (isRecord(base)) {
    merged = structuredClone(base);
  }
  const overrides = Object.entries(flat)
    .filter(([key]) => key.startsWith(`${ADAPTER_CONTEXT_KEY}.`))
    .map(([key, raw]) => ({ key, raw, keys: key.slice(ADAPTER_CONTEXT_KEY.length + 1).split('.') }))
    .sort((a, b) => a.keys.length - b.keys.length);
  for (const { key, raw, keys } of overrides) {
    const flag = `-c ${key}`;
    if (keys.some((k) => k === '')) {
      problems.push(`${flag}: empty field name in the path (write -c ${ADAPTER_CONTEXT_KEY}.field.subfield=value)`);
      continue;
    }
    const result = overrideValue(raw, keys, flag, problems);
    if (!('value' in result)) continue;
    let target = merged;
    let blocked = false;
    for (const [i, k] of keys.slice(0, -1).entries()) {
      if (target[k] === undefined) target[k] = {};
      if (!isRecord(target[k])) {
        problems.push(`${flag}: ${keys.slice(0, i + 1).join('.')} is ${JSON.stringify(target[k])}, not an object, so it has no field "${keys[i + 1]}"`);
        blocked = true;
        break;
      }
      target = target[k] as Record<string, unknown>;
    }
    if (!blocked) target[keys.at(-1)!] = result.value;
  }
  return { merged, problems };
}

export interface LoadConfigOptions {
  /**
   * The region the stack deploys to (`CDK_DEFAULT_REGION`), so a certificate from another region is
   * reported with the other problems.
   * @default - not checked here (the construct checks it against the stack's region)
   */
  readonly region?: string;
}

/**
 * Returns the validated configuration, or throws one `ConfigError` naming every problem: JSON
 * syntax (line and column), unknown fields (with the closest known one), wrong values, an unknown
 * provider, and a certificate from another region than the stack's.
 * @param scope usually the `App`; context is read from its node.
 */
export function loadConfigFromApp(scope: Construct, options: LoadConfigOptions = {}): AdapterConfig {
  const base: unknown = scope.node.tryGetContext(ADAPTER_CONTEXT_KEY);
  const all = scope.node.getAllContext() as Record<string, unknown>;
  const flat = Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(`${ADAPTER_CONTEXT_KEY}.`)));
  if (base === undefined && Object.keys(flat).length === 0) {
    throw new ConfigError(
      [`${ADAPTER_CONTEXT_KEY}: missing; set it in cdk.json context or pass -c ${ADAPTER_CONTEXT_KEY}.provider=… -c ${ADAPTER_CONTEXT_KEY}.tokenUrl=…`],
      SOURCE,
    );
  }
  if (base !== undefined && base !== null && typeof base !== 'object' && typeof base !== 'string') {
    throw new ConfigError([`${ADAPTER_CONTEXT_KEY}: must be an object (or its JSON text), got ${typeof base}`], SOURCE);
  }
  const { merged, problems } = mergeContext(base ?? {}, flat);
  const checked = checkAdapterConfig(merged);
  const regionProblem = certificateRegionProblem(merged.certificateArn, options.region, merged.domainName);
  const found = [...problems, ...checked.problems, ...(regionProblem ? [regionProblem] : [])];
  if (found.length > 0 || !checked.config) throw new ConfigError(found, SOURCE);
  return checked.config;
}
