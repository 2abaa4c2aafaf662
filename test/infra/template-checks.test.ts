/**
 * What checkov and cfn-lint would say about the synthesized templates of the four configurations
 * (default, interception, smart home, custom domain), checked here because neither tool installs from
 * the registries this project reaches (.ci/lint-templates runs the real ones where they exist):
 * - checkov CKV_AWS_119 (DynamoDB table with a customer-managed key), CKV_AWS_158 (log group with
 *   KMS), CKV_AWS_149 (Secrets Manager secret with a customer-managed key): each resource either
 *   passes or states why in `Metadata.checkov.skip[{id, comment}]`; with `encryptionKeyArn` all pass
 *   and no skip is left;
 * - cfn-lint W3005: no DependsOn that a Ref or GetAtt of the same resource already implies;
 * - no logical id built from `undefined`.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import type { AdapterConfigInput } from '../../lambda/core/config';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { ENV, build, config, testApp } from './helpers';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const CONFIGURATIONS: Record<string, Partial<AdapterConfigInput>> = {
  default: {},
  interception: { mode: 'interception', authorizeUrl: 'https://github.com/login/oauth/authorize' },
  'smart home': { smartHome: { skillId: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555', alexaClientId: 'amzn1.application-oa2-client.abc' } },
  'custom domain': { domainName: 'link.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555' },
};

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[]; Metadata?: { checkov?: { skip?: { id: string; comment: string }[] } } };

/** The three checkov rules, as checkov's CloudFormation checks read the resource properties. */
const CHECKS: { id: string; type: string; passes: (p: Record<string, unknown>) => boolean }[] = [
  { id: 'CKV_AWS_119', type: 'AWS::DynamoDB::Table', passes: (p) => (p.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId !== undefined },
  { id: 'CKV_AWS_158', type: 'AWS::Logs::LogGroup', passes: (p) => p.KmsKeyId !== undefined },
  { id: 'CKV_AWS_149', type: 'AWS::SecretsManager::Secret', passes: (p) => p.KmsKeyId !== undefined },
];

function findings(resources: Record<string, Resource>) {
  const failed: string[] = [];
  const skipped: { resource: string; id: string; comment: string }[] = [];
  for (const [name, r] of Object.entries(resources)) {
    for (const check of CHECKS.filter((c) => c.type === r.Type)) {
      const skip = r.Metadata?.checkov?.skip?.find((s) => s.id === check.id);
      if (check.passes(r.Properties ?? {})) {
        expect(skip, `${name} passes ${check.id} and needs no skip`).toBeUndefined();
      } else if (skip) {
        skipped.push({ resource: name, ...skip });
      } else {
        failed.push(`${check.id} ${name}`);
      }
    }
  }
  return { failed, skipped };
}

/** cfn-lint W3005: a DependsOn target the resource already references with Ref or Fn::GetAtt. */
function redundantDependsOn(resources: Record<string, Resource>): string[] {
  const out: string[] = [];
  for (const [name, r] of Object.entries(resources)) {
    const deps = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    const props = JSON.stringify(r.Properties ?? {});
    for (const d of deps) {
      if (props.includes(`{"Ref":"${d}"}`) || props.includes(`{"Fn::GetAtt":["${d}",`)) out.push(`${name} → ${d}`);
    }
  }
  return out;
}

describe.each(Object.entries(CONFIGURATIONS))('%s configuration', (_name, overrides) => {
  const { template } = build(overrides);
  const resources = template.toJSON().Resources as Record<string, Resource>;

  it('checkov CKV_AWS_119/158/149: every finding is answered in the template, with a reason', () => {
    const { failed, skipped } = findings(resources);
    expect(failed).toEqual([]);
    expect(skipped.length).toBeGreaterThan(0);
    for (const s of skipped) {
      expect(s.comment).toMatch(/encryptionKeyArn/);
      expect(s.comment.length).toBeGreaterThan(80);
    }
  });

  it('cfn-lint W3005: no redundant DependsOn; every function still waits for its policy', () => {
    expect(redundantDependsOn(resources)).toEqual([]);
    for (const [name, r] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      const deps = [r.DependsOn ?? []].flat();
      expect(deps.some((d) => resources[d]?.Type === 'AWS::IAM::Policy'), name).toBe(true);
    }
  });

  it('no logical id spells "undefined"', () => {
    expect(Object.keys(resources).filter((id) => /undefined/i.test(id))).toEqual([]);
  });
});

describe('with a customer-managed key (config encryptionKeyArn)', () => {
  it.each(Object.entries(CONFIGURATIONS))('%s: the table, every log group and the secret use it; no skip is left', (_name, overrides) => {
    const { template } = build({ ...overrides, encryptionKeyArn: KEY_ARN });
    const resources = template.toJSON().Resources as Record<string, Resource>;
    const { failed, skipped } = findings(resources);
    expect(failed).toEqual([]);
    expect(skipped).toEqual([]);
    for (const r of Object.values(resources).filter((r) => ['AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret'].includes(r.Type))) {
      expect(r.Properties!.KmsKeyId).toBe(KEY_ARN);
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } });
  });

  it('a kms.Key of the app (construct prop encryptionKey) gets the CloudWatch Logs statement in its key policy', () => {
    const app = testApp();
    const keys = new Stack(app, 'Keys', { env: ENV });
    const key = new kms.Key(keys, 'MyKey', { enableKeyRotation: true });
    const adapter = new AlexaLinkAdapterStack(app, 'WithKey', { config: config(), env: ENV, adapter: { encryptionKey: key } });
    const policy = JSON.stringify(Template.fromStack(keys).findResources('AWS::KMS::Key'));
    expect(policy).toContain('logs.eu-west-1.amazonaws.com');
    expect(policy).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(findings(Template.fromStack(adapter).toJSON().Resources as Record<string, Resource>)).toEqual({ failed: [], skipped: [] });
  });
});
