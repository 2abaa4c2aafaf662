/** Shared setup for the infrastructure tests: an App with cdk.json's feature flags, bundling off by default. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Validations, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseAdapterConfig, type AdapterConfig, type AdapterConfigInput } from '../../lambda/core/config';
import { AlexaLinkAdapterStack, type AlexaLinkAdapterStackProps } from '../../lib/adapter-stack';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as {
  context: Record<string, unknown>;
};

/** cdk.json's context (feature flags and the sample `adapter` object), exactly as the CLI passes it. */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = cdkJson.context;

export const ENV: Environment = { account: '123456789012', region: 'eu-west-1' };

export function testApp(extraContext: Record<string, unknown> = {}, opts: { bundle?: boolean; outdir?: string } = {}): App {
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT, ...extraContext };
  if (!opts.bundle) context['aws:cdk:bundling-stacks'] = [];
  return new App({ context, ...(opts.outdir ? { outdir: opts.outdir } : {}) });
}

export const BASE_INPUT: AdapterConfigInput = {
  provider: 'github',
  tokenUrl: 'https://github.com/login/oauth/access_token',
};

export function config(overrides: Partial<AdapterConfigInput> = {}): AdapterConfig {
  return parseAdapterConfig({ ...BASE_INPUT, ...overrides }, 'test');
}

export interface Built {
  app: App;
  stack: AlexaLinkAdapterStack;
  template: Template;
  config: AdapterConfig;
}

/** Builds the stack (optionally with cdk-nag registered, as bin/app.ts does) and synthesizes its template. */
export function build(
  overrides: Partial<AdapterConfigInput> = {},
  opts: { nag?: boolean; adapter?: AlexaLinkAdapterStackProps['adapter'] } = {},
): Built {
  const app = testApp();
  const cfg = config(overrides);
  const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: cfg, env: ENV, adapter: opts.adapter });
  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack), config: cfg };
}

/** The one logical id of the only resource of a type (fails loudly if there are more). */
export function onlyId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return ids[0]!;
}
