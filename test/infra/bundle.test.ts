/**
 * The slow tests: one real synth staging the prebuilt token handler (dist/assets) as the function's
 * code, and bin/app.ts run as the CDK CLI would run it (through tsx) with a bad configuration.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { config, ENV, ROOT, testApp } from './helpers';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the token handler staged at synth', () => {
  it('is the prebuilt, small, self-contained CJS bundle exporting handler', () => {
    const outdir = tempDir('adapter-synth-');
    const app = testApp({}, { bundle: true, outdir });
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config(), env: ENV });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();

    // Function code S3 key "<hash>.zip" → the asset manifest names the staged directory of that hash.
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const fn = Object.values(artifact.template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    )!;
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const source = manifest.files[hash]!.source;
    expect(source.packaging).toBe('zip');
    const assetDir = join(assembly.directory, source.path);

    const files = readdirSync(assetDir);
    expect(files).toEqual(['index.js']); // no source maps, no node_modules, no package.json
    const bundle = join(assetDir, 'index.js');
    const size = statSync(bundle).size;
    expect(size).toBeGreaterThan(500);
    expect(size).toBeLessThan(200 * 1024);

    // Self-contained: every remaining require() is a Node built-in or the AWS SDK v3 the Node 24 runtime provides.
    const code = readFileSync(bundle, 'utf8');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    const builtins = new Set(builtinModules);
    expect(required.filter((m) => !m.startsWith('node:') && !builtins.has(m) && !m.startsWith('@aws-sdk/'))).toEqual([]);

    // CommonJS that loads in Node and exports the configured handler name.
    const mod = createRequire(import.meta.url)(bundle) as Record<string, unknown>;
    expect(typeof mod.handler).toBe('function');
  });
});

describe('bin/app.ts', () => {
  const runApp = (context: Record<string, unknown>, outdir = tempDir('adapter-app-')) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
      timeout: 60_000,
    });

  it('exits 1 with a ConfigError naming the field and no stack trace', () => {
    const r = runApp({ adapter: { provider: 'github', tokenUrl: 'http://github.com/login/oauth/access_token' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid adapter configuration');
    expect(r.stderr).toMatch(/- tokenUrl: must use https/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('synthesizes the stack under the name given by -c stackName', () => {
    const outdir = tempDir('adapter-app-');
    const r = runApp(
      {
        adapter: { provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' },
        stackName: 'LinkAdapterStaging',
        'aws:cdk:bundling-stacks': [],
      },
      outdir,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
    };
    expect(manifest.artifacts.AlexaLinkAdapter?.properties?.stackName).toBe('LinkAdapterStaging');
    expect(existsSync(join(outdir, 'AlexaLinkAdapter.template.json'))).toBe(true);
  });
});
