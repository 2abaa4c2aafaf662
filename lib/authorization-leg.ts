/**
 * `AuthorizationLeg`: GET /authorize and GET /callback (interception mode) on the adapter's HTTP API,
 * served by one small function with its own role and log group, reading and writing grant state in
 * the adapter's table. Created by `AccountLinkingAdapter` when `config.mode` is `interception`.
 */
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { runtimePart, type AdapterConfig } from '../lambda/core/config';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const AUTHORIZE_ENTRY = fileURLToPath(new URL('../lambda/handlers/authorize.ts', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

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
}

export class AuthorizationLeg extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly authorizeRoute: apigwv2.HttpRoute;
  public readonly callbackRoute: apigwv2.HttpRoute;

  constructor(scope: Construct, id: string, props: AuthorizationLegProps) {
    super(scope, id);
    const { config } = props;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: config.logRetentionDays as logs.RetentionDays });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Alexa account linking /authorize and /callback: its own log group, read/write on the state table',
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      description: 'Alexa account linking: GET /authorize and GET /callback (interception mode)',
      entry: AUTHORIZE_ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(5),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ADAPTER_CONFIG: JSON.stringify(runtimePart(config)), TABLE_NAME: props.table.tableName },
      bundling: { minify: true, sourceMap: false, keepNames: true, target: 'node24', format: OutputFormat.CJS, bundleAwsSDK: props.bundleAwsSdk ?? false },
    });
    props.table.grantReadWriteData(this.function);

    const integration = new HttpLambdaIntegration('AuthorizeIntegration', this.function, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    [this.authorizeRoute] = props.httpApi.addRoutes({ path: '/authorize', methods: [apigwv2.HttpMethod.GET], integration });
    [this.callbackRoute] = props.httpApi.addRoutes({ path: '/callback', methods: [apigwv2.HttpMethod.GET], integration });
    Validations.of(this.authorizeRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "GET /authorize is Alexa's Web Authorization URI, opened by the user's browser in the Alexa app: no credentials " +
        'exist at this point (RFC 6749 §4.1.1). It only validates the request, stores a one-time grant and redirects to the provider.',
    });
    Validations.of(this.callbackRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "GET /callback is the provider-side redirect_uri, reached by the user's browser (RFC 6749 §4.1.2); it is protected by " +
        'our one-time 256-bit state, not by an authorizer, which the browser could not satisfy.',
    });
  }
}
