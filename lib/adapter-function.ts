/**
 * Every Lambda of the stack the same way: its own log group (retention as configured), its own role
 * that may write only to that log group (instead of AWSLambdaBasicExecutionRole, which may write to
 * any log group in the account), Node 24 on arm64, JSON logging, and an esbuild bundle that leaves
 * the runtime's AWS SDK v3 external unless asked otherwise.
 *
 * A function, not a construct: the callers keep their construct ids, so the logical IDs of the
 * resources (and deployed stacks) do not change.
 */
import { fileURLToPath } from 'node:url';
import { CfnResource, Lazy, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_KEY_REASONS, checkovSkip } from './checkov';

/** The project root (esbuild's working directory) and the lock file NodejsFunction requires. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** A handler under lambda/handlers/. */
export function handlerEntry(name: string): string {
  return fileURLToPath(new URL(`../lambda/handlers/${name}.ts`, import.meta.url));
}

export interface AdapterFunctionProps {
  /** Construct ids, so callers keep their logical IDs. */
  ids: { logGroup: string; role: string; function: string };
  entry: string;
  description: string;
  roleDescription: string;
  logRetention: logs.RetentionDays;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** @default false: the nodejs24.x runtime provides SDK v3 (see AccountLinkingAdapterProps.bundleAwsSdk). */
  bundleAwsSdk?: boolean;
  /**
   * Customer-managed key for the log group (its key policy must let CloudWatch Logs use it).
   * @default - CloudWatch Logs' AWS-owned keys, stated in the template as a checkov skip
   */
  encryptionKey?: kms.IKey;
}

export interface AdapterFunction {
  fn: NodejsFunction;
  role: iam.Role;
  logGroup: logs.LogGroup;
}

export function createAdapterFunction(scope: Construct, props: AdapterFunctionProps): AdapterFunction {
  const logGroup = new logs.LogGroup(scope, props.ids.logGroup, { retention: props.logRetention, ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}) });
  if (!props.encryptionKey) checkovSkip(logGroup, DEFAULT_KEY_REASONS.logGroup);
  const role = new iam.Role(scope, props.ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, props.ids.function, {
    description: props.description,
    entry: props.entry,
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: LOCK_FILE,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: props.environment,
    bundling: {
      minify: true,
      // No source maps: `--enable-source-maps` costs cold-start time on every init, and errors are
      // shaped and logged as structured records; keepNames keeps function names in stack traces.
      sourceMap: false,
      keepNames: true,
      target: 'node24',
      format: OutputFormat.CJS,
      bundleAwsSDK: props.bundleAwsSdk ?? false,
    },
  });
  dependOnPolicyOnly(fn, role);
  return { fn, role, logGroup };
}

/**
 * CDK makes the function depend on its role and the role's policy. The role is already a dependency
 * through the function's `Role` GetAtt (cfn-lint W3005); only the policy needs DependsOn, so the
 * function never starts before it may write its logs and use the table. Computed when the template
 * is rendered, so every other dependency (later grants, a caller's addDependency) is kept.
 */
function dependOnPolicyOnly(fn: NodejsFunction, role: iam.Role): void {
  const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  cfnFunction.addOverride(
    'DependsOn',
    Lazy.list(
      {
        produce: () =>
          cfnFunction
            .obtainDependencies()
            .filter((d): d is CfnResource => d instanceof CfnResource && d !== cfnRole)
            .map((d) => d.logicalId)
            .sort(),
      },
      { omitEmpty: true },
    ),
  );
}
