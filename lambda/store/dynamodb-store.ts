/**
 * StateStore on DynamoDB (low-level client, hand-marshalled: the items are flat and the
 * util-dynamodb marshaller would only add bundle weight). Conditional writes follow the pattern of
 * Powertools' idempotency persistence layer: one PutItem whose condition admits "absent, expired,
 * or stale in-progress", with ReturnValuesOnConditionCheckFailure=ALL_OLD so the loser learns
 * who won without a second read.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../contract/table';
import { ConditionFailedError, StoreUnavailableError, type AttrValue, type PutCondition, type StateItem, type StateStore } from './state-store';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;
const keyOf = (pk: string, sk: string): Record<string, AttributeValue> => ({ [PK]: { S: pk }, [SK]: { S: sk } });

export interface DynamoDbStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
  /** Epoch seconds, with the fraction (an item is absent from the instant now ≥ expiresAt); injectable for tests. */
  nowSeconds?: () => number;
}

function marshallValue(v: AttrValue): AttributeValue {
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  return { B: v };
}

export function marshallItem(item: StateItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = marshallValue(v);
  return out;
}

export function unmarshallItem(raw: Record<string, AttributeValue> | undefined): StateItem | undefined {
  if (!raw) return undefined;
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v.S !== undefined) out[k] = v.S;
    else if (v.N !== undefined) out[k] = Number(v.N);
    else if (v.BOOL !== undefined) out[k] = v.BOOL;
    else if (v.B !== undefined) out[k] = v.B;
  }
  return out as StateItem;
}

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
]);

function unavailable(err: unknown): StoreUnavailableError {
  const name = err instanceof Error ? err.name : 'unknown';
  const code = (err as { code?: unknown })?.code;
  const reason = UNAVAILABLE.has(name) ? name : typeof code === 'string' ? code : name;
  return new StoreUnavailableError(reason, { cause: err });
}

export class DynamoDbStateStore implements StateStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly now: () => number;

  constructor(options: DynamoDbStoreOptions) {
    this.table = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
    this.now = options.nowSeconds ?? (() => Date.now() / 1000);
  }

  async get(pk: string, sk: string, options?: { includeExpired?: boolean }): Promise<StateItem | undefined> {
    try {
      const res = await this.client.send(new GetItemCommand({ TableName: this.table, Key: keyOf(pk, sk), ConsistentRead: true }));
      const item = unmarshallItem(res.Item);
      return item && (options?.includeExpired || this.live(item)) ? item : undefined;
    } catch (err) {
      throw unavailable(err);
    }
  }

  async put(item: StateItem, condition?: PutCondition): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const clauses: string[] = [];
    if (condition?.ifAbsent) {
      names['#pk'] = PK;
      names['#exp'] = TTL;
      values[':now'] = { N: String(this.now()) };
      let absent = 'attribute_not_exists(#pk) OR #exp <= :now';
      if (condition.orStale) {
        names['#stale'] = condition.orStale.attribute;
        values[':stale'] = { N: String(condition.orStale.lessThan) };
        absent += ' OR #stale < :stale';
      }
      clauses.push(`(${absent})`);
    }
    if (condition?.ifMatches) {
      let i = 0;
      for (const [attr, value] of Object.entries(condition.ifMatches)) {
        names[`#m${i}`] = attr;
        values[`:m${i}`] = marshallValue(value);
        clauses.push(`#m${i} = :m${i}`);
        i++;
      }
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshallItem(item),
          ...(clauses.length
            ? {
                ConditionExpression: clauses.join(' AND '),
                ExpressionAttributeNames: names,
                ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
              }
            : {}),
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException') {
        const existing = await this.itemOfFailedCondition(err as ConditionalCheckFailedException, item.pk, item.sk);
        throw new ConditionFailedError(existing && this.live(existing) ? existing : undefined);
      }
      throw unavailable(err);
    }
  }

  /**
   * The item that made a condition fail. DynamoDB returns it (ReturnValuesOnConditionCheckFailure); servers
   * that ignore that option (dynalite, local mode's embedded store) need one consistent read instead, or an
   * expired grant would read as an unknown one.
   */
  private async itemOfFailedCondition(err: ConditionalCheckFailedException, pk: string, sk: string): Promise<StateItem | undefined> {
    const returned = unmarshallItem(err.Item);
    if (returned) return returned;
    try {
      const res = await this.client.send(new GetItemCommand({ TableName: this.table, Key: keyOf(pk, sk), ConsistentRead: true }));
      return unmarshallItem(res.Item);
    } catch (readErr) {
      throw unavailable(readErr);
    }
  }

  /** Live until the instant `expiresAt` is reached (state-store.ts). */
  private live(item: StateItem): boolean {
    return item.expiresAt > this.now();
  }

  async delete(pk: string, sk: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: keyOf(pk, sk) }));
    } catch (err) {
      throw unavailable(err);
    }
  }
}
