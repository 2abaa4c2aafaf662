/**
 * `AccountLinkingAdapter`: the serverless endpoint Alexa account linking talks to instead of the OAuth
 * provider: the token leg (`POST /token`), the state table every leg uses, the authorization leg in
 * interception mode (`AuthorizationLeg`), smart home when configured (`SmartHome`), observability,
 * and the values the user types into the Alexa developer console.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError, checkAdapterConfig, runtimePart, type AdapterConfig, type AdapterConfigInput } from '../lambda/core/config';
import { FUNCTION_ENV } from '../lambda/contract/env';
import { TABLE_KEYS } from '../lambda/contract/table';
import { createAdapterFunction, type AdapterFunction } from './adapter-function';
import { addAdapterOutputs } from './adapter-outputs';
import { DeploymentKey } from './deployment-key';
import { AuthorizationLeg } from './authorization-leg';
import { certificateRegionProblem } from './certificate-region';
import { consoleSettings } from './console-settings';
import { DEFAULT_KEY_REASONS, checkovSkip } from './checkov';
import { grantTableAccess } from './table-access';
import { DEFAULT_TOKEN_MEMORY_MB, DEFAULT_TOKEN_TIMEOUT } from './defaults';
import { addHandlerRoutes } from './http-routes';
import { SmartHome } from './smart-home';
import { AdapterObservability } from './observability';
import { AdapterDashboard } from './dashboard';

/** Properties of {@link AccountLinkingAdapter}. */
export interface AccountLinkingAdapterProps {
  /**
   * The adapter configuration: the same object as cdk.json's `adapter` context
   * (docs/configuration.md): at least `provider` and `tokenUrl`; every other field has a default.
   * Validated here with every problem in one `ConfigError` (unknown fields with the closest known
   * one, wrong values, an unknown provider, a certificate from another region than the stack's).
   * Its runtime part is handed to the Lambdas as `ADAPTER_CONFIG`; the deployment part sizes logs,
   * throttling, the custom domain and the table's removal policy.
   */
  readonly config: AdapterConfigInput;

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
   * Customer-managed KMS key for everything the stack keeps at rest: the state table, every log group
   * (token, access, authorization leg, smart home, events) and the Alexa Client Secret. Give one when
   * a security team asks for key-level control (key policy, cross-account audit, crypto-shredding by
   * disabling the key). A `kms.Key` of your app gets the CloudWatch Logs statement added to its key
   * policy; an imported key's policy must already allow `logs.<region>.amazonaws.com` (docs/security.md,
   * "Encryption at rest"). The functions get the key use their table access needs.
   * @default - config `encryptionKeyArn` if set, else AWS managed/owned keys: aws/dynamodb for the
   * table, CloudWatch Logs' own keys, aws/secretsmanager; each stated in the template as a checkov skip
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Customer-managed KMS key for the state table only (overrides `encryptionKey` for the table).
   * @default - `encryptionKey`
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
  /** The token handler (`lambda/handlers/token.ts`, prebuilt). */
  public readonly tokenFunction: lambda.Function;
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
  /**
   * "Your Web Authorization URI" for the Alexa console: our /authorize in interception mode; in
   * passthrough mode the provider's authorization URL (`authorizeUrl`, or the profile's), or an
   * instruction when neither is known.
   */
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
  /** The operator's CloudWatch dashboard and the metric filters behind it (lib/dashboard.ts). */
  public readonly dashboard: AdapterDashboard;
  /** The validated configuration (defaults applied). */
  public readonly config: AdapterConfig;
  /** The per-deployment key of fingerprints, table keys and sealed payloads (lib/deployment-key.ts). */
  public readonly deploymentKey: DeploymentKey;

  constructor(scope: Construct, id: string, props: AccountLinkingAdapterProps) {
    super(scope, id);
    const memorySize = props.tokenMemorySize ?? DEFAULT_TOKEN_MEMORY_MB;
    const timeout = props.tokenTimeout ?? DEFAULT_TOKEN_TIMEOUT;
    const config = (this.config = validateProps(this, props, memorySize, timeout));
    const retention = config.logRetentionDays as logs.RetentionDays;

    // One optional customer-managed key for everything at rest.
    const key = props.encryptionKey ?? (config.encryptionKeyArn ? kms.Key.fromKeyArn(this, 'EncryptionKey', config.encryptionKeyArn) : undefined);
    if (key) allowCloudWatchLogs(this, key);
    const tableKey = props.tableEncryptionKey ?? key;

    this.table = declareStateTable(this, config, tableKey);
    // The key of the table's keys and sealed payloads: kept or destroyed with the table.
    this.deploymentKey = new DeploymentKey(this, 'DeploymentKey', { removalPolicy: removalPolicyOf(config), encryptionKey: key });

    const token = createTokenFunction(this, { config, memorySize, timeout, retention, table: this.table, deploymentKey: this.deploymentKey, bundleAwsSdk: props.bundleAwsSdk, key, tableKey });
    this.tokenLogGroup = token.logGroup;
    this.tokenFunctionRole = token.role;
    this.tokenFunction = token.fn;

    const api = createHttpApi(this, config, retention, key);
    this.httpApi = api.httpApi;
    this.domainName = api.domainName;
    this.accessLogGroup = api.accessLogGroup;
    this.stage = api.stage;
    const routes = addTokenRoutes(this, this.httpApi, this.tokenFunction, config.mode);
    this.tokenRoute = routes.tokenRoute;
    this.defaultRoute = routes.defaultRoute;

    // What the user types into the Alexa console.
    this.defaultEndpoint = this.httpApi.apiEndpoint;
    this.baseUrl = this.domainName ? `https://${config.domainName}` : this.defaultEndpoint;
    const settings = consoleSettings(this.baseUrl, config);
    this.accessTokenUri = settings.accessTokenUri;
    this.authenticationScheme = settings.authenticationScheme;
    this.authorizationUri = settings.authorizationUri;
    this.domainList = settings.domainList;
    this.providerRedirectUri = settings.providerRedirectUri;

    // The other legs: each a construct of its own, with its function(s), on the same table.
    if (config.mode === 'interception') {
      this.authorizationLeg = new AuthorizationLeg(this, 'AuthorizationLeg', { config, httpApi: this.httpApi, table: this.table, timeout, bundleAwsSdk: props.bundleAwsSdk, encryptionKey: key, tableEncryptionKey: tableKey });
    }
    if (config.smartHome) {
      this.smartHome = new SmartHome(this, 'SmartHome', { config: config.smartHome, table: this.table, logRetention: retention, bundleAwsSdk: props.bundleAwsSdk, encryptionKey: key, tableEncryptionKey: tableKey });
    }

    // Saved queries, failed-exchange metric and alarm over every log group that receives records.
    this.observability = new AdapterObservability(this, 'Observability', {
      logGroups: [this.tokenLogGroup],
      alarmThreshold: config.alarmThreshold,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
    });
    if (this.authorizationLeg) this.observability.addLogGroup(this.authorizationLeg.logGroup);
    for (const fn of [this.authorizationLeg?.function, this.smartHome?.smartHomeFunction, this.smartHome?.eventsFunction]) if (fn) this.deploymentKey.provideTo(fn);
    if (this.smartHome) for (const group of [this.smartHome.smartHomeLogGroup, this.smartHome.eventsLogGroup]) this.observability.addLogGroup(group);
    this.dashboard = new AdapterDashboard(this, 'Dashboard', {
      namespace: this.observability.namespace,
      mode: config.mode,
      logGroups: [this.tokenLogGroup, ...(this.authorizationLeg ? [this.authorizationLeg.logGroup] : []), ...(this.smartHome ? [this.smartHome.smartHomeLogGroup, this.smartHome.eventsLogGroup] : [])],
      httpApi: this.httpApi,
      stageName: this.stage.stageName,
      tokenFunction: this.tokenFunction,
      alarm: this.observability.alarm,
    });
  }

  /**
   * Adds the stack outputs the Alexa console and the diagnosis CLI need (`AccessTokenUri`,
   * `AuthorizationUri`, …, every `…LogGroupName`), directly under the stack so their keys are stable:
   * `npx alexa-link-adapter logs|diagnose|report|skill-config --stack <your stack>` then works. Call it
   * for one adapter per stack (the keys are fixed).
   */
  public addStackOutputs(): void {
    addAdapterOutputs(Stack.of(this), this);
  }
}

const removalPolicyOf = (config: AdapterConfig): RemovalPolicy => (config.tableRemovalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

/** The state table (lambda/contract/table.ts): on demand, TTL, point-in-time recovery, the table key if any. */
function declareStateTable(scope: Construct, config: AdapterConfig, tableKey: kms.IKey | undefined): dynamodb.Table {
  const retain = config.tableRemovalPolicy === 'retain';
  const table = new dynamodb.Table(scope, 'StateTable', {
    partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(tableKey ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: tableKey } : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
    removalPolicy: removalPolicyOf(config),
    // Losing this table unlinks every user; with "retain" also refuse a console/API delete.
    deletionProtection: retain,
  });
  if (!tableKey) checkovSkip(table, DEFAULT_KEY_REASONS.table);
  return table;
}

interface TokenFunctionProps {
  config: AdapterConfig;
  memorySize: number;
  timeout: Duration;
  retention: logs.RetentionDays;
  table: dynamodb.Table;
  deploymentKey: DeploymentKey;
  bundleAwsSdk?: boolean;
  key?: kms.IKey;
  tableKey?: kms.IKey;
}

/** The token function with its role and log group: the table, the deployment key, and Apple's key secret if configured. */
function createTokenFunction(scope: Construct, p: TokenFunctionProps): AdapterFunction {
  const token = createAdapterFunction(scope, {
    ids: { logGroup: 'TokenLogGroup', role: 'TokenFunctionRole', function: 'TokenFunction' },
    handler: 'token',
    description: 'Alexa account linking: POST /token, forwards the grant to the OAuth provider',
    roleDescription: 'Alexa account linking token handler: its own log group, Get/Put/DeleteItem on the state table',
    logRetention: p.retention,
    memorySize: p.memorySize,
    timeout: p.timeout,
    environment: {
      [FUNCTION_ENV.adapterConfig]: JSON.stringify(runtimePart(p.config)),
      [FUNCTION_ENV.tableName]: p.table.tableName,
    },
    bundleAwsSdk: p.bundleAwsSdk,
    encryptionKey: p.key,
  });
  grantTableAccess(p.table, token.fn, 'token', p.tableKey);
  p.deploymentKey.provideTo(token.fn);
  if (p.config.applePrivateKeySecretArn) {
    // Sign in with Apple: read exactly the secret holding the .p8 key, nothing else.
    token.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [p.config.applePrivateKeySecretArn] }));
  }
  return token;
}

/** The HTTP API with its `$default` stage (throttled, access-logged) and the custom domain, if configured. */
function createHttpApi(scope: Construct, config: AdapterConfig, retention: logs.RetentionDays, key: kms.IKey | undefined) {
  const httpApi = new apigwv2.HttpApi(scope, 'HttpApi', {
    description: 'Alexa account linking adapter',
    createDefaultStage: false,
    // Keep execute-api reachable even with a custom domain: it is the fallback and what diagnosis uses.
    disableExecuteApiEndpoint: false,
  });
  const domainName =
    config.domainName && config.certificateArn
      ? new apigwv2.DomainName(scope, 'CustomDomain', {
          domainName: config.domainName,
          certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', config.certificateArn),
          securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
        })
      : undefined;
  const accessLogGroup = new logs.LogGroup(scope, 'AccessLogGroup', { retention, ...(key ? { encryptionKey: key } : {}) });
  if (!key) checkovSkip(accessLogGroup, DEFAULT_KEY_REASONS.logGroup);
  const stage = new apigwv2.HttpStage(scope, 'DefaultStage', {
    httpApi,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogGroup), format: accessLogFormat() },
  });
  if (domainName) {
    // An explicit mapping: the stage's own domainMapping names it "<domain>undefined" (no mapping key)
    // and adds a DependsOn the Ref already implies (cfn-lint W3005).
    new apigwv2.ApiMapping(scope, 'CustomDomainMapping', { api: httpApi, domainName, stage });
  }
  return { httpApi, domainName, accessLogGroup, stage };
}

/**
 * The token function's routes from the contract (POST /token) and `$default`: every other method or
 * path reaches the token function too, so a wrong Access Token URI or method gets an RFC 6749
 * §5.2-shaped 404/405 and a record (API Gateway's own 404 would leave no trace).
 */
function addTokenRoutes(scope: Construct, httpApi: apigwv2.HttpApi, fn: lambda.IFunction, mode: AdapterConfig['mode']) {
  const integration = new HttpLambdaIntegration('TokenIntegration', fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
  const tokenRoute = addHandlerRoutes(httpApi, 'token', mode, integration).token!;
  const defaultRoute = new apigwv2.HttpRoute(scope, 'DefaultRoute', { httpApi, routeKey: apigwv2.HttpRouteKey.DEFAULT, integration });
  Validations.of(defaultRoute).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'The $default route only answers RFC 6749 §5.2 errors (404/405) for unknown paths and methods and logs ' +
      'them; it performs no action, so there is nothing for an authorizer to protect. Stage throttling applies.',
  });
  return { tokenRoute, defaultRoute };
}

/**
 * CloudWatch Logs may use the key for this account's log groups (AWS docs: "Encrypt log data in
 * CloudWatch Logs using AWS KMS"). A no-op for an imported key, whose policy is its owner's.
 */
function allowCloudWatchLogs(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
    }),
  );
}

/**
 * One JSON line per request, with what an operator joins and reads (docs/performance.md): the
 * request id, the route, the status Alexa got and its latency as API Gateway saw it, the Lambda's
 * awsRequestId (`integrationRequestId`, which joins the line to the handler's exchange record), and
 * the error texts that are the only trace of a request that got no record: a stage throttle (429), a
 * Lambda that failed, timed out or was throttled. Never bodies or headers (the token request carries
 * the client secret and the authorization code). Left out, as nothing reads them: the time (the log
 * event has it), Alexa's source IP, method and route separately, lengths, the integration's own
 * latency and status.
 */
export function accessLogFormat(): AccessLogFormat {
  const fields: Record<string, string> = {
    requestId: '$context.requestId',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLatency: '$context.responseLatency',
    integrationRequestId: '$context.integration.requestId',
    integrationErrorMessage: '$context.integrationErrorMessage',
    errorMessage: '$context.error.message',
  };
  return AccessLogFormat.custom(JSON.stringify(fields));
}

/**
 * Validates the configuration and the props together and throws one ConfigError naming every
 * problem (the configuration's, and those that need the props or the stack: the timeout against
 * the upstream budget, the certificate's region, the Lambda environment's size).
 */
function validateProps(scope: Construct, props: AccountLinkingAdapterProps, memorySize: number, timeout: Duration): AdapterConfig {
  const { config, problems } = checkAdapterConfig(props.config);
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    problems.push(`tokenMemorySize: must be an integer between 128 and 10240 MB, got ${memorySize}`);
  }
  const timeoutMs = timeout.toMilliseconds();
  const upstreamTimeoutMs = config?.upstreamTimeoutMs;
  if (upstreamTimeoutMs !== undefined && timeoutMs <= upstreamTimeoutMs) {
    problems.push(
      `tokenTimeout: ${timeoutMs} ms must be longer than upstreamTimeoutMs (${upstreamTimeoutMs} ms), ` +
        'or the handler is killed before it can answer after an upstream timeout',
    );
  }
  if (timeoutMs > 29_000) problems.push(`tokenTimeout: ${timeoutMs} ms exceeds the HTTP API integration limit (29 s)`);
  if (config) {
    // Lambda caps a function's environment at 4 KB; a large custom profile lives in ADAPTER_CONFIG.
    const runtimeBytes = Buffer.byteLength(JSON.stringify(runtimePart(config)));
    if (runtimeBytes > 3584) {
      problems.push(`profile: the runtime configuration is ${runtimeBytes} bytes, over the 3584 bytes left in the Lambda environment (4 KB); shorten the custom profile (hints, maps)`);
    }
  }
  const region = Stack.of(scope).region;
  const regionProblem = certificateRegionProblem(props.config.certificateArn, Token.isUnresolved(region) ? undefined : region, props.config.domainName);
  if (regionProblem && !problems.includes(regionProblem)) problems.push(regionProblem);
  if (problems.length > 0 || !config) {
    throw new ConfigError(problems, `AccountLinkingAdapter ${scope.node.path}`);
  }
  return config;
}
