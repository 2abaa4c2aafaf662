/**
 * Output keys of the stack. The diagnosis CLI reads these from `describe-stacks` (`logs`, `report`,
 * `skill-config`); keep them stable. The first four are what the user types into the Alexa developer
 * console (Build > Account Linking). No CDK imports: the CLI bundle includes this file.
 */
export const OUTPUT_KEYS = {
  accessTokenUri: 'AccessTokenUri',
  authorizationUri: 'AuthorizationUri',
  authenticationScheme: 'AuthenticationScheme',
  domainList: 'DomainList',
  tableName: 'TableName',
  tokenFunctionName: 'TokenFunctionName',
  tokenLogGroupName: 'TokenLogGroupName',
  accessLogGroupName: 'AccessLogGroupName',
  defaultApiEndpoint: 'DefaultApiEndpoint',
  customDomainTarget: 'CustomDomainTarget',
  providerRedirectUri: 'ProviderRedirectUri',
  authorizeLogGroupName: 'AuthorizeLogGroupName',
  dashboardUrl: 'DashboardUrl',
} as const;
