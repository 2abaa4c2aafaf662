/**
 * Storage for grant state (authorizations in flight) and token state (refresh grace, Login with
 * Amazon tokens): one interface, one DynamoDB implementation (dynamodb-store.ts).
 *
 * An item's keys and expiry are the table's key and TTL attributes (lambda/contract/table.ts names
 * them; the store writes an item's fields as attributes of the same names).
 *
 * Every item expires: `expiresAt` (epoch seconds) is the table's TTL attribute. DynamoDB deletes
 * expired items lazily (up to days later), so every read and every condition here treats an item
 * as absent from the instant `expiresAt` is reached (now ≥ expiresAt, compared to the millisecond):
 * an item written with `expiresAt = floor(now) + n` lives at most n seconds, never n + 1.
 */

import type { PartitionKeyName, SortKeyName, TtlAttributeName } from '../contract/table';

export type AttrValue = string | number | boolean | Uint8Array;

/**
 * One item: the partition key (e.g. `grant#<hash>`; never a secret in clear), the sort key, the
 * expiry in epoch seconds (the TTL attribute), and any other attributes.
 */
export type StateItem = Record<PartitionKeyName | SortKeyName, string> & Record<TtlAttributeName, number> & { [attribute: string]: AttrValue | undefined };

export interface PutCondition {
  /** Write only if no live item exists under the key (absent, or past its `expiresAt`). */
  ifAbsent?: boolean;
  /**
   * With `ifAbsent`: also overwrite a live item whose numeric `attribute` is below `lessThan`
   * (e.g. an in-progress marker past its in-progress expiry).
   */
  orStale?: { attribute: string; lessThan: number };
  /** Write only if the live item has these attribute values (e.g. the owner's token). */
  ifMatches?: Readonly<Record<string, AttrValue>>;
}

/** A conditional write lost; `existing` is the item that won (ReturnValuesOnConditionCheckFailure). */
export class ConditionFailedError extends Error {
  constructor(readonly existing: StateItem | undefined) {
    super('conditional write failed');
    this.name = 'ConditionFailedError';
  }
}

/** The store could not be reached or refused the call (throttling, network, credentials). */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`state store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A call given up for time (bounded-store.ts): `started: false` — not sent, no time was left;
 * `started: true` — sent, and abandoned unanswered: a write may still land after this.
 */
export class StoreTimeoutError extends StoreUnavailableError {
  constructor(readonly started: boolean, reason: string) {
    super(reason);
    this.name = 'StoreTimeoutError';
  }
}

export interface StateStore {
  /** Strongly consistent read; an expired item reads as undefined unless `includeExpired`. */
  get(pk: string, sk: string, options?: { includeExpired?: boolean }): Promise<StateItem | undefined>;
  /** Writes the item; with a condition, throws ConditionFailedError when it does not hold. */
  put(item: StateItem, condition?: PutCondition): Promise<void>;
  delete(pk: string, sk: string): Promise<void>;
}
