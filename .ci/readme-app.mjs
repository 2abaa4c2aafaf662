#!/usr/bin/env node
// Reproduces the README's "Using the construct in your own CDK app" section as printed:
//
//   node .ci/readme-app.mjs <app dir>
//
// writes each file block (<!-- construct-app file=NAME -->) into the app directory, and prints, one per
// line, the packages of the install block (<!-- construct-app install -->: "deps… -- devDeps…") and then
// each command of the run block (<!-- construct-app run -->). The install commands themselves need the
// registry; .ci/package-check installs the same packages offline instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const appDir = process.argv[2];
if (!appDir) throw new Error('usage: readme-app.mjs <app dir>');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/<!-- construct-app ([^>]*?) -->\s*```\w*\n([\s\S]*?)```/g)].map((m) => ({ tag: m[1].trim(), body: m[2] }));
const one = (tag) => {
  const found = blocks.filter((b) => b.tag === tag);
  if (found.length !== 1) throw new Error(`README: expected one <!-- construct-app ${tag} --> block, found ${found.length}`);
  return found[0].body;
};

for (const b of blocks.filter((x) => x.tag.startsWith('file='))) writeFileSync(join(appDir, b.tag.slice('file='.length)), b.body);

const deps = [];
const devDeps = [];
for (const line of one('install').split('\n')) {
  const m = /npm install\s+(.*)$/.exec(line);
  if (!m) continue;
  const words = m[1].trim().split(/\s+/);
  const dev = words.includes('--save-dev') || words.includes('-D');
  (dev ? devDeps : deps).push(...words.filter((w) => !w.startsWith('-')));
}
if (!deps.includes('alexa-link-adapter')) throw new Error('README install block does not install alexa-link-adapter');
process.stdout.write(`${[...deps, '--', ...devDeps].join(' ')}\n`);
for (const line of one('run').split('\n')) if (line.trim() !== '' && !line.trim().startsWith('#')) process.stdout.write(`${line.trim()}\n`);
