#!/usr/bin/env node
// Writes package.json and package-lock.json of a throwaway consumer app, so that `npm ci --offline`
// installs the packed tarball and everything it and the app need without the network:
//
//   node .ci/consumer-lock.mjs <app dir> <tarball> <dependency>… [-- <dev dependency>…]
//
// npm resolves a name@version through the registry's package document, which `npm ci` does not cache;
// with a lock file, `npm ci` needs only the tarballs, which it does cache. So the app's lock is this
// repository's lock cut down to what the app needs: every package at the same place, with the same
// resolved URL and integrity, plus the tarball itself (file:, its own sha512). Nothing is invented:
// a package the repository's lock does not hold makes this script fail.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const [appDir, tarball, ...rest] = process.argv.slice(2);
if (!appDir || !tarball) throw new Error('usage: consumer-lock.mjs <app dir> <tarball> <dependency>… [-- <dev dependency>…]');
const split = rest.indexOf('--');
const deps = split === -1 ? rest : rest.slice(0, split);
const devDeps = split === -1 ? [] : rest.slice(split + 1);

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const packages = lock.packages;

// The tarball's own package.json (what npm will read when it installs it).
const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
const tarballSpec = `file:${relative(resolve(appDir), resolve(tarball))}`;
const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;

/** Where Node (and npm's layout) finds `name` from the package at `from` ('' is the app). */
function locate(name, from) {
  for (let dir = from; ; ) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate] || (candidate === `node_modules/${manifest.name}`)) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up === -1 ? '' : dir.slice(0, up);
  }
}

const picked = new Map();
function pick(name, from, optional) {
  const where = locate(name, from);
  if (!where) {
    if (optional) return;
    throw new Error(`${name} (needed by ${from || 'the app'}) is not in this repository's package-lock.json`);
  }
  if (picked.has(where)) return;
  const entry = where === `node_modules/${manifest.name}` ? { ...ourEntry } : { ...packages[where] };
  for (const flag of ['dev', 'devOptional', 'peer', 'optional']) delete entry[flag];
  picked.set(where, entry);
  for (const dep of Object.keys(entry.dependencies ?? {})) pick(dep, where, false);
  for (const dep of Object.keys(entry.optionalDependencies ?? {})) pick(dep, where, true);
  // npm installs required peers; optional ones only when the app itself depends on them (picked from the app then).
  for (const dep of Object.keys(entry.peerDependencies ?? {})) if (entry.peerDependenciesMeta?.[dep]?.optional !== true) pick(dep, where, false);
  // Bundled dependencies come inside the package's own tarball; the lock lists them (inBundle).
  for (const [path, e] of Object.entries(packages)) if (path.startsWith(`${where}/node_modules/`) && e.inBundle) picked.set(path, { ...e });
}

const ourEntry = {
  version: manifest.version,
  resolved: tarballSpec,
  integrity,
  license: manifest.license,
  ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
  ...(manifest.peerDependencies ? { peerDependencies: manifest.peerDependencies } : {}),
  ...(manifest.peerDependenciesMeta ? { peerDependenciesMeta: manifest.peerDependenciesMeta } : {}),
  ...(manifest.bin ? { bin: manifest.bin } : {}),
  ...(manifest.engines ? { engines: manifest.engines } : {}),
};

const version = (name) => (name === manifest.name ? tarballSpec : packages[`node_modules/${name}`]?.version);
const spec = (names) => Object.fromEntries(names.map((n) => [n, version(n) ?? (() => { throw new Error(`${n} is not a top-level package of this repository`); })()]));
// The same install-script choice as this repository (npm 11 asks about esbuild's postinstall, which tsx brings).
const ourPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const app = { name: basename(resolve(appDir)), version: '1.0.0', private: true, dependencies: spec(deps), ...(devDeps.length ? { devDependencies: spec(devDeps) } : {}), ...(ourPackage.allowScripts ? { allowScripts: ourPackage.allowScripts } : {}) };
for (const n of [...deps, ...devDeps]) pick(n, '', false);

const appLock = {
  name: app.name,
  version: app.version,
  lockfileVersion: 3,
  requires: true,
  packages: { '': { name: app.name, version: app.version, dependencies: app.dependencies, ...(app.devDependencies ? { devDependencies: app.devDependencies } : {}) }, ...Object.fromEntries([...picked].sort(([a], [b]) => a.localeCompare(b))) },
};
writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(app, null, 2)}\n`);
writeFileSync(join(appDir, 'package-lock.json'), `${JSON.stringify(appLock, null, 2)}\n`);
process.stderr.write(`${appDir}: ${picked.size} packages locked from this repository's lock (${manifest.name} from ${tarballSpec})\n`);
