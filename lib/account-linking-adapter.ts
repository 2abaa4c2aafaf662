/**
 * `AccountLinkingAdapter`: the serverless endpoint Alexa account linking talks to instead of the OAuth
 * provider. This slice provides the token leg (`POST /token`), the state table later legs use, and
 * the values the user types into the Alexa developer console.
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { providerAuthorizeUrl } from '../lambda/core/authorize/config';
import { ConfigError, runtimePart, type AdapterConfig } from '../lambda/core/config';
import { createAdapterFunction, handlerEntry } from './adapter-function';
import { DeploymentKey } from './deployment-key';
import { AuthorizationLeg } from './authorization-leg';
import {
  AUTHENTICATION_SCHEME,
  DEFAULT_TOKEN_MEMORY_MB,
  DEFAULT_TOKEN_TIMEOUT,
  PASSTHROUGH_AUTHORIZATION_URI,
  PASSTHROUGH_DOMAIN_LIST,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TABLE_TTL_ATTRIBUTE,
} from './defaults';
import { SmartHome } from './smart-home';
import { AdapterObservability } from './observability';

/** Project root (holds package-lock.json), resolved from this file so synth works from any cwd. */

/** Properties of {@link AccountLinkingAdapter}. */
export interface AccountLinkingAdapterProps {
  /**
   * The adapter configuration, already validated with `parseAdapterConfig` (see `loadConfigFromApp`).
   * Its runtime part is handed to the Lambda as `ADAPTER_CONFIG`; the deployment part sizes logs,
   * throttling, the custom domain and the table's removal policy.
   */
  readonly config: AdapterConfig;

  /**
   * Memory of the token function, in MB (CPU scales with it).
   * @default 256 (see DEFAULT_TOKEN_MEMORY_MB for why)
   */
  readonly tokenMemorySize?: number;

  /**
   * Timeout of the token function. Must exceed `config.upstreamTimeoutMs`, so the handler can still
   * answer after aborting the upstream call.
   * @default Duration.seconds(5)
   */
  readonly tokenTimeout?: Duration;

  /**
   * Customer-managed KMS key for the state table. Give one if you need key-level control (key
   * policy, cross-account audit, crypto-shredding by disabling the key).
   * @default - the AWS-managed key `aws/dynamodb` (key usage visible in CloudTrail, no key to run)
   */
  readonly tableEncryptionKey?: kms.IKey;

  /**
   * Bundle the AWS SDK v3 into each function instead of using the copy in the Lambda runtime.
   * By default the SDK stays external: the nodejs24.x runtime ships SDK v3, bundles stay a few tens of
   * KB (a bundled DynamoDB client adds about 300 KB, parsed on every cold start), and the handlers
   * load the SDK lazily, only on the paths that touch the table. Set `true` to pin the exact SDK
   * version of package-lock.json (the one the tests ran against) at the cost of bundle size.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
}

/**
 * One HTTP API with `POST /token` in front of a Lambda, a DynamoDB table for grant and token state,
 * explicit log groups for the function and for access logs, and an optional custom domain.
 */
export class AccountLinkingAdapter extends Construct {
  /** Grant and token state: `pk`/`sk` strings, TTL on `expiresAt` (epoch seconds). */
  public readonly table: dynamodb.Table;
  /** The token handler (`lambda/handlers/token.ts`). */
  public readonly tokenFunction: NodejsFunction;
  /** Execution role of the token handler (logs to its own log group, read/write on the table). */
  public readonly tokenFunctionRole: iam.Role;
  /** Where the token handler's JSON logs and exchange records go. */
  public readonly tokenLogGroup: logs.LogGroup;
  /** The HTTP API Alexa calls. */
  public readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage (throttled, access-logged). */
  public readonly stage: apigwv2.HttpStage;
  /** Access logs of the stage (one JSON line per request, no bodies or headers). */
  public readonly accessLogGroup: logs.LogGroup;
  /** The `POST /token` route. */
  public readonly tokenRoute: apigwv2.HttpRoute;
  /** `$default`: unknown paths and methods, answered with §5.2-shaped 404/405 by the token function. */
  public readonly defaultRoute: apigwv2.HttpRoute;
  /** The custom domain, when `config.domainName` is set. */
  public readonly domainName?: apigwv2.DomainName;
  /** Base URL of the API (custom domain if given, else the execute-api endpoint), no trailing slash. */
  public readonly baseUrl: string;
  /** The execute-api endpoint; kept enabled even with a custom domain (useful for diagnosis). */
  public readonly defaultEndpoint: string;
  /** "Access Token URI" for the Alexa console. */
  public readonly accessTokenUri: string;
  /** "Your Web Authorization URI" for the Alexa console (or an instruction, in passthrough mode). */
  public readonly authorizationUri: string;
  /** "Your Authentication Scheme" for the Alexa console. */
  public readonly authenticationScheme: string;
  /** "Domain List" for the Alexa console. */
  public readonly domainList: string;
  /** Interception mode: GET /authorize and GET /callback with their function. */
  public readonly authorizationLeg?: AuthorizationLeg;
  /** Interception mode: our /callback, to register as redirect URI at the provider. */
  public readonly providerRedirectUri?: string;
  /** Smart home (AcceptGrant, LWA tokens, Event Gateway), when `config.smartHome` is set. */
  public readonly smartHome?: SmartHome;
  /** Saved Logs Insights queries, the failed-exchanges metric and alarm (lib/observability.ts). */
  public readonly observability: AdapterObservability;
  /** The per-deployment key of fingerprints, table keys and sealed payloads (lib/deployment-key.ts). */
  public readonly deploymentKey: DeploymentKey;

  constructor(scope: Construct, id: string, props: AccountLinkingAdapterProps) {
    super(scope, id);
    const { config } = props;
    const memorySize = props.tokenMemorySize ?? DEFAULT_TOKEN_MEMORY_MB;
    const timeout = props.tokenTimeout ?? DEFAULT_TOKEN_TIMEOUT;
    checkProps(this, props, memorySize, timeout);

    // --- State table -------------------------------------------------------------------------
    const retain = config.tableRemovalPolicy === 'retain';
    this.table = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.tableEncryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.tableEncryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // Losing this table unlinks every user; with "retain" also refuse a console/API delete.
      deletionProtection: retain,
    });
    // The key of the table's keys and sealed payloads: kept or destroyed with the table.
    this.deploymentKey = new DeploymentKey(this, 'DeploymentKey', { removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });

    // --- Token function ----------------------------------------------------------------------
    const retention = config.logRetentionDays as logs.RetentionDays;
    const token = createAdapterFunction(this, {
      ids: { logGroup: 'TokenLogGroup', role: 'TokenFunctionRole', function: 'TokenFunction' },
      entry: handlerEntry('token'),
      description: 'Alexa account linking: POST /token, forwards the grant to the OAuth provider',
      roleDescription: 'Alexa account linking token handler: its own log group, read/write on the state table',
      logRetention: retention,
      memorySize,
      timeout,
      environment: {
        ADAPTER_CONFIG: JSON.stringify(runtimePart(config)),
        TABLE_NAME: this.table.tableName,
      },
      bundleAwsSdk: props.bundleAwsSdk,
    });
    this.tokenLogGroup = token.logGroup;
    this.tokenFunctionRole = token.role;
    this.tokenFunction = token.fn;
    this.table.grantReadWriteData(this.tokenFunction);
    this.deploymentKey.provideTo(this.tokenFunction);
    if (config.applePrivateKeySecretArn) {
      // Sign in with Apple: read exactly the secret holding the .p8 key, nothing else.
      this.tokenFunctionRole.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [config.applePrivateKeySecretArn] }),
      );
    }

    // --- HTTP API ------------------------------------------------------------------------------
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Alexa account linking adapter',
      createDefaultStage: false,
      // Keep execute-api reachable even with a custom domain: it is the fallback and what diagnosis uses.
      disableExecuteApiEndpoint: false,
    });

    if (config.domainName && config.certificateArn) {
      this.domainName = new apigwv2.DomainName(this, 'CustomDomain', {
        domainName: config.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogGroup', { retention });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: accessLogFormat(),
      },
      ...(this.domainName ? { domainMapping: { domainName: this.domainName } } : {}),
    });

    const tokenIntegration = new HttpLambdaIntegration('TokenIntegration', this.tokenFunction, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    [this.tokenRoute] = this.httpApi.addRoutes({
      path: '/token',
      methods: [apigwv2.HttpMethod.POST],
      integration: tokenIntegration,
    });
    Validations.of(this.tokenRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The token endpoint is called by Alexa, which authenticates with OAuth client credentials (HTTP Basic or ' +
        'in the body, RFC 6749 §2.3.1); those are forwarded to and checked by the upstream provider. An API ' +
        'Gateway authorizer cannot check them and would break the OAuth error contract (401 invalid_client).',
    });
    // Every other method or path reaches the token function too, so a wrong Access Token URI or method gets an
    // RFC 6749 §5.2-shaped 404/405 and an exchange record (API Gateway's own 404 would leave no trace).
    this.defaultRoute = new apigwv2.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: tokenIntegration,
    });
    Validations.of(this.defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route only answers RFC 6749 §5.2 errors (404/405) for unknown paths and methods and logs ' +
        'them; it performs no action, so there is nothing for an authorizer to protect. Stage throttling applies.',
    });

    // --- What the user types into the Alexa console ---------------------------------------------
    this.defaultEndpoint = this.httpApi.apiEndpoint;
    this.baseUrl = this.domainName ? `https://${config.domainName}` : this.defaultEndpoint;
    this.accessTokenUri = `${this.baseUrl}/token`;
    this.authenticationScheme = AUTHENTICATION_SCHEME;
    if (config.mode === 'interception') {
      this.authorizationLeg = new AuthorizationLeg(this, 'AuthorizationLeg', { config, httpApi: this.httpApi, table: this.table, timeout, bundleAwsSdk: props.bundleAwsSdk });
      this.authorizationUri = `${this.baseUrl}/authorize`;
      this.providerRedirectUri = `${this.baseUrl}/callback`;
      // The login page is the provider's: Alexa's web view must be allowed to load it (Alexa docs: Domain List).
      this.domainList = new URL(providerAuthorizeUrl(config)!).hostname;
    } else {
      this.authorizationUri = config.authorizeUrl ?? PASSTHROUGH_AUTHORIZATION_URI;
      this.domainList = PASSTHROUGH_DOMAIN_LIST;
    }

    if (config.smartHome) {
      this.smartHome = new SmartHome(this, 'SmartHome', { config: config.smartHome, table: this.table, logRetention: retention, bundleAwsSdk: props.bundleAwsSdk });
    }
    // --- Saved queries, failed-exchange metric and alarm (routes added later: observability.addLogGroup) ---
    this.observability = new AdapterObservability(this, 'Observability', {
      logGroups: [this.tokenLogGroup],
      alarmThreshold: config.alarmThreshold,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
    });
    if (this.authorizationLeg) this.observability.addLogGroup(this.authorizationLeg.logGroup);
    for (const fn of [this.authorizationLeg?.function, this.smartHome?.smartHomeFunction, this.smartHome?.eventsFunction]) if (fn) this.deploymentKey.provideTo(fn);
    if (this.smartHome) for (const group of [this.smartHome.smartHomeLogGroup, this.smartHome.eventsLogGroup]) this.observability.addLogGroup(group);
  }
}

/**
 * One JSON line per request. Only request metadata: never bodies or headers (the token request
 * carries the client secret and the authorization code). `integrationRequestId` is the Lambda's
 * awsRequestId, which joins an access log line to the handler's exchange record.
 */
export function accessLogFormat(): AccessLogFormat {
  const fields: Record<string, string> = {
    requestId: '$context.requestId',
    requestTimeEpoch: '$context.requestTimeEpoch',
    ip: '$context.identity.sourceIp',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationRequestId: '$context.integration.requestId',
    integrationErrorMessage: '$context.integrationErrorMessage',
    errorMessage: '$context.error.message',
  };
  return AccessLogFormat.custom(JSON.stringify(fields));
}

/**
 * Collects every problem with the props into one ConfigError. The config is validated already; these
 * are the checks that need the props or the stack (region of the certificate).
 */
function checkProps(scope: Construct, props: AccountLinkingAdapterProps, memorySize: number, timeout: Duration): void {
  const problems: string[] = [];
  const { config } = props;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    problems.push(`tokenMemorySize: must be an integer between 128 and 10240 MB, got ${memorySize}`);
  }
  const timeoutMs = timeout.toMilliseconds();
  if (timeoutMs <= config.upstreamTimeoutMs) {
    problems.push(
      `tokenTimeout: ${timeoutMs} ms must be longer than upstreamTimeoutMs (${config.upstreamTimeoutMs} ms), ` +
        'or the handler is killed before it can answer after an upstream timeout',
    );
  }
  if (timeoutMs > 29_000) problems.push(`tokenTimeout: ${timeoutMs} ms exceeds the HTTP API integration limit (29 s)`);
  if ((config.domainName === undefined) !== (config.certificateArn === undefined)) {
    problems.push('domainName and certificateArn must be given together');
  }
  // Lambda caps a function's environment at 4 KB; a large custom profile lives in ADAPTER_CONFIG.
  const runtimeBytes = Buffer.byteLength(JSON.stringify(runtimePart(config)));
  if (runtimeBytes > 3584) {
    problems.push(`profile: the runtime configuration is ${runtimeBytes} bytes, over the 3584 bytes left in the Lambda environment (4 KB); shorten the custom profile (hints, maps)`);
  }
  if (config.certificateArn) {
    const region = Stack.of(scope).region;
    const certRegion = Arn.split(config.certificateArn, ArnFormat.SLASH_RESOURCE_NAME).region;
    if (!Token.isUnresolved(region) && certRegion !== region) {
      problems.push(
        `certificateArn: the certificate is in ${certRegion} but the stack deploys to ${region}; ` +
          'a regional API Gateway domain needs a certificate in its own region',
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems, `AccountLinkingAdapter ${scope.node.path}`);
  }
}
