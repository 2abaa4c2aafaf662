/**
 * `AuthorizationLeg`: GET /authorize and GET /callback (interception mode) on the adapter's HTTP API,
 * served by one small function with its own role and log group, reading and writing grant state in
 * the adapter's table. Created by `AccountLinkingAdapter` when `config.mode` is `interception`.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_MS } from '../lambda/contract/deadlines';
import { FUNCTION_ENV } from '../lambda/contract/env';
import { runtimePart, type AdapterConfig } from '../lambda/core/config';
import { createAdapterFunction } from './adapter-function';
import { addHandlerRoutes } from './http-routes';
import { grantTableAccess } from './table-access';

/** Properties of {@link AuthorizationLeg}. */
export interface AuthorizationLegProps {
  readonly config: AdapterConfig;
  readonly httpApi: apigwv2.HttpApi;
  readonly table: dynamodb.ITable;
  /**
   * Memory of the function in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout; the implicit-grant callback calls the provider's token endpoint within `upstreamTimeoutMs`.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Bundle the AWS SDK v3 instead of using the runtime's.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * Customer-managed key for the function's log group (see AccountLinkingAdapterProps.encryptionKey).
   * @default - CloudWatch Logs' AWS-owned keys
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The table's customer-managed key, if it has one: the function gets the key use its access needs.
   * @default - none
   */
  readonly tableEncryptionKey?: kms.IKey;
}

export class AuthorizationLeg extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly authorizeRoute: apigwv2.HttpRoute;
  public readonly callbackRoute: apigwv2.HttpRoute;

  constructor(scope: Construct, id: string, props: AuthorizationLegProps) {
    super(scope, id);
    const { config } = props;
    const made = createAdapterFunction(this, {
      ids: { logGroup: 'LogGroup', role: 'Role', function: 'Function' },
      handler: 'authorize',
      description: 'Alexa account linking: GET /authorize and GET /callback (interception mode)',
      roleDescription: 'Alexa account linking /authorize and /callback: its own log group, Get/PutItem on the state table',
      logRetention: config.logRetentionDays as logs.RetentionDays,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.millis(FUNCTION_TIMEOUT_MS.authorize),
      environment: { [FUNCTION_ENV.adapterConfig]: JSON.stringify(runtimePart(config)), [FUNCTION_ENV.tableName]: props.table.tableName },
      bundleAwsSdk: props.bundleAwsSdk,
      encryptionKey: props.encryptionKey,
    });
    this.logGroup = made.logGroup;
    this.role = made.role;
    this.function = made.fn;
    grantTableAccess(props.table, this.function, 'authorize', props.tableEncryptionKey);

    const integration = new HttpLambdaIntegration('AuthorizeIntegration', this.function, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    const routes = addHandlerRoutes(props.httpApi, 'authorize', config.mode, integration);
    this.authorizeRoute = routes.authorize!;
    this.callbackRoute = routes.callback!;
  }
}
