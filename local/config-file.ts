/**
 * `npm start -- --config FILE`: the adapter configuration for local mode, from a JSON file holding
 * either the configuration object itself (`{"provider": "github", "tokenUrl": "…"}`) or a whole
 * cdk.json (then `context.adapter` is used, the same object `cdk deploy` reads). Validated by the
 * same schema as synth and the Lambda cold start, so a file that works here deploys.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, parseAdapterConfig, type AdapterConfig } from '../lambda/core/config';
import { describeJsonError, parseJsonText } from '../lambda/core/json-text';

export interface LoadedConfigFile {
  config: AdapterConfig;
  /** Absolute path of the file. */
  path: string;
  /** Where in the file the configuration was found. */
  shape: 'adapter object' | 'cdk.json context.adapter';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws ConfigError whose message names the file and every bad field. */
export function loadConfigFile(file: string): LoadedConfigFile {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError([`cannot read the file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message)})`], `--config ${path}`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new ConfigError([describeJsonError(parsed, text)], `--config ${path}`);
  const json = parsed.value;
  if (!isObject(json)) {
    throw new ConfigError([`(file): must be a JSON object (the adapter configuration or a cdk.json), got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`], `--config ${path}`);
  }
  // A cdk.json has "app" and/or "context"; the configuration object has neither (it is a strict object).
  if (!('provider' in json) && ('context' in json || 'app' in json)) {
    const source = `--config ${path} (cdk.json, context.adapter)`;
    const context = json.context;
    if (!isObject(context) || context.adapter === undefined) {
      throw new ConfigError(['context.adapter: missing; a cdk.json given to --config must hold the adapter configuration under context.adapter'], source);
    }
    let adapter: unknown = context.adapter;
    if (typeof adapter === 'string') {
      // The CDK context also accepts the object as JSON text (-c adapter='{…}').
      const inner = parseJsonText(adapter);
      if (!inner.ok) throw new ConfigError([`context.adapter (JSON text): ${describeJsonError(inner, adapter)}`], source);
      adapter = inner.value;
    }
    if (!isObject(adapter)) throw new ConfigError([`context.adapter: must be an object, got ${adapter === null ? 'null' : Array.isArray(adapter) ? 'an array' : typeof adapter}`], source);
    return { config: parseAdapterConfig(adapter, source), path, shape: 'cdk.json context.adapter' };
  }
  const source = `--config ${path}`;
  return { config: parseAdapterConfig(json, source), path, shape: 'adapter object' };
}
