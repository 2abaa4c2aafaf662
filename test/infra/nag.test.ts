import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { build, config, ENV, testApp } from './helpers';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555';

/** Every acknowledgement in the tree: construct path → rule id → reason. */
function acknowledgements(root: IConstruct): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        (found[c.node.path] ??= {})[id.replace(/^annotation::/i, '')] = reason;
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['default config', {}],
    ['custom domain + authorize URL + destroy', {
      domainName: 'link.example.com',
      certificateArn: CERT,
      authorizeUrl: 'https://github.com/login/oauth/authorize',
      tableRemovalPolicy: 'destroy' as const,
    }],
    ['Sign in with Apple (Secrets Manager key)', {
      provider: 'apple',
      tokenUrl: 'https://appleid.apple.com/auth/token',
      appleTeamId: 'ABCDE12345',
      appleKeyId: 'KEY1234567',
      applePrivateKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-link-adapter/apple-key-AbCdEf',
    }],
  ])('%s: zero unacknowledged findings', (_name, overrides) => {
    // Template.fromStack runs the registered plugin and throws ValidationFailed on any finding.
    const { stack } = build(overrides, { nag: true });
    // And directly, to assert on the (empty) list itself rather than on "no throw".
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges APIG4 on the two routes and SMG4 on the deployment key only, each with a specific reason', () => {
    const { stack } = build();
    const acks = acknowledgements(stack);
    expect(Object.keys(acks).sort()).toEqual(['AlexaLinkAdapter/Adapter/DefaultRoute', 'AlexaLinkAdapter/Adapter/DeploymentKey/Secret', 'AlexaLinkAdapter/Adapter/HttpApi/POST--token']);
    const key = acks['AlexaLinkAdapter/Adapter/DeploymentKey/Secret']!;
    expect(Object.keys(key)).toEqual(['AwsSolutions-SMG4']);
    expect(key['AwsSolutions-SMG4']).toMatch(/rotated by hand/);
    const route = acks['AlexaLinkAdapter/Adapter/HttpApi/POST--token']!;
    expect(Object.keys(route)).toEqual(['AwsSolutions-APIG4']);
    expect(route['AwsSolutions-APIG4']).toMatch(/client credentials/);
    const fallback = acks['AlexaLinkAdapter/Adapter/DefaultRoute']!;
    expect(Object.keys(fallback)).toEqual(['AwsSolutions-APIG4']);
    expect(fallback['AwsSolutions-APIG4']).toMatch(/404\/405/);
  });

  it('still flags APIG4 on a route the acknowledgement does not cover (the check is live and the ack is narrow)', () => {
    const app = testApp();
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config(), env: ENV });
    stack.adapter.httpApi.addRoutes({
      path: '/debug',
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration('DebugIntegration', stack.adapter.tokenFunction),
    });

    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([
      ['AwsSolutions-APIG4', ['AlexaLinkAdapter/Adapter/HttpApi/GET--debug/Resource']],
    ]);

    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => Template.fromStack(stack)).toThrow(/GET--debug\/Resource[\s\S]*AwsSolutions-APIG4/);
  });

  it('fails synth when the acknowledged construct is replaced by an unacknowledged one (no blanket ack)', () => {
    // Same route, created outside the construct: nothing acknowledges it, so nag must report it.
    const app = testApp();
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config(), env: ENV });
    new apigwv2.HttpRoute(stack, 'UnreviewedTokenRoute', {
      httpApi: stack.adapter.httpApi,
      routeKey: apigwv2.HttpRouteKey.with('/token2', apigwv2.HttpMethod.POST),
      integration: new HttpLambdaIntegration('I2', stack.adapter.tokenFunction),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let error: Error | undefined;
    try {
      Template.fromStack(stack);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.name).toBe('ValidationFailed');
    expect(error?.message).toMatch(/UnreviewedTokenRoute\/Resource[\s\S]*AwsSolutions-APIG4/);
    // Only the new route: the construct's own route stays acknowledged.
    expect(error?.message).not.toContain('POST--token');
  });
});
