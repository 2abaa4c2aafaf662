/**
 * Stated choices for scanners: where the stack keeps an AWS default that a checkov rule flags, the
 * resource carries the reason in `Metadata.checkov.skip[{id, comment}]` (checkov's documented
 * CloudFormation suppression), beside the cdk-nag acknowledgements, so a reviewer's scanner and the
 * README agree. Each comment names the option that turns the default off.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface CheckovSkip {
  id: string;
  comment: string;
}

/** Adds a checkov skip to the construct's CloudFormation resource (its default child, or itself). */
export function checkovSkip(construct: IConstruct, skip: CheckovSkip): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`checkovSkip: ${construct.node.path} has no CloudFormation resource`);
  const existing = (resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined) ?? {};
  resource.addMetadata('checkov', { ...existing, skip: [...(existing.skip ?? []), skip] });
}

const OPTION = 'a customer-managed key is one option away: AccountLinkingAdapterProps.encryptionKey or config encryptionKeyArn (README "Encryption at rest")';

/** The reasons the defaults stay AWS-owned or AWS-managed keys (docs/security.md, "Encryption at rest"). */
export const DEFAULT_KEY_REASONS = {
  table: {
    id: 'CKV_AWS_119',
    comment:
      'Encrypted at rest with the AWS managed key aws/dynamodb. Every stored payload is already sealed with AES-256-GCM under a key derived from a secret only the caller presents (lambda/core/sealed.ts) and every key is a hash, so a customer-managed key adds key cost and a key policy to run without protecting more; ' +
      OPTION,
  },
  logGroup: {
    id: 'CKV_AWS_158',
    comment:
      'Encrypted at rest by CloudWatch Logs with AWS-owned keys. The records are secret-free by construction (closed sets, numbers, keyed fingerprints, one scrubber), so there is nothing a customer-managed key would additionally protect; ' +
      OPTION,
  },
  secret: {
    id: 'CKV_AWS_149',
    comment:
      'Encrypted with the AWS managed key aws/secretsmanager; read access is limited by IAM to the smart-home and events functions (secretsmanager:GetSecretValue on this secret only); ' +
      OPTION,
  },
  deploymentKey: {
    id: 'CKV_AWS_149',
    comment:
      'Encrypted with the AWS managed key aws/secretsmanager; read access is limited by IAM to the functions that key fingerprints, table keys and sealed payloads with it (secretsmanager:GetSecretValue on this secret only), and it unlocks nothing outside this stack; ' +
      OPTION,
  },
} as const satisfies Record<string, CheckovSkip>;
