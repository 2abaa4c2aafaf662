/**
 * Every Lambda of the stack the same way: its own log group (retention as configured), its own role
 * that may write only to that log group (instead of AWSLambdaBasicExecutionRole, which may write to
 * any log group in the account), Node 24 on arm64, JSON logging (platform lines at WARN), and the handler's prebuilt bundle
 * (lib/handler-assets.ts) that leaves the runtime's AWS SDK v3 external unless asked otherwise.
 *
 * A function, not a construct: the callers keep their construct ids, so the logical IDs of the
 * resources (and deployed stacks) do not change.
 */
import { CfnResource, Lazy, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_KEY_REASONS, checkovSkip } from './checkov';
import { DEFAULT_SYSTEM_LOG_LEVEL } from './defaults';
import { handlerCode, type HandlerName } from './handler-assets';

export interface AdapterFunctionProps {
  /** Construct ids, so callers keep their logical IDs. */
  ids: { logGroup: string; role: string; function: string };
  /** The handler under lambda/handlers/ (its prebuilt bundle is the function's code). */
  handler: HandlerName;
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
  fn: lambda.Function;
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
  const fn = new lambda.Function(scope, props.ids.function, {
    description: props.description,
    code: handlerCode(props.handler, props.bundleAwsSdk),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    // Platform lines only at WARN and above (lib/defaults.ts); the exchange records are application logs.
    systemLogLevelV2: lambda.SystemLogLevel[DEFAULT_SYSTEM_LOG_LEVEL],
    environment: props.environment,
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
function dependOnPolicyOnly(fn: lambda.Function, role: iam.Role): void {
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
