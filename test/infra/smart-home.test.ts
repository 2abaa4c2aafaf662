/** The opt-in SmartHome construct: off by default, and when on: Alexa's invoke permission, the secret, least privilege, outputs, cdk-nag. */
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/core/config';
import { SECRET_PLACEHOLDER } from '../../lambda/core/smart-home/config';
import { build } from './helpers';

const SKILL = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
const TARGET = 'arn:aws:lambda:eu-west-1:123456789012:function:my-existing-skill';
const smartHome = { skillId: SKILL, alexaClientId: 'amzn1.application-oa2-client.abc', forwardTargetArn: TARGET };

describe('SmartHome construct', () => {
  it('is off by default: no extra functions, secrets or outputs', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    // Only the deployment key (lib/deployment-key.ts); no Alexa Client Secret.
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('SmartHomeFunctionArn');
  });

  it('grants invoke to Alexa smart home for this skill only, and outputs the endpoint ARN', () => {
    const { template } = build({ smartHome });
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'alexa-connectedhome.amazon.com',
      EventSourceToken: SKILL,
    });
    const outputs = template.findOutputs('*');
    for (const key of ['SmartHomeFunctionArn', 'EventsFunctionArn', 'AlexaClientSecretArn', 'SmartHomeLogGroupName', 'EventsLogGroupName']) expect(Object.keys(outputs)).toContain(key);
  });

  it('creates the secret with the placeholder the code treats as unset; functions get its ARN, the table and the config', () => {
    const { template } = build({ smartHome });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: SECRET_PLACEHOLDER });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 8,
      Environment: { Variables: { SMART_HOME_CONFIG: JSON.stringify({ ...smartHome, lwaTokenUrl: 'https://api.amazon.com/auth/o2/token', lwaTimeoutMs: 5000 }), ALEXA_CLIENT_SECRET_ARN: Match.anyValue(), TABLE_NAME: Match.anyValue() } },
    });
  });

  it('least privilege: the smart-home role may invoke only the forward target', () => {
    const { template } = build({ smartHome });
    const policies = template.findResources('AWS::IAM::Policy');
    const invokes = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement.filter((s) => s.Action === 'lambda:InvokeFunction'));
    expect(invokes).toEqual([expect.objectContaining({ Resource: TARGET })]);
  });

  it('no forward target → no invoke grant at all', () => {
    const { template } = build({ smartHome: { skillId: SKILL, alexaClientId: 'amzn1.application-oa2-client.abc' } });
    const text = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(text).not.toContain('lambda:InvokeFunction');
  });

  it('cdk-nag AwsSolutions: zero unacknowledged findings, SMG4 acknowledged on the secret only', () => {
    const { stack } = build({ smartHome }, { nag: true });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    const acked = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => [c.node.path, Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, ''))]));
    expect(acked.filter(([path]) => String(path).includes('SmartHome'))).toEqual([['AlexaLinkAdapter/Adapter/SmartHome/AlexaClientSecret', ['AwsSolutions-SMG4']]]);
  });

  it('rejects a bad smartHome setting naming the field', () => {
    expect(() => build({ smartHome: { ...smartHome, skillId: 'my-skill' } })).toThrow(ConfigError);
    try {
      build({ smartHome: { ...smartHome, skillId: 'my-skill' } });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(/smartHome\.skillId/);
    }
  });
});
