/**
 * Output keys of the stack, once. The diagnosis CLI reads them from DescribeStacks (`logs`, `report`,
 * `skill-config`) and local mode writes its console settings under them (`skill-config --local`); keep
 * them stable. No CDK imports: the CLI bundle includes this file.
 */
export const OUTPUT_KEYS = {
  /** The first four are what the user types into the Alexa developer console (Build > Account Linking). */
  accessTokenUri: 'AccessTokenUri',
  authorizationUri: 'AuthorizationUri',
  authenticationScheme: 'AuthenticationScheme',
  domainList: 'DomainList',
  tableName: 'TableName',
  deploymentKeySecretArn: 'DeploymentKeySecretArn',
  tokenFunctionName: 'TokenFunctionName',
  tokenLogGroupName: 'TokenLogGroupName',
  accessLogGroupName: 'AccessLogGroupName',
  defaultApiEndpoint: 'DefaultApiEndpoint',
  customDomainTarget: 'CustomDomainTarget',
  /** The operator's CloudWatch dashboard (lib/dashboard.ts). */
  dashboardUrl: 'DashboardUrl',
  /** Interception mode. */
  providerRedirectUri: 'ProviderRedirectUri',
  authorizeLogGroupName: 'AuthorizeLogGroupName',
  /** Smart home. */
  smartHomeFunctionArn: 'SmartHomeFunctionArn',
  eventsFunctionArn: 'EventsFunctionArn',
  alexaClientSecretArn: 'AlexaClientSecretArn',
  smartHomeLogGroupName: 'SmartHomeLogGroupName',
  eventsLogGroupName: 'EventsLogGroupName',
} as const;

export type OutputKey = (typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS];

