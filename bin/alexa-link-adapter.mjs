#!/usr/bin/env node
// Launcher of the diagnosis CLI (`npx alexa-link-adapter …`).
// - Installed package: runs the compiled CLI in dist/cli (built by `npm run build`, shipped in the
//   tarball): plain JavaScript, no TypeScript tooling at run time.
// - A clone of the repository (cli/main.ts present and tsx installed): runs the sources through tsx,
//   so what you edit is what runs and there is no build output to go stale.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const fromSource = existsSync(new URL('../cli/main.ts', import.meta.url)) && canResolve('tsx/esm/api');

function canResolve(specifier) {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

let main;
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
await main();
