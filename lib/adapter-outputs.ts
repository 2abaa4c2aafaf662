/**
 * The stack outputs of an adapter: what goes into the Alexa console, and the names the diagnosis CLI
 * reads with DescribeStacks (`logs`, `diagnose`, `report`, `skill-config`). Created directly under the
 * stack, so their keys are exactly `OUTPUT_KEYS` (lambda/contract/outputs.ts).
 */
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { AccountLinkingAdapter } from './account-linking-adapter';
import { OUTPUT_KEYS, type OutputKey } from '../lambda/contract/outputs';

export function addAdapterOutputs(stack: Stack, a: AccountLinkingAdapter): void {
  const out = (key: OutputKey, value: string, description: string) => new CfnOutput(stack, key, { value, description });

  out(OUTPUT_KEYS.accessTokenUri, a.accessTokenUri, 'Alexa console > Build > Account Linking > "Access Token URI".');
  out(
    OUTPUT_KEYS.authorizationUri,
    a.authorizationUri,
    'Alexa console > "Your Web Authorization URI". Interception mode: our /authorize; passthrough mode: the provider\'s own authorization endpoint.',
  );
  out(
    OUTPUT_KEYS.authenticationScheme,
    a.authenticationScheme,
    'Alexa console > "Your Authentication Scheme". Both schemes work (client id/secret in an HTTP Basic header or ' +
      'in the request body are both accepted and forwarded); HTTP Basic is the RFC 6749 preferred one.',
  );
  out(OUTPUT_KEYS.domainList, a.domainList, 'Alexa console > "Domain List": extra domains the login page loads content from.');
  if (a.providerRedirectUri && a.authorizationLeg) {
    out(
      OUTPUT_KEYS.providerRedirectUri,
      a.providerRedirectUri,
      "Interception mode: register this as the redirect (callback) URI of your OAuth client at the provider.",
    );
    out(OUTPUT_KEYS.authorizeLogGroupName, a.authorizationLeg.logGroup.logGroupName, 'Log group of the /authorize and /callback function (authorization-leg records).');
  }
  out(OUTPUT_KEYS.tableName, a.table.tableName, 'DynamoDB table holding grant and token state.');
  out(OUTPUT_KEYS.deploymentKeySecretArn, a.deploymentKey.secret.secretArn, 'Secrets Manager secret holding the deployment key (fingerprints, table keys, sealing); rotate only if it may have leaked (README).');
  out(OUTPUT_KEYS.tokenFunctionName, a.tokenFunction.functionName, 'Lambda function serving POST /token.');
  out(OUTPUT_KEYS.tokenLogGroupName, a.tokenLogGroup.logGroupName, 'Log group of the token function (exchange records).');
  out(OUTPUT_KEYS.accessLogGroupName, a.accessLogGroup.logGroupName, 'API Gateway access log group (one JSON line per request).');
  out(OUTPUT_KEYS.dashboardUrl, a.dashboard.url, 'The operator\'s CloudWatch dashboard: links started and completed, failures by verdict code, provider latency, refresh roles, AcceptGrant and Event Gateway outcomes.');
  out(OUTPUT_KEYS.defaultApiEndpoint, a.defaultEndpoint, 'execute-api endpoint of the HTTP API (stays enabled with a custom domain).');
  if (a.smartHome) {
    out(OUTPUT_KEYS.smartHomeFunctionArn, a.smartHome.smartHomeFunction.functionArn, 'Alexa console > Build > Smart Home > "Default endpoint" (deploy one stack per region your markets use).');
    out(OUTPUT_KEYS.eventsFunctionArn, a.smartHome.eventsFunction.functionArn, 'Invoke with IAM to send an event to the Alexa Event Gateway ({granteeToken, message}).');
    out(OUTPUT_KEYS.alexaClientSecretArn, a.smartHome.alexaClientSecret.secretArn, 'Put the Alexa Client Secret (console > Permissions) here with aws secretsmanager put-secret-value.');
    out(OUTPUT_KEYS.smartHomeLogGroupName, a.smartHome.smartHomeLogGroup.logGroupName, 'Log group of the smart-home function (AcceptGrant and directive records).');
    out(OUTPUT_KEYS.eventsLogGroupName, a.smartHome.eventsLogGroup.logGroupName, 'Log group of the events function (POST /events and lwa_refresh records).');
  }
  if (a.domainName) {
    out(
      OUTPUT_KEYS.customDomainTarget,
      a.domainName.regionalDomainName,
      `Point a DNS CNAME (or Route 53 alias) for ${a.config.domainName} at this name.`,
    );
  }
}
