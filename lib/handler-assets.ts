/**
 * The Lambda handlers ship prebuilt: one esbuild bundle per handler, built once by the package build
 * (`npm run build`, scripts/build-package.ts) and used as-is at every synth, so an app that installs
 * the package needs neither esbuild nor our TypeScript sources, and the same package version always
 * deploys the same bytes (stable asset hashes; their SHA-256 is in dist/build-manifest.json).
 *
 * Layout: `dist/assets/<variant>/<handler>/index.js`, `<variant>` being `sdk-external` (the default:
 * the nodejs24.x runtime provides AWS SDK v3) or `sdk-bundled` (`bundleAwsSdk: true`). This module is
 * one directory below the package root both in the repository (lib/handler-assets.ts) and in the
 * published package (the library bundle is dist/index.js), so one relative URL finds them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { HandlerName } from '../lambda/contract/routes';

/** The handlers under lambda/handlers/, each its own Lambda function and asset (lambda/contract/routes.ts). */
export { HANDLER_NAMES, type HandlerName } from '../lambda/contract/routes';

export const ASSET_VARIANTS = ['sdk-external', 'sdk-bundled'] as const;
export type AssetVariant = (typeof ASSET_VARIANTS)[number];

/** `<package root>/dist/assets/`. */
export const ASSETS_DIR = fileURLToPath(new URL('../dist/assets/', import.meta.url));

export const assetVariant = (bundleAwsSdk: boolean | undefined): AssetVariant => (bundleAwsSdk ? 'sdk-bundled' : 'sdk-external');

/** The directory holding a handler's prebuilt `index.js` (exports `handler`). */
export function handlerAssetDir(name: HandlerName, bundleAwsSdk?: boolean, assetsDir = ASSETS_DIR): string {
  const dir = join(assetsDir, assetVariant(bundleAwsSdk), name);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(
      `alexa-link-adapter: the prebuilt ${name} handler is missing (${join(dir, 'index.js')}). ` +
        'An installed package ships it; in a clone of the repository, run "npm run build:assets" ' +
        '(bin/app.ts and the tests build it for you).',
    );
  }
  return dir;
}

/** Lambda code of a prebuilt handler; its runtime handler is `index.handler`. */
export function handlerCode(name: HandlerName, bundleAwsSdk?: boolean): lambda.Code {
  return lambda.Code.fromAsset(handlerAssetDir(name, bundleAwsSdk));
}
