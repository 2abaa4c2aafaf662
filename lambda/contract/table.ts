/**
 * The state table's schema, once: the construct declares it (lib/account-linking-adapter.ts), local
 * mode and the tests create it through the DynamoDB API (local/table-definition.ts), and the one store
 * implementation addresses it (lambda/store/dynamodb-store.ts). Every item has a string partition key,
 * a string sort key and its expiry in epoch seconds under the TTL attribute (lambda/store/state-store.ts).
 */

/** Attribute names of the key and of the TTL. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items itself, lazily (every read treats them as absent). */
  ttlAttribute: 'expiresAt',
} as const;

export type PartitionKeyName = typeof TABLE_KEYS.partitionKey;
export type SortKeyName = typeof TABLE_KEYS.sortKey;
export type TtlAttributeName = typeof TABLE_KEYS.ttlAttribute;

/** The table as CloudFormation and the DynamoDB API both describe it (their property names). */
export const STATE_TABLE = {
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
  ],
  /** On demand: account linking is a few calls per user, ever. */
  BillingMode: 'PAY_PER_REQUEST',
  TimeToLiveAttribute: TABLE_KEYS.ttlAttribute,
} as const;
