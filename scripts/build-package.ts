/**
 * `npm run build` (also `prepack`, so `npm pack` and `npm publish` always ship a fresh build): what the
 * published package runs, in dist/.
 *
 *   dist/index.js               the construct library (lib/index.ts), one ESM bundle; aws-cdk-lib,
 *                               constructs and the package's dependencies stay external
 *   dist/types/                 its declarations (tsc), relative imports ending in .js as Node ESM wants
 *   dist/cli/main.js (+chunks/) the CLI, compiled: no tsx or TypeScript at run time; the AWS SDK and
 *                               the HTML parser load only for the commands that need them
 *   dist/assets/                the prebuilt Lambda handlers (scripts/handler-assets.ts)
 *   dist/build-manifest.json    provenance: the commit, the toolchain, and the SHA-256 of every file above
 *
 * Deterministic: the manifest holds no build time, so two builds of one commit are byte-identical
 * (test/package/build.test.ts builds twice and compares).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { buildHandlerAssets, PROJECT_ROOT } from './handler-assets';

interface PackageJson {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const DIST = join(PROJECT_ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Everything the package gets from its dependencies (and peers) stays an import of them. */
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), '@aws-sdk/*'].flatMap((name) =>
  name.endsWith('/*') ? [name] : [name, `${name}/*`],
);

/** The lowest Node the package supports, as an esbuild target ("node20.19"). */
const nodeTarget = `node${/(\d+(\.\d+)?)/.exec(pkg.engines?.node ?? '20')?.[1] ?? '20'}`;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/**
 * tsc writes `from './foo'` as written in the sources (bundler resolution); a consumer type-checking
 * with Node's ESM resolution (module node16/nodenext) needs `./foo.js` or `./foo/index.js`.
 */
export function rewriteDeclarationImports(file: string, text: string): string {
  const dir = dirname(file);
  return text.replace(/(from\s+|import\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (whole, lead: string, quote: string, spec: string) => {
    if (/\.(js|json)$/.test(spec)) return whole;
    const target = existsSync(resolve(dir, `${spec}.d.ts`)) ? `${spec}.js` : existsSync(resolve(dir, spec, 'index.d.ts')) ? `${spec}/index.js` : undefined;
    if (target === undefined) throw new Error(`${relative(PROJECT_ROOT, file)}: cannot resolve the declaration import "${spec}"`);
    return `${lead}${quote}${target}${quote}`;
  });
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  for (const part of ['index.js', 'cli', 'types', 'build-manifest.json']) rmSync(join(DIST, part), { recursive: true, force: true });

  const assets = await buildHandlerAssets();

  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: ['lib/index.ts'],
    outfile: 'dist/index.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: nodeTarget,
    external,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });

  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { main: 'cli/main.ts' },
    outdir: 'dist/cli',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: nodeTarget,
    external,
    // Smaller to parse on every start (--help within 300 ms), names kept for readable stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });

  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.types.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  for (const file of files(join(DIST, 'types')).filter((f) => f.endsWith('.d.ts'))) {
    writeFileSync(file, rewriteDeclarationImports(file, readFileSync(file, 'utf8')));
  }

  const shipped = [join(DIST, 'index.js'), ...files(join(DIST, 'cli')), ...files(join(DIST, 'types'))];
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const commit = git(['rev-parse', 'HEAD']);
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    // The commit the package was built from; "dirty" when tracked files differed from it.
    source: { commit: commit ?? null, dirty: commit === undefined ? null : (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '' },
    toolchain: { node: process.version, esbuild: esbuildVersion, typescript: (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules/typescript/package.json'), 'utf8')) as { version: string }).version },
    lambdaAssets: assets
      .map((a) => ({ variant: a.variant, handler: a.name, path: a.path, bytes: a.bytes, sha256: a.sha256 }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    files: shipped.map((f) => ({ path: relative(PROJECT_ROOT, f).split('\\').join('/'), bytes: statSync(f).size, sha256: sha256(f) })),
  };
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, 'build-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(
    `built ${pkg.name}@${pkg.version} in ${Date.now() - started} ms: ${assets.length} Lambda bundles and ${manifest.files.length} files of library, CLI and declarations, listed with their SHA-256 in dist/build-manifest.json\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
