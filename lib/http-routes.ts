/**
 * The HTTP API's routes from the contract's list (lambda/contract/routes.ts): each construct adds the
 * routes of the handler whose function it owns, for the configured mode, with the reason cdk-nag
 * needs for a route without an API Gateway authorizer (keyed by route name: a new route in the
 * contract does not compile until it has one here).
 */
import { Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { routesOfHandler, type AdapterMode, type HandlerName, type HttpRouteName } from '../lambda/contract/routes';

/** Why no route has an authorizer (cdk-nag AwsSolutions-APIG4): what authenticates its caller instead. */
export const NO_AUTHORIZER_REASONS: Readonly<Record<HttpRouteName, string>> = {
  token:
    'The token endpoint is called by Alexa, which authenticates with OAuth client credentials (HTTP Basic or ' +
    'in the body, RFC 6749 §2.3.1); those are forwarded to and checked by the upstream provider. An API ' +
    'Gateway authorizer cannot check them and would break the OAuth error contract (401 invalid_client).',
  authorize:
    "GET /authorize is Alexa's Web Authorization URI, opened by the user's browser in the Alexa app: no credentials " +
    'exist at this point (RFC 6749 §4.1.1). It only validates the request, stores a one-time grant and redirects to the provider.',
  callback:
    "GET /callback is the provider-side redirect_uri, reached by the user's browser (RFC 6749 §4.1.2); it is protected by " +
    'our one-time 256-bit state, not by an authorizer, which the browser could not satisfy.',
};

/** Adds the routes `handler` serves in `mode` to the API, all on one integration; returns them by route name. */
export function addHandlerRoutes(
  httpApi: apigwv2.HttpApi,
  handler: HandlerName,
  mode: AdapterMode,
  integration: apigwv2.HttpRouteIntegration,
): Partial<Record<HttpRouteName, apigwv2.HttpRoute>> {
  const added: Partial<Record<HttpRouteName, apigwv2.HttpRoute>> = {};
  for (const [name, route] of routesOfHandler(handler)) {
    if (!route.modes.includes(mode)) continue;
    const [created] = httpApi.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration });
    Validations.of(created!).acknowledge({ id: 'AwsSolutions-APIG4', reason: NO_AUTHORIZER_REASONS[name] });
    added[name] = created;
  }
  return added;
}
