/**
 * Least privilege on the state table: each function gets exactly the DynamoDB actions its code calls,
 * defined here once and asserted on the synthesized template (test/infra/least-privilege.test.ts).
 *
 * Every function reaches the table through the one StateStore implementation,
 * lambda/store/dynamodb-store.ts, whose methods send exactly these commands:
 *   get    → GetItem (strongly consistent)
 *   put    → PutItem (conditional puts read the losing item back with GetItem where the server
 *            ignores ReturnValuesOnConditionCheckFailure)
 *   delete → DeleteItem
 * No Query, Scan, UpdateItem, ConditionCheckItem, batch or transaction calls exist; a new command in
 * the store fails test/infra/least-privilege.test.ts until it is added here.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { StateStore } from '../lambda/store/state-store';

export type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:DeleteItem';

/** The StateStore method → the DynamoDB actions it may send (lambda/store/dynamodb-store.ts). */
export const STORE_METHOD_ACTIONS: Readonly<Record<keyof StateStore, readonly TableAction[]>> = {
  get: ['dynamodb:GetItem'],
  put: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  delete: ['dynamodb:DeleteItem'],
};

/**
 * What each function's code calls on the store:
 * - token: refresh single-flight and grace (get, conditional put, delete: refresh-guard.ts →
 *   store/single-flight.ts), code links (get, then a conditional put of the "used" marker:
 *   authorize/code-link.ts → authorize/grant-store.ts), grantee mapping (put).
 * - authorize (/authorize, /callback): grants and code links (put; get, then a conditional put of
 *   the "used" marker: authorize/grant-store.ts). It never deletes.
 * - smart home (AcceptGrant, directives): grantee lookup (get: smart-home/identity.ts) and the LWA
 *   tokens it saves (put: smart-home/lwa-tokens.ts saveTokens). It never deletes.
 * - events: LWA tokens read, refreshed under single-flight and revoked (get, put, delete:
 *   smart-home/lwa-tokens.ts getAccessToken/revokeTokens → store/single-flight.ts).
 */
export const TABLE_ACCESS = {
  token: ['get', 'put', 'delete'],
  authorize: ['get', 'put'],
  smartHome: ['get', 'put'],
  events: ['get', 'put', 'delete'],
} as const satisfies Record<string, readonly (keyof typeof STORE_METHOD_ACTIONS)[]>;

export type TableUser = keyof typeof TABLE_ACCESS;

/** The DynamoDB actions of a function, sorted and without duplicates. */
export function tableActions(user: TableUser): TableAction[] {
  return [...new Set(TABLE_ACCESS[user].flatMap((m) => STORE_METHOD_ACTIONS[m]))].sort();
}

/**
 * Grants a function exactly its actions on the table (not its indexes: it has none), and, when the
 * table is encrypted with a customer-managed key, the key use DynamoDB needs on its behalf (as
 * `grantReadWriteData` would: every function here writes).
 */
export function grantTableAccess(table: dynamodb.ITable, grantee: iam.IGrantable, user: TableUser, key?: kms.IKey): void {
  table.grant(grantee, ...tableActions(user));
  key?.grantEncryptDecrypt(grantee);
}
