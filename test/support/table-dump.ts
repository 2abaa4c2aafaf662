/**
 * A state table's whole content as text, for tests that a table holds no secret: every item of every
 * page, binary attributes in every rendering a copy could be found in (latin1, UTF-8, base64,
 * base64url, hex).
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

function renderings(v: AttributeValue): string[] {
  if (v.S !== undefined) return [v.S];
  if (v.N !== undefined) return [v.N];
  if (v.B !== undefined) {
    const b = Buffer.from(v.B);
    return [b.toString('latin1'), b.toString('utf8'), b.toString('base64'), b.toString('base64url'), b.toString('hex')];
  }
  return [JSON.stringify(v)];
}

export async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The items and their text (one line per rendering of each attribute). */
export async function tableDump(client: DynamoDBClient, table: string): Promise<{ items: Record<string, AttributeValue>[]; text: string }> {
  const items = await scanAll(client, table);
  return { items, text: items.flatMap((item) => Object.values(item).flatMap(renderings)).join('\n') };
}
