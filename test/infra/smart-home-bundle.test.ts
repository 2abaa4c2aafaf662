/**
 * The smart-home handlers bundle as NodejsFunction bundles them (esbuild, minified CJS for node24,
 * `@aws-sdk/*` external): small, self-contained, SDK loaded only through require() of the runtime's copy.
 */
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

describe.each(['smart-home', 'events'])('bundle of lambda/handlers/%s.ts', (name) => {
  it('is small and requires only Node built-ins and the runtime-provided AWS SDK', async () => {
    const out = await build({
      entryPoints: [`${ROOT}/lambda/handlers/${name}.ts`],
      bundle: true,
      minify: true,
      keepNames: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    const size = Buffer.byteLength(code);
    console.error(`bundle ${name}: ${(size / 1024).toFixed(1)} KB`);
    expect(size).toBeLessThan(200 * 1024);
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    const builtins = new Set(builtinModules);
    expect(required.filter((m) => !m.startsWith('node:') && !builtins.has(m) && !m.startsWith('@aws-sdk/'))).toEqual([]);
    for (const m of required.filter((r) => r.startsWith('@aws-sdk/'))) expect(['@aws-sdk/client-dynamodb', '@aws-sdk/client-lambda', '@aws-sdk/client-secrets-manager']).toContain(m);
  });
});
