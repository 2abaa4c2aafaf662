/**
 * The state store of a Lambda, from `TABLE_NAME`, created on first use. The DynamoDB module (and
 * with it the AWS SDK, which the runtime provides) is imported lazily, so a cold start on a path that
 * never touches the table does not pay for loading the SDK.
 */
import { FUNCTION_ENV } from '../contract/env';
import type { StateStore } from '../store/state-store';

let cached: Promise<StateStore> | undefined;

/** Undefined when no table is configured (tests, or a handler deployed without one). */
export function storeFromEnv(): (() => Promise<StateStore>) | undefined {
  const tableName = process.env[FUNCTION_ENV.tableName];
  if (!tableName) return undefined;
  return () => (cached ??= import('../store/dynamodb-store').then((m) => new m.DynamoDbStateStore({ tableName })));
}
