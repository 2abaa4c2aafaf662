/**
 * What the package ships, checked without packing: the prebuilt handlers are deterministic (two
 * builds give the same bytes, hence the same CDK asset hash), carry nothing of the machine that built
 * them, and the package metadata follows construct-library conventions. `.ci/run` packs the tarball
 * and installs it into an empty CDK app for the rest.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSETS_DIR } from '../../lib/handler-assets';
import { rewriteDeclarationImports } from '../../scripts/build-package';
import { buildHandlerAssets } from '../../scripts/handler-assets';
import { build } from '../infra/helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pkg-build-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('prebuilt handlers', () => {
  it('two builds give byte-identical bundles, the same as dist/assets, with no path of this machine in them', async () => {
    const [a, b] = [tempDir(), tempDir()];
    const first = await buildHandlerAssets({ outDir: a });
    const second = await buildHandlerAssets({ outDir: b });
    expect(second.map((x) => x.sha256)).toEqual(first.map((x) => x.sha256));
    for (const asset of first) {
      const rel = join(asset.variant, asset.name, 'index.js');
      const bytes = readFileSync(join(a, rel));
      expect(Buffer.compare(bytes, readFileSync(join(b, rel))), rel).toBe(0);
      expect(Buffer.compare(bytes, readFileSync(join(ASSETS_DIR, rel))), `dist/assets/${rel}`).toBe(0);
      const text = bytes.toString('utf8');
      for (const local of [ROOT, ROOT.replace(/\/$/, ''), homedir(), tmpdir()]) expect(text.includes(local), `${rel} contains ${local}`).toBe(false);
    }
  });

  it('the same code gives the same CDK asset hash in every synth', () => {
    const keys = () =>
      Object.values(build({ mode: 'interception', smartHome: { skillId: 'amzn1.ask.skill.0a1b', alexaClientId: 'amzn1.application-oa2-client.x' } }).template.findResources('AWS::Lambda::Function'))
        .map((r) => (r as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key)
        .sort();
    const first = keys();
    expect(first).toHaveLength(4);
    expect(keys()).toEqual(first);
  }, 120_000); // two synths with cdk-nag: seconds on a quiet machine, more on a busy CI runner
});

describe('declarations for Node ESM resolution', () => {
  it('relative imports get .js (or /index.js); packages and .js imports stay', () => {
    // A declaration tree of its own: the test must not depend on an earlier `npm run build`.
    const types = tempDir();
    for (const d of ['lib/account-linking-adapter.d.ts', 'lib/output-keys.d.ts', 'lambda/core/config.d.ts', 'lambda/core/profiles/index.d.ts']) {
      mkdirSync(dirname(join(types, d)), { recursive: true });
      writeFileSync(join(types, d), 'export {};\n');
    }
    const file = join(types, 'lib/account-linking-adapter.d.ts');
    const text = [
      "import { Construct } from 'constructs';",
      "import { type AdapterConfig } from '../lambda/core/config';",
      "export { BUILT_IN_PROFILES } from '../lambda/core/profiles/index';",
      "import type { X } from './output-keys.js';",
      "type T = import('../lambda/core/config').AdapterConfig;",
    ].join('\n');
    expect(rewriteDeclarationImports(file, text)).toBe(
      [
        "import { Construct } from 'constructs';",
        "import { type AdapterConfig } from '../lambda/core/config.js';",
        "export { BUILT_IN_PROFILES } from '../lambda/core/profiles/index.js';",
        "import type { X } from './output-keys.js';",
        "type T = import('../lambda/core/config.js').AdapterConfig;",
      ].join('\n'),
    );
    expect(() => rewriteDeclarationImports(file, "import { x } from './missing';")).toThrow(/cannot resolve the declaration import "\.\/missing"/);
  });
});

describe('package.json: what a construct library publishes', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
    version: string;
    exports: Record<string, unknown>;
    files: string[];
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional: boolean }>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    bin: Record<string, string>;
    scripts: Record<string, string>;
    publishConfig: Record<string, unknown>;
  };

  it('an exports map with types first, a semantic version, and a CHANGELOG entry for it', () => {
    expect(Object.keys(pkg.exports['.'] as object)).toEqual(['types', 'default']);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## [${pkg.version}]`);
  });

  it('aws-cdk-lib and constructs are peers (one copy in the app), pinned for development; the SDK clients of the Lambdas are not installed for users', () => {
    for (const name of ['aws-cdk-lib', 'constructs']) {
      expect(pkg.peerDependencies[name]).toMatch(/^\^/);
      expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.peerDependencies[name]!.slice(1)).toBe(pkg.devDependencies[name]);
    }
    for (const name of ['@aws-sdk/client-dynamodb', '@aws-sdk/client-lambda', '@aws-sdk/client-secrets-manager']) expect(pkg.dependencies[name]).toBeUndefined();
  });

  it('ships the build, the launcher and the changelog; builds before packing; publishes with provenance', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/types/', 'dist/cli/', 'dist/assets/', 'dist/build-manifest.json', 'bin/alexa-link-adapter.mjs', 'CHANGELOG.md']));
    expect(pkg.files.some((f) => /\.ts$|^lib|^lambda|^cli|^local|^test/.test(f))).toBe(false);
    expect(pkg.bin['alexa-link-adapter']).toBe('bin/alexa-link-adapter.mjs');
    expect(pkg.scripts['prepack']).toBe('npm run build');
    expect(pkg.publishConfig).toMatchObject({ provenance: true });
  });
});
