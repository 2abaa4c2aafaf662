/**
 * Runs once before the test files: builds the prebuilt Lambda handler bundles (dist/assets) from the
 * current sources, as `npm run build` does for the package, so every synthesized stack in the tests
 * uses exactly the bundles that would ship.
 */
import { buildHandlerAssets } from '../../scripts/handler-assets';

export default async function setup(): Promise<void> {
  await buildHandlerAssets();
}
