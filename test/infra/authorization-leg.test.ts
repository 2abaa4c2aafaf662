/** The authorization leg in the stack: routes, function, grants, outputs per mode, cdk-nag, and its real bundle. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseAdapterConfig } from '../../lambda/core/config';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { build, config, ENV, testApp } from './helpers';

const routeKeys = (t: Template) => Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey).sort();

describe('interception mode', () => {
  const { template, stack } = build({ mode: 'interception', vendorId: 'M2TESTVENDOR' }, { nag: true });
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
  const apiId = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;

  it('adds GET /authorize and GET /callback to the one HTTP API', () => {
    expect(routeKeys(template)).toEqual(['$default', 'GET /authorize', 'GET /callback', 'POST /token']);
  });

  it('serves them from a second function with its own role and log group, ADAPTER_CONFIG in interception mode, and table access', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => String((f as { Properties: { Description: string } }).Properties.Description).includes('/authorize'))! as {
      Properties: { Environment: { Variables: { ADAPTER_CONFIG: string; TABLE_NAME: unknown } }; Runtime: string; Architectures: string[] };
    };
    expect(JSON.parse(fn.Properties.Environment.Variables.ADAPTER_CONFIG)).toMatchObject({ mode: 'interception', vendorId: 'M2TESTVENDOR', grantTtlSeconds: 600, extraRedirectHosts: [] });
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] });
    template.resourceCountIs('AWS::IAM::Role', 2);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('dynamodb:PutItem');
    expect(policies).toContain('dynamodb:DeleteItem');
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.includes('AuthorizationLeg'))).toHaveLength(1);
  });

  it('outputs our /authorize as AuthorizationUri, our /callback as ProviderRedirectUri, and the provider login host as DomainList', () => {
    expect(outputs.AuthorizationUri!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }, '/authorize']] });
    expect(outputs.ProviderRedirectUri!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }, '/callback']] });
    expect(outputs.ProviderRedirectUri!.Description).toMatch(/register/);
    expect(outputs.DomainList!.Value).toBe('github.com');
    expect(outputs.AuthorizeLogGroupName).toBeDefined();
    expect(stack.adapter.authorizationLeg).toBeDefined();
  });

  it('uses the custom domain in both URIs when one is configured', () => {
    const t = build({ mode: 'interception', domainName: 'link.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555' }).template;
    const o = t.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(o.AuthorizationUri!.Value).toBe('https://link.example.com/authorize');
    expect(o.ProviderRedirectUri!.Value).toBe('https://link.example.com/callback');
  });

  it('has zero unacknowledged cdk-nag findings, each acknowledgement with a reason', () => {
    expect(new AwsSolutionsChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
  });
});

describe('passthrough mode (default)', () => {
  const { template } = build();
  it('has no authorization routes, no second function and no ProviderRedirectUri', () => {
    expect(routeKeys(template)).toEqual(['$default', 'POST /token']);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect((template.toJSON().Outputs as Record<string, unknown>).ProviderRedirectUri).toBeUndefined();
  });
});

describe('configuration checks at synth', () => {
  it('interception without an authorization endpoint (generic profile) names authorizeUrl', () => {
    expect(() => parseAdapterConfig({ provider: 'generic', tokenUrl: 'https://op.example/token', mode: 'interception' })).toThrow(ConfigError);
    try {
      parseAdapterConfig({ provider: 'generic', tokenUrl: 'https://op.example/token', mode: 'interception' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(['authorizeUrl: required in interception mode (the provider profile has no default authorization endpoint)']);
    }
  });

  it('rejects a bad vendorId, extra host and grant TTL with the field named', () => {
    try {
      parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token', mode: 'interception', vendorId: 'M2-X', extraRedirectHosts: ['Evil.Example:443'], grantTtlSeconds: 5 });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^vendorId: /m);
      expect(problems).toMatch(/^extraRedirectHosts\.0: /m);
      expect(problems).toMatch(/^grantTtlSeconds: /m);
    }
  });
});

describe('real bundling of the authorize handler', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is a small, self-contained CJS bundle exporting handler', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'adapter-authz-synth-'));
    dirs.push(outdir);
    const app = testApp({}, { bundle: true, outdir });
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config({ mode: 'interception' }), env: ENV });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const fns = Object.values(artifact.template.Resources as Record<string, { Type: string; Properties: { Description: string; Code: { S3Key: string } } }>).filter((r) => r.Type === 'AWS::Lambda::Function');
    const fn = fns.find((f) => f.Properties.Description.includes('/authorize'))!;
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const dir = join(assembly.directory, manifest.files[hash]!.source.path);
    expect(readdirSync(dir)).toEqual(['index.js']);
    const bundle = join(dir, 'index.js');
    const size = statSync(bundle).size;
    console.log(`authorize bundle: ${size} bytes`);
    expect(size).toBeLessThan(200 * 1024);
    const code = readFileSync(bundle, 'utf8');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    const builtins = new Set(builtinModules);
    expect(required.filter((m) => !m.startsWith('node:') && !builtins.has(m) && !m.startsWith('@aws-sdk/'))).toEqual([]);
    expect(typeof (createRequire(import.meta.url)(bundle) as Record<string, unknown>).handler).toBe('function');
  });
});
