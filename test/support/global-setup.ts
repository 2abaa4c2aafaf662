/**
 * Runs once before the test files: builds the prebuilt Lambda handler bundles (dist/assets) from the
 * current sources, as `npm run build` does for the package, so every synthesized stack in the tests
 * uses exactly the bundles that would ship; and unpacks DynamoDB Local once (dynamodb-local-jar.ts),
 * before test files start it in parallel.
 */
import { buildHandlerAssets } from '../../scripts/handler-assets';
import { dynamoDbLocalJar } from './dynamodb-local-jar';

export default async function setup(): Promise<void> {
  dynamoDbLocalJar();
  await buildHandlerAssets();
}
