/**
 * Builds the prebuilt Lambda handler bundles (lib/handler-assets.ts describes the layout). One place
 * for the esbuild options: the package build, `cdk synth` in this repository (bin/app.ts), the test
 * setup and the bench all call this, so what the tests check is what ships.
 *
 * Deterministic: the same sources and esbuild version give the same bytes (no source maps, no
 * absolute paths, no timestamps), so the CDK asset hash of a handler only changes with its code.
 * Each file is replaced atomically (temp file + rename) and only when its bytes change, so a
 * synth reading the assets in another process never sees a half-written bundle.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { ASSETS_DIR, ASSET_VARIANTS, HANDLER_NAMES, type AssetVariant, type HandlerName } from '../lib/handler-assets';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What NodejsFunction did before the handlers were prebuilt (minified CommonJS for node24, names
 * kept for stack traces, no source maps: `--enable-source-maps` costs cold-start time), plus
 * `legalComments: 'none'` and a fixed working directory so nothing machine-specific ends up in the output.
 */
export function handlerBuildOptions(name: HandlerName, variant: AssetVariant): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [`lambda/handlers/${name}.ts`],
    bundle: true,
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // The nodejs24.x runtime provides AWS SDK v3; bundle it only when asked (bundleAwsSdk).
    external: variant === 'sdk-external' ? ['@aws-sdk/*'] : [],
    write: false,
    logLevel: 'warning',
  };
}

export interface BuiltAsset {
  variant: AssetVariant;
  name: HandlerName;
  /** Relative to the package root, e.g. `dist/assets/sdk-external/token/index.js`. */
  path: string;
  bytes: number;
  sha256: string;
}

/** Writes `data` to `file` unless it already holds exactly these bytes; atomically (rename). */
function writeIfChanged(file: string, data: Uint8Array): void {
  try {
    if (Buffer.compare(readFileSync(file), data) === 0) return;
  } catch {
    // not there yet
  }
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

/** Builds the handler bundles of the given variants into `outDir` (default: dist/assets). */
export async function buildHandlerAssets(opts: { variants?: readonly AssetVariant[]; outDir?: string } = {}): Promise<BuiltAsset[]> {
  const outDir = opts.outDir ?? ASSETS_DIR;
  const jobs = (opts.variants ?? ASSET_VARIANTS).flatMap((variant) => HANDLER_NAMES.map((name) => ({ variant, name })));
  return Promise.all(
    jobs.map(async ({ variant, name }) => {
      const out = await build(handlerBuildOptions(name, variant));
      const code = out.outputFiles![0]!.contents;
      const file = join(outDir, variant, name, 'index.js');
      writeIfChanged(file, code);
      return {
        variant,
        name,
        path: file.startsWith(PROJECT_ROOT) ? file.slice(PROJECT_ROOT.length) : file,
        bytes: code.byteLength,
        sha256: createHash('sha256').update(code).digest('hex'),
      };
    }),
  );
}

// `npm run build:assets`: both variants into dist/assets.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildHandlerAssets();
  for (const a of built) process.stderr.write(`${a.path}  ${(a.bytes / 1024).toFixed(1)} KB  sha256 ${a.sha256.slice(0, 16)}…\n`);
}
