/**
 * The prebuilt Lambda handlers as they ship (dist/assets, built by scripts/handler-assets.ts for the
 * package and by the test setup): small, self-contained CommonJS exporting `handler`; with the SDK
 * external they require only Node built-ins and the AWS SDK v3 clients the nodejs24.x runtime provides.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSET_VARIANTS, HANDLER_NAMES, handlerAssetDir } from '../../lib/handler-assets';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const RUNTIME_SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-lambda', '@aws-sdk/client-secrets-manager'];
const OPTIONAL_SIGNERS = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
/** Upper bounds, with room: the SDK-external bundles are 28–100 KB, the SDK-bundled ones 650–750 KB. */
const MAX_BYTES = { 'sdk-external': 150 * 1024, 'sdk-bundled': 1024 * 1024 } as const;

describe.each(ASSET_VARIANTS)('%s', (variant) => {
  it.each(HANDLER_NAMES)('%s: small, self-contained, exports handler', (name) => {
    const dir = handlerAssetDir(name, variant === 'sdk-bundled');
    const code = readFileSync(join(dir, 'index.js'), 'utf8');
    const size = Buffer.byteLength(code);
    console.error(`asset ${variant}/${name}: ${(size / 1024).toFixed(1)} KB`);
    expect(size).toBeLessThan(MAX_BYTES[variant]);
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    const builtins = new Set(builtinModules);
    const foreign = required.filter((m) => !m.startsWith('node:') && !builtins.has(m));
    if (variant === 'sdk-external') for (const m of foreign) expect(RUNTIME_SDK, m).toContain(m);
    // The bundled SDK names its optional SigV4a signers in an error text ("…calling [require("@aws-sdk/signature-v4-crt");]…").
    else expect(foreign.filter((m) => !OPTIONAL_SIGNERS.has(m))).toEqual([]);
    // CommonJS exporting the configured handler (copied out: this package is "type": "module").
    const copy = mkdtempSync(join(tmpdir(), `asset-${name}-`));
    dirs.push(copy);
    cpSync(dir, copy, { recursive: true });
    const mod = createRequire(import.meta.url)(join(copy, 'index.js')) as Record<string, unknown>;
    expect(typeof mod.handler).toBe('function');
  });
});
