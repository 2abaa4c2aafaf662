/**
 * Event Gateway sender for the user's own code, invoked with IAM (lambda:InvokeFunction):
 *
 *   aws lambda invoke --function-name <EventsFunctionArn> --payload '{"granteeToken":"…","message":{"event":{…}}}' out.json
 *
 * Answers {status, accepted, code, message}; the LWA token and `scope.token` are filled in here.
 * Thin: the core sends (lambda/core/smart-home/event-gateway.ts).
 */
import { sendEvent, type GatewayDeps, type SendEventRequest, type SendEventResult } from '../core/smart-home/event-gateway';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { guardedHandler } from '../shared/guarded';
import { lambdaEntry, type LambdaContextLike } from '../shared/lambda-entry';
import { stdoutSink } from '../shared/log';
import { alexaClientSecretFromEnv, requiredStoreFromEnv, smartHomeConfigFromEnv } from '../shared/smart-home-from-env';

export type EventsHandlerDeps = GatewayDeps;

/** One send request in, its result out (never throws); the deployment key first, one secret scope per event. */
export function createEventsHandler(deps: EventsHandlerDeps) {
  const core: GatewayDeps = { ...deps, store: keyGatedStore(deps.store) };
  return guardedHandler((event: unknown, context?: LambdaContextLike): Promise<SendEventResult> => sendEvent(event as SendEventRequest, core, context?.awsRequestId ?? 'local'));
}

/** The Lambda entry point: settings from SMART_HOME_CONFIG, the table and the Alexa Client Secret. */
export const handler = lambdaEntry(() =>
  createEventsHandler({ config: smartHomeConfigFromEnv(), store: requiredStoreFromEnv(), clientSecret: alexaClientSecretFromEnv(), log: stdoutSink }),
);
