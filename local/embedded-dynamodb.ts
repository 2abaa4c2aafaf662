/**
 * The embedded DynamoDB-compatible store of local mode: dynalite, in memory, in this process, on
 * loopback, with the adapter's state table already created.
 *
 * Why dynalite here and DynamoDB Local in the tests:
 * - Local mode must work right after `npm ci` on any machine: dynalite is plain JavaScript (no Java,
 *   no Docker, no download at run time) and is listening within milliseconds, so `npm start` stays
 *   instant. Its gaps (no UpdateTimeToLive, no transactions, no PartiQL) do not matter for a demo.
 * - The tests that prove our storage code against DynamoDB's real semantics use DynamoDB Local
 *   (test/support/dynamodb-local.ts): Amazon's own implementation, with TTL configuration and
 *   transactions, at the price of a JVM and about 2 s of start-up.
 * Neither deletes expired items (DynamoDB's TTL sweeper is not emulated anywhere), so code must treat
 * `expiresAt` in the past as gone, as it must in AWS where deletion lags by up to days.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable, LOCAL_TABLE_NAME } from './table-definition';

/** dynalite ships no type declarations; this is the part of its API we use. */
type DynaliteFactory = (options?: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  /** LevelDB directory; absent: in memory. */
  path?: string;
}) => Server;

const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface EmbeddedDynamoDbOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only by default. */
  host?: string;
  tableName?: string;
}

export interface EmbeddedDynamoDb {
  /** e.g. http://127.0.0.1:3002, for DynamoDBClient({ endpoint }). */
  endpoint: string;
  tableName: string;
  /** dynalite has no UpdateTimeToLive: always `unsupported` here. */
  ttl: 'enabled' | 'unsupported';
  /** A client for this store (static dummy credentials: the store checks none). */
  client(): DynamoDBClient;
  close(): Promise<void>;
}

/** Static dummy credentials and region: keeps the SDK from searching the environment or instance metadata. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export async function startEmbeddedDynamoDb(options: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  // createTableMs 0: the table is ACTIVE at once (dynalite's default mimics AWS with 500 ms of CREATING).
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const endpoint = `http://${host}:${addr.port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = localClient(endpoint);
    clients.push(c);
    return c;
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const c of clients) c.destroy();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    const admin = localClient(endpoint);
    try {
      const table = await createStateTable(admin, options.tableName ?? LOCAL_TABLE_NAME, { ttl: 'if-supported' });
      return { endpoint, tableName: table.tableName, ttl: table.ttl, client, close };
    } finally {
      admin.destroy();
    }
  } catch (err) {
    await close();
    throw err;
  }
}
