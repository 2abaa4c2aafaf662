import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, runtimePart } from '../../lambda/core/config';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { loadConfigFromApp } from '../../lib/config-from-app';
import { AUTHENTICATION_SCHEME, DEFAULT_TOKEN_MEMORY_MB, OUTPUT_KEYS, PASSTHROUGH_AUTHORIZATION_URI, PASSTHROUGH_DOMAIN_LIST } from '../../lib/defaults';
import { build, CDK_JSON_CONTEXT, config, ENV, onlyId, testApp } from './helpers';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555';

describe('POST /token route', () => {
  const { template } = build();
  const fn = onlyId(template, 'AWS::Lambda::Function');
  const integration = onlyId(template, 'AWS::ApiGatewayV2::Integration');

  it('POST /token and $default are the only routes, both on the token integration', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    for (const routeKey of ['POST /token', '$default']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration }]] },
      });
    }
  });

  it('invokes the token function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('keeps the execute-api endpoint enabled', () => {
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    expect(api.Properties.DisableExecuteApiEndpoint ?? false).toBe(false);
    expect(api.Properties.ProtocolType).toBe('HTTP');
  });
});

describe('token function', () => {
  const { template, config: cfg } = build({ upstreamTimeoutMs: 3500, logRetentionDays: 14 });
  const props = () => Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties;

  it('runs nodejs24.x on arm64 with JSON logs into its own log group', () => {
    const logGroup = Object.entries(template.findResources('AWS::Logs::LogGroup')).find(([id]) => id.includes('TokenLogGroup'))![0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroup } },
    });
  });

  it('has 256 MB by default (measured: a cold first request fits at that CPU share, docs/performance.md), tokenMemorySize overrides it', () => {
    expect(DEFAULT_TOKEN_MEMORY_MB).toBe(256);
    expect(props().MemorySize).toBe(256);
    const larger = build({}, { adapter: { tokenMemorySize: 512 } }).template;
    larger.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', MemorySize: 512 });
  });

  it('times out within Alexa budget but after the upstream budget', () => {
    const timeout = props().Timeout as number;
    expect(timeout).toBeLessThanOrEqual(5);
    expect(timeout * 1000).toBeGreaterThan(cfg.upstreamTimeoutMs);
  });

  it('gets the runtime config and table name, and no source-map flag (no maps shipped)', () => {
    const env = props().Environment.Variables as Record<string, unknown>;
    expect(JSON.parse(env.ADAPTER_CONFIG as string)).toEqual(runtimePart(cfg));
    expect(JSON.parse(env.ADAPTER_CONFIG as string).upstreamTimeoutMs).toBe(3500);
    expect(env.TABLE_NAME).toEqual({ Ref: onlyId(template, 'AWS::DynamoDB::Table') });
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    // Deployment-only fields stay out of the Lambda environment.
    expect(env.ADAPTER_CONFIG).not.toContain('logRetentionDays');
  });

  it('keeps both log groups for config.logRetentionDays', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(14);
  });

  it('has a role without managed policies, allowed to write only its own log group, use the table and read the deployment key', () => {
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0]!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.includes('TokenLogGroup'))!;
    const table = onlyId(template, 'AWS::DynamoDB::Table');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
          }),
          Match.objectLike({
            // Exactly what the token function calls (lib/table-access.ts), not grantReadWriteData.
            Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
          }),
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: onlyId(template, 'AWS::SecretsManager::Secret') } }),
        ]),
      },
    });
    // Nothing else: three statements, no wildcard resources.
    const doc = Object.values(template.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument;
    expect(doc.Statement).toHaveLength(3);
    expect(JSON.stringify(doc)).not.toContain('*');
  });

  it('rejects a timeout that does not outlast the upstream budget', () => {
    const app = testApp();
    expect(
      () =>
        new AlexaLinkAdapterStack(app, 'S', { config: config({ upstreamTimeoutMs: 4000 }), adapter: { tokenTimeout: Duration.seconds(4) } }),
    ).toThrow(/tokenTimeout: 4000 ms must be longer than upstreamTimeoutMs \(4000 ms\)/);
  });
});

describe('state table', () => {
  it('is on-demand, pk/sk strings, TTL on expiresAt, PITR, AWS-managed SSE, retained by default', () => {
    const { template } = build();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('is deleted with the stack when tableRemovalPolicy is destroy', () => {
    const { template } = build({ tableRemovalPolicy: 'destroy' });
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!;
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('$default stage', () => {
  const { template } = build({ throttleRateLimit: 7, throttleBurstLimit: 11 });
  const stage = () => Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties;

  it('is auto-deployed and throttled from the config', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    expect(stage()).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 11 },
    });
  });

  it('writes JSON access logs with the fields an operator joins and reads to its own log group, never headers or bodies', () => {
    const accessGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.includes('AccessLogGroup'))!;
    const settings = stage().AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [accessGroup, 'Arn'] });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationRequestId: '$context.integration.requestId',
      integrationErrorMessage: '$context.integrationErrorMessage',
      errorMessage: '$context.error.message',
    });
    for (const value of Object.values(format)) {
      expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(value).not.toMatch(/header|body|authorizer|querystring/i);
    }
  });
});

describe('outputs (Alexa console values)', () => {
  const { template, stack } = build();
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
  const api = onlyId(template, 'AWS::ApiGatewayV2::Api');

  it('has every output with a description', () => {
    for (const key of ['AccessTokenUri', 'AuthorizationUri', 'AuthenticationScheme', 'DomainList', 'TableName', 'TokenFunctionName', 'TokenLogGroupName']) {
      expect(outputs[key], key).toBeDefined();
      expect(outputs[key]!.Description?.length ?? 0, key).toBeGreaterThan(20);
    }
  });

  it('AccessTokenUri is the execute-api endpoint + /token', () => {
    expect(outputs[OUTPUT_KEYS.accessTokenUri]!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [api, 'ApiEndpoint'] }, '/token']] });
    expect(stack.resolve(stack.adapter.accessTokenUri)).toEqual(outputs.AccessTokenUri!.Value);
  });

  it('passthrough values: provider authorization, HTTP Basic, no domains', () => {
    // The github profile knows GitHub's authorization endpoint: the output is that URL, ready to paste.
    expect(outputs.AuthorizationUri!.Value).toBe('https://github.com/login/oauth/authorize');
    expect(outputs.AuthenticationScheme!.Value).toBe('HTTP Basic (Recommended)');
    expect(AUTHENTICATION_SCHEME).toBe('HTTP Basic (Recommended)');
    expect(outputs.DomainList!.Value).toBe(PASSTHROUGH_DOMAIN_LIST);
  });

  it('passthrough AuthorizationUri: the configured authorizeUrl, else the profile\'s, else an instruction', () => {
    const uri = (overrides: Parameters<typeof build>[0]) => (build(overrides).template.toJSON().Outputs as Record<string, { Value: unknown }>).AuthorizationUri!.Value;
    expect(uri({ authorizeUrl: 'https://github.example.com/login/oauth/authorize' })).toBe('https://github.example.com/login/oauth/authorize');
    expect(uri({ provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token' })).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(uri({ provider: 'generic', tokenUrl: 'https://op.example.com/token' })).toBe(PASSTHROUGH_AUTHORIZATION_URI);
  });

  it('names the table, function and log group by reference', () => {
    expect(outputs.TableName!.Value).toEqual({ Ref: onlyId(template, 'AWS::DynamoDB::Table') });
    expect(outputs.TokenFunctionName!.Value).toEqual({ Ref: onlyId(template, 'AWS::Lambda::Function') });
    const tokenGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.includes('TokenLogGroup'))!;
    expect(outputs.TokenLogGroupName!.Value).toEqual({ Ref: tokenGroup });
  });

  it('AuthorizationUri is the configured provider authorize URL when set', () => {
    const t = build({ authorizeUrl: 'https://github.com/login/oauth/authorize' }).template;
    expect(t.toJSON().Outputs.AuthorizationUri.Value).toBe('https://github.com/login/oauth/authorize');
  });
});

describe('custom domain', () => {
  const { template } = build({ domainName: 'link.example.com', certificateArn: CERT });
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

  it('creates the domain with the imported certificate and maps the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'link.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: onlyId(template, 'AWS::ApiGatewayV2::Api') },
      DomainName: { Ref: onlyId(template, 'AWS::ApiGatewayV2::DomainName') },
      Stage: '$default',
    });
  });

  it('outputs the custom URL, keeps the default endpoint, and says where DNS must point', () => {
    expect(outputs.AccessTokenUri!.Value).toBe('https://link.example.com/token');
    expect(outputs.DefaultApiEndpoint!.Value).toEqual({ 'Fn::GetAtt': [onlyId(template, 'AWS::ApiGatewayV2::Api'), 'ApiEndpoint'] });
    expect(outputs.CustomDomainTarget!.Value).toEqual({
      'Fn::GetAtt': [onlyId(template, 'AWS::ApiGatewayV2::DomainName'), 'RegionalDomainName'],
    });
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    expect(api.Properties.DisableExecuteApiEndpoint ?? false).toBe(false);
  });

  it('has no domain resources or CustomDomainTarget without a domain', () => {
    const t = build().template;
    t.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    expect(t.toJSON().Outputs.CustomDomainTarget).toBeUndefined();
  });

  it('rejects a certificate from another region than the stack', () => {
    const other = CERT.replace('eu-west-1', 'us-east-1');
    const make = () =>
      new AlexaLinkAdapterStack(testApp(), 'S', { config: config({ domainName: 'link.example.com', certificateArn: other }), env: ENV });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/certificateArn: the certificate is in us-east-1 but the stack deploys to eu-west-1/);
  });
});

describe('loadConfigFromApp (synth-time config errors)', () => {
  const problemsOf = (context: Record<string, unknown>): string[] => {
    try {
      loadConfigFromApp(testApp(context));
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads cdk.json `adapter` and applies flat -c adapter.<field> overrides (numbers converted)', () => {
    const cfg = loadConfigFromApp(
      testApp({ 'adapter.throttleRateLimit': '7', 'adapter.authorizeUrl': 'https://github.com/login/oauth/authorize' }),
    );
    expect(cfg).toMatchObject({
      ...(CDK_JSON_CONTEXT.adapter as object),
      throttleRateLimit: 7,
      throttleBurstLimit: 2500,
      authorizeUrl: 'https://github.com/login/oauth/authorize',
    });
  });

  it('accepts the adapter object as JSON text (-c adapter=\'{…}\')', () => {
    const cfg = loadConfigFromApp(testApp({ adapter: JSON.stringify({ provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token' }) }));
    expect(cfg.provider).toBe('google');
  });

  it.each([
    [{ 'adapter.tokenUrl': 'http://github.com/login/oauth/access_token' }, /^tokenUrl: must use https/],
    [{ 'adapter.domainName': 'link.example.com' }, /domainName and certificateArn must be given together/],
    [{ 'adapter.certificateArn': CERT }, /domainName and certificateArn must be given together/],
    [{ 'adapter.throttleRateLimit': '0' }, /^throttleRateLimit: /],
    [{ 'adapter.logRetentionDays': '42' }, /^logRetentionDays: must be one of 1, 3, 5/],
    [{ 'adapter.tokenurl': 'https://x.example.com/t' }, /^tokenurl: unknown field/],
    [{ adapter: '{not json' }, /^adapter: not valid JSON/],
    [{ adapter: undefined }, /^adapter: missing/],
  ])('%j → ConfigError naming the field', (context, expected) => {
    const problems = problemsOf(context);
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true);
  });

  // Regression: valibot keeps running the pipe after `v.url` fails; the later checks must not throw.
  it('a non-URL tokenUrl → ConfigError naming the field', () => {
    const problems = problemsOf({ 'adapter.tokenUrl': 'not a url' });
    expect(problems.some((p) => /^tokenUrl: must be an absolute URL/.test(p))).toBe(true);
  });

  it('lists every bad field at once', () => {
    const problems = problemsOf({ 'adapter.tokenUrl': 'ftp://x', 'adapter.provider': 'GitHub' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['provider', 'tokenUrl']);
  });
});

it('template has no unexpected resource types (review gate for new resources)', () => {
  const types = new Set(Object.values(Template.fromJSON(build().template.toJSON()).toJSON().Resources).map((r) => (r as { Type: string }).Type));
  expect([...types].sort()).toEqual([
    'AWS::ApiGatewayV2::Api',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Route',
    'AWS::ApiGatewayV2::Stage',
    'AWS::CloudWatch::Alarm',
    'AWS::CloudWatch::Dashboard',
    'AWS::DynamoDB::Table',
    'AWS::IAM::Policy',
    'AWS::IAM::Role',
    'AWS::Lambda::Function',
    'AWS::Lambda::Permission',
    'AWS::Logs::LogGroup',
    'AWS::Logs::MetricFilter',
    'AWS::Logs::QueryDefinition',
    'AWS::SecretsManager::Secret',
  ]);
});
