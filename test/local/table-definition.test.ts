/**
 * local/table-definition.ts is the state table for every store that is not CloudFormation. It must
 * match the CDK construct's table (synthesized here) and work on Amazon's DynamoDB Local, including
 * TTL and the conditional writes the state store relies on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConditionalCheckFailedException, DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseAdapterConfig } from '../../lambda/core/config';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { TABLE_PARTITION_KEY, TABLE_SORT_KEY, TABLE_TTL_ATTRIBUTE } from '../../lib/defaults';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { createStateTable, STATE_TABLE } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';

const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as { context: Record<string, unknown> };

const sortByName = <T extends { AttributeName?: string }>(list: readonly T[]) => [...list].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

describe('state table definition vs the CDK stack', () => {
  it('has the synthesized table\'s key schema, attributes, billing mode and TTL attribute', () => {
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const config = parseAdapterConfig(cdkJson.context.adapter, 'cdk.json');
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config });
    const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table')) as { Properties: Record<string, unknown> }[];
    expect(tables).toHaveLength(1);
    const props = tables[0]!.Properties as {
      KeySchema: { AttributeName: string; KeyType: string }[];
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      BillingMode: string;
      TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
    };
    // KeySchema order is meaningful (HASH first); attribute definitions are a set.
    expect(props.KeySchema).toEqual(STATE_TABLE.KeySchema);
    expect(sortByName(props.AttributeDefinitions)).toEqual(sortByName(STATE_TABLE.AttributeDefinitions));
    expect(props.BillingMode).toBe(STATE_TABLE.BillingMode);
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: STATE_TABLE.TimeToLiveAttribute, Enabled: true });
    // And the construct's shared constants say the same.
    expect([TABLE_PARTITION_KEY, TABLE_SORT_KEY, TABLE_TTL_ATTRIBUTE]).toEqual([
      STATE_TABLE.KeySchema[0].AttributeName,
      STATE_TABLE.KeySchema[1].AttributeName,
      STATE_TABLE.TimeToLiveAttribute,
    ]);
  });
});

describe('state table on DynamoDB Local', () => {
  const ddb = useDynamoDbLocal();

  it('creates the table with TTL enabled and serves conditional writes', async () => {
    const client = ddb().client();
    const created = await createStateTable(client, 'state-test', { ttl: 'required' });
    expect(created).toEqual({ tableName: 'state-test', ttl: 'enabled', created: true });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'state-test' }));
    expect(Table?.KeySchema).toEqual(STATE_TABLE.KeySchema);
    expect(sortByName(Table?.AttributeDefinitions ?? [])).toEqual(sortByName(STATE_TABLE.AttributeDefinitions));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'state-test' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });

    const put = (value: string) =>
      client.send(
        new PutItemCommand({
          TableName: 'state-test',
          Item: { pk: { S: 'grant#abc' }, sk: { S: 'code' }, value: { S: value }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 600) } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put('first');
    await expect(put('second')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await client.send(new GetItemCommand({ TableName: 'state-test', Key: { pk: { S: 'grant#abc' }, sk: { S: 'code' } }, ConsistentRead: true }));
    expect(Item?.value).toEqual({ S: 'first' });

    // Creating it again (a persistent store on restart) is accepted, TTL already on.
    await expect(createStateTable(client, 'state-test', { ttl: 'required' })).resolves.toEqual({ tableName: 'state-test', ttl: 'enabled', created: false });
  });
});

describe('state table on the embedded store (dynalite, local mode)', () => {
  it('is created without TTL (dynalite has no UpdateTimeToLive) and serves conditional writes', async () => {
    const store = await startEmbeddedDynamoDb();
    try {
      expect(store.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(store.ttl).toBe('unsupported');
      const client = store.client();
      const { Table } = await client.send(new DescribeTableCommand({ TableName: store.tableName }));
      expect(Table?.KeySchema).toEqual(STATE_TABLE.KeySchema);
      expect(Table?.TableStatus).toBe('ACTIVE');
      const put = () =>
        client.send(new PutItemCommand({ TableName: store.tableName, Item: { pk: { S: 'a' }, sk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
      await put();
      await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    } finally {
      await store.close();
    }
  });
});
