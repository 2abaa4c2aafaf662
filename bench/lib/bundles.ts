/**
 * Bundle sizes of every Lambda handler as the package ships them (scripts/handler-assets.ts, AWS SDK
 * external) and the cold-start cost of the token bundle in fresh `node` processes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { HANDLER_NAMES } from '../../lib/handler-assets';
import { handlerBuildOptions } from '../../scripts/handler-assets';
import { summarize } from './stats';

export interface BundleSize {
  handler: string;
  bytes: number;
  gzipBytes: number;
}

export async function bundleSizes(workDir: string): Promise<{ sizes: BundleSize[]; tokenBundle?: string }> {
  const sizes: BundleSize[] = [];
  let tokenBundle: string | undefined;
  for (const name of [...HANDLER_NAMES].sort()) {
    const out = await build(handlerBuildOptions(name, 'sdk-external'));
    const code = out.outputFiles![0]!.contents;
    const file = join(workDir, `${name}.js`);
    writeFileSync(file, code);
    if (name === 'token') tokenBundle = file;
    sizes.push({ handler: name, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength });
  }
  return { sizes, tokenBundle };
}

export interface ColdStart {
  spawns: number;
  requireMs: number;
  firstCallMs: number;
  baselineWallMs: number;
  loadedWallMs: number;
  addedWallMs: number;
}

export function coldStart(workDir: string, tokenBundle: string, spawns: number): ColdStart {
  // The probe loads the bundle (or nothing, for the baseline) and reports its own timings.
  const probe = join(workDir, 'probe.cjs');
  writeFileSync(
    probe,
    `const t0 = process.hrtime.bigint();
const target = process.argv[2];
const mod = target ? require(target) : undefined;
const t1 = process.hrtime.bigint();
(async () => {
  let firstCallMs = 0;
  if (mod && process.argv[3] === 'call') {
    const write = process.stdout.write;
    process.stdout.write = () => true; // the exchange record
    const event = { version: '2.0', routeKey: '$default', rawPath: '/nope', rawQueryString: '', headers: {}, isBase64Encoded: false,
      requestContext: { requestId: 'r', http: { method: 'GET', path: '/nope', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' } } };
    const c0 = process.hrtime.bigint();
    await mod.handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 5000 });
    firstCallMs = Number(process.hrtime.bigint() - c0) / 1e6;
    process.stdout.write = write;
  }
  process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, firstCallMs }));
})();
`,
  );
  const env = { ...process.env, ADAPTER_CONFIG: JSON.stringify({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' }), NODE_OPTIONS: '' };
  const runProbe = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [probe, ...args], { env, encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
    return { wall, ...(JSON.parse(r.stdout) as { requireMs: number; firstCallMs: number }) };
  };
  runProbe([]); // warm the file cache
  runProbe([tokenBundle]);
  const base: number[] = [];
  const loaded: number[] = [];
  const requireMs: number[] = [];
  const firstCall: number[] = [];
  for (let i = 0; i < spawns; i++) {
    base.push(runProbe([]).wall);
    const r = runProbe([tokenBundle, 'call']);
    loaded.push(r.wall);
    requireMs.push(r.requireMs);
    firstCall.push(r.firstCallMs);
  }
  const med = (v: number[]) => summarize(v).p50;
  return { spawns, requireMs: med(requireMs), firstCallMs: med(firstCall), baselineWallMs: med(base), loadedWallMs: med(loaded), addedWallMs: med(loaded) - med(base) };
}
