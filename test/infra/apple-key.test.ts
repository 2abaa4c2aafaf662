/** Sign in with Apple: the token function may read exactly the configured key secret, and synth validates the settings together. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/core/config';
import { build, onlyId } from './helpers';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alexa-link-adapter/apple-key-AbCdEf';
const APPLE = { provider: 'apple', tokenUrl: 'https://appleid.apple.com/auth/token', appleTeamId: 'ABCDE12345', appleKeyId: 'KEY1234567', applePrivateKeySecretArn: SECRET };

describe('Apple private key secret', () => {
  it('grants secretsmanager:GetSecretValue on exactly the configured ARN, and passes the settings to the function', () => {
    const { template } = build(APPLE);
    // The Apple key and the deployment key (lib/deployment-key.ts): GetSecretValue on exactly those two.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: [SECRET, { Ref: onlyId(template, 'AWS::SecretsManager::Secret') }] })]) },
    });
    const doc = Object.values(template.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument as { Statement: { Action: unknown }[] };
    expect(doc.Statement.filter((st) => JSON.stringify(st.Action).includes('secretsmanager'))).toHaveLength(1);
    expect(JSON.stringify(doc)).not.toContain('*');
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    const cfg = JSON.parse(fn.Properties.Environment.Variables.ADAPTER_CONFIG as string) as Record<string, unknown>;
    expect(cfg).toMatchObject({ provider: 'apple', appleTeamId: 'ABCDE12345', appleKeyId: 'KEY1234567', applePrivateKeySecretArn: SECRET });
  });

  it('grants no Secrets Manager access for other providers beyond the deployment key', () => {
    const { template } = build({});
    const doc = Object.values(template.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] };
    const secrets = doc.Statement.filter((st) => JSON.stringify(st.Action).includes('secretsmanager'));
    expect(secrets).toEqual([expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: onlyId(template, 'AWS::SecretsManager::Secret') } })]);
  });

  it('refuses synth when provider apple lacks its key settings, naming each field', () => {
    let err: unknown;
    try {
      build({ provider: 'apple', tokenUrl: 'https://appleid.apple.com/auth/token', appleTeamId: 'ABCDE12345' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'appleKeyId: required when the profile\'s client authentication is apple_jwt (provider "apple")',
      'applePrivateKeySecretArn: required when the profile\'s client authentication is apple_jwt (provider "apple")',
    ]);
  });

  it('rejects a malformed secret ARN', () => {
    expect(() => build({ ...APPLE, applePrivateKeySecretArn: 'arn:aws:s3:::bucket/key' })).toThrow(/applePrivateKeySecretArn: must be a Secrets Manager secret ARN/);
  });
});

describe('custom profile in the function environment', () => {
  it('passes the profile without its sources (documentation only)', () => {
    const { template } = build({
      provider: 'acme',
      tokenUrl: 'https://id.acme.example/token',
      profile: { extends: 'withings', refresh: { invalidGrantHint: 'ACME: 30 days' }, sources: [{ quirk: 'hint', url: 'https://docs.acme.example', confidence: 'official' }] },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    const cfg = JSON.parse(fn.Properties.Environment.Variables.ADAPTER_CONFIG as string) as { profile: Record<string, unknown> };
    expect(cfg.profile).toEqual({ extends: 'withings', refresh: { invalidGrantHint: 'ACME: 30 days' } });
  });

  it('refuses synth when the profile would overflow the 4 KB Lambda environment', () => {
    const codeMap = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`provider_error_code_${i}`, 'invalid_grant' as const]));
    expect(() => build({ provider: 'acme', tokenUrl: 'https://id.acme.example/token', profile: { extends: 'generic', errors: { codeMap } } })).toThrow(
      /profile: the runtime configuration is \d+ bytes, over the 3584 bytes left in the Lambda environment/,
    );
  });
});
