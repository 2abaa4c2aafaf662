/**
 * Least privilege on the state table (issue 10 item 9): each function's role allows exactly the
 * DynamoDB actions its code calls (lib/table-access.ts), on the table only; the store implementation
 * sends no command outside that list; a customer-managed key comes with the key use the access needs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STORE_METHOD_ACTIONS, TABLE_ACCESS, tableActions, type TableUser } from '../../lib/table-access';
import { ENV, ROOT, build, config, onlyId, testApp } from './helpers';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { Template as T } from 'aws-cdk-lib/assertions';

const SMART_HOME = { skillId: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555', alexaClientId: 'amzn1.application-oa2-client.abc' };
const FUNCTIONS: Record<string, TableUser> = { TokenFunction: 'token', AuthorizationLegFunction: 'authorize', SmartHomeSmartHomeFunction: 'smartHome', SmartHomeEventsFunction: 'events' };

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Per function (by logical-id prefix): the statements of the policies attached to its role. */
function statementsByFunction(template: Template): Record<string, Statement[]> {
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = template.findResources('AWS::IAM::Policy');
  const out: Record<string, Statement[]> = {};
  for (const [id, fn] of Object.entries(functions)) {
    const name = Object.keys(FUNCTIONS).find((prefix) => id.startsWith(`Adapter${prefix}`));
    if (!name) continue;
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    out[name] = Object.values(policies)
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }
  return out;
}

const actionsOf = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);

describe('each function gets exactly the table actions it calls', () => {
  const { template } = build({ mode: 'interception', authorizeUrl: 'https://github.com/login/oauth/authorize', smartHome: SMART_HOME });
  const table = onlyId(template, 'AWS::DynamoDB::Table');
  const byFunction = statementsByFunction(template);

  it('all four functions are there', () => {
    expect(Object.keys(byFunction).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it.each(Object.entries(FUNCTIONS))('%s: %s actions, on the table ARN, nothing else of DynamoDB', (name, user) => {
    const dynamo = byFunction[name]!.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]!.Effect).toBe('Allow');
    expect([...actionsOf(dynamo[0]!)].sort()).toEqual(tableActions(user));
    expect(dynamo[0]!.Resource).toEqual({ 'Fn::GetAtt': [table, 'Arn'] });
  });

  it('the sets: Get/Put/Delete for token and events; the authorize and smart-home functions never delete', () => {
    expect(tableActions('token')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(tableActions('authorize')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(tableActions('events')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(tableActions('smartHome')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(TABLE_ACCESS.authorize).not.toContain('delete');
    expect(TABLE_ACCESS.smartHome).not.toContain('delete');
  });

  it('no function is granted Scan, Query, UpdateItem, ConditionCheckItem, batch, stream or DescribeTable', () => {
    const all = Object.values(byFunction).flat().flatMap(actionsOf);
    for (const never of ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:GetRecords', 'dynamodb:DescribeTable']) {
      expect(all).not.toContain(never);
    }
  });
});

/** Every .ts file under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the store sends no command the grants do not list', () => {
  it('only lambda/store/dynamodb-store.ts talks to DynamoDB, with exactly GetItem, PutItem and DeleteItem', () => {
    const users = sources(join(ROOT, 'lambda')).filter((f) => readFileSync(f, 'utf8').includes('@aws-sdk/client-dynamodb'));
    expect(users.map((f) => f.slice(ROOT.length))).toEqual(['lambda/store/dynamodb-store.ts']);
    const code = readFileSync(join(ROOT, 'lambda/store/dynamodb-store.ts'), 'utf8');
    const commands = new Set([...code.matchAll(/new (\w+)Command\(/g)].map((m) => `dynamodb:${m[1]}`));
    const granted = new Set(Object.values(STORE_METHOD_ACTIONS).flat());
    // A new command (UpdateItem, TransactWriteItems…) fails here until lib/table-access.ts grants it.
    expect([...commands].sort()).toEqual([...granted].sort());
  });
});

describe('a customer-managed key comes with the key use the table access needs', () => {
  it('each function may use the table key (Encrypt/Decrypt/GenerateDataKey), and only that key', () => {
    const app = testApp();
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config({ encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555' }), env: ENV });
    const template = T.fromStack(stack);
    const token = statementsByFunction(template)['TokenFunction']!;
    const kmsStatements = token.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toHaveLength(1);
    expect(actionsOf(kmsStatements[0]!)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']));
    expect(kmsStatements[0]!.Resource).toBe('arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
  });
});
