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
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

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
}

export interface AdapterFunction {
  fn: NodejsFunction;
  role: iam.Role;
  logGroup: logs.LogGroup;
}

export function createAdapterFunction(scope: Construct, props: AdapterFunctionProps): AdapterFunction {
  const logGroup = new logs.LogGroup(scope, props.ids.logGroup, { retention: props.logRetention });
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
  return { fn, role, logGroup };
}
