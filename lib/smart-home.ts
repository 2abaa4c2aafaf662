/**
 * `SmartHome`: the smart-home side of the adapter (issue 5), an opt-in L3 construct composed by
 * `AccountLinkingAdapter` when `config.smartHome` is set.
 *
 * - The smart-home function Alexa invokes directly (default endpoint of the skill): AcceptGrant is
 *   handled here, every other directive is forwarded to `smartHome.forwardTargetArn`. Alexa may
 *   invoke it only for this skill: principal `alexa-connectedhome.amazon.com`, event source token =
 *   skill id (Alexa docs: smarthome/steps-to-build-a-smart-home-skill, "Add a trigger").
 * - The events function the user's own code invokes with IAM to send to the Event Gateway.
 * - A Secrets Manager secret for the Alexa Client Secret (Permissions page), created with a
 *   placeholder the code treats as unset; the README gives the put-secret-value command.
 *
 * Alexa invokes the function in the AWS region of the user's market: deploy one stack per region
 * you serve (NA us-east-1, EU/IN eu-west-1, FE/AU us-west-2).
 */
import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { createAdapterFunction } from './adapter-function';
import { DEFAULT_KEY_REASONS, checkovSkip } from './checkov';
import type { HandlerName } from './handler-assets';
import { grantTableAccess, type TableUser } from './table-access';
import { FUNCTION_TIMEOUT_MS } from '../lambda/contract/deadlines';
import { FUNCTION_ENV } from '../lambda/contract/env';
import { SECRET_PLACEHOLDER, type SmartHomeConfig } from '../lambda/core/smart-home/config';

/** Service principal Alexa smart-home skills invoke Lambda functions with. */
export const ALEXA_SMART_HOME_PRINCIPAL = 'alexa-connectedhome.amazon.com';

/** Properties of {@link SmartHome}. */
export interface SmartHomeProps {
  /** The validated `smartHome` settings. */
  readonly config: SmartHomeConfig;
  /** The adapter's state table (grantee mappings, LWA tokens, refresh single-flight). */
  readonly table: dynamodb.ITable;
  /** Log retention of both functions' log groups. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Timeout of the smart-home function.
   * @default Alexa's 8 s for a directive's answer (lambda/contract/deadlines.ts)
   */
  readonly timeout?: Duration;
  /**
   * Bundle the AWS SDK instead of using the runtime's (see AccountLinkingAdapterProps.bundleAwsSdk).
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * Customer-managed key for both log groups and the Alexa Client Secret (see AccountLinkingAdapterProps.encryptionKey).
   * @default - AWS-owned keys for the logs, aws/secretsmanager for the secret
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The table's customer-managed key, if it has one: the functions get the key use their access needs.
   * @default - none
   */
  readonly tableEncryptionKey?: kms.IKey;
}

export class SmartHome extends Construct {
  /** The function Alexa invokes: its ARN is the skill's default endpoint. */
  public readonly smartHomeFunction: lambda.Function;
  /** The function the user's code invokes (IAM) to send events to the Event Gateway. */
  public readonly eventsFunction: lambda.Function;
  /** The Alexa Client Secret (Permissions page); fill it with put-secret-value. */
  public readonly alexaClientSecret: secretsmanager.Secret;
  public readonly smartHomeLogGroup: logs.LogGroup;
  public readonly eventsLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SmartHomeProps) {
    super(scope, id);
    const { config } = props;

    this.alexaClientSecret = new secretsmanager.Secret(this, 'AlexaClientSecret', {
      description: 'Alexa Client Secret of the smart-home skill (console > Build > Permissions > Alexa Skill Messaging). Fill with aws secretsmanager put-secret-value.',
      // Not a secret: a placeholder the code recognises as "unset" (accept_grant_secret_missing).
      secretStringValue: SecretValue.unsafePlainText(SECRET_PLACEHOLDER),
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    });
    if (!props.encryptionKey) checkovSkip(this.alexaClientSecret, DEFAULT_KEY_REASONS.secret);
    Validations.of(this.alexaClientSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The Alexa Client Secret is issued by Amazon in the developer console and cannot be rotated by a Lambda; it changes only when the developer regenerates it there and puts the new value.',
    });

    const env = {
      [FUNCTION_ENV.smartHomeConfig]: JSON.stringify(config),
      [FUNCTION_ENV.tableName]: props.table.tableName,
      [FUNCTION_ENV.alexaClientSecretArn]: this.alexaClientSecret.secretArn,
    };
    const make = (name: string, handler: HandlerName, description: string, timeout: Duration, tableUser: TableUser) => {
      const { fn, logGroup } = createAdapterFunction(this, {
        ids: { logGroup: `${name}LogGroup`, role: `${name}Role`, function: name },
        handler,
        description,
        roleDescription: `${description}: its own log group, the state table, the Alexa Client Secret`,
        logRetention: props.logRetention,
        memorySize: 256,
        timeout,
        environment: env,
        bundleAwsSdk: props.bundleAwsSdk,
        encryptionKey: props.encryptionKey,
      });
      grantTableAccess(props.table, fn, tableUser, props.tableEncryptionKey);
      this.alexaClientSecret.grantRead(fn);
      return { fn, logGroup };
    };

    const sh = make('SmartHomeFunction', 'smart-home', 'Alexa smart home: AcceptGrant and directive forwarding', props.timeout ?? Duration.millis(FUNCTION_TIMEOUT_MS['smart-home']), 'smartHome');
    this.smartHomeFunction = sh.fn;
    this.smartHomeLogGroup = sh.logGroup;
    this.smartHomeFunction.addPermission('AlexaSmartHomeInvoke', {
      principal: new iam.ServicePrincipal(ALEXA_SMART_HOME_PRINCIPAL),
      action: 'lambda:InvokeFunction',
      eventSourceToken: config.skillId,
    });
    if (config.forwardTargetArn) {
      this.smartHomeFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [config.forwardTargetArn] }));
    }

    const ev = make('EventsFunction', 'events', 'Alexa smart home: send events to the Alexa Event Gateway (invoke with IAM)', Duration.millis(FUNCTION_TIMEOUT_MS.events), 'events');
    this.eventsFunction = ev.fn;
    this.eventsLogGroup = ev.logGroup;
  }

  /** Lets a principal (e.g. your device service's role) send events through the events function. */
  public grantSendEvents(grantee: iam.IGrantable): iam.Grant {
    return this.eventsFunction.grantInvoke(grantee);
  }
}
