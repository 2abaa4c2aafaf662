/**
 * The smart-home skill endpoint: Alexa invokes this Lambda directly (principal
 * alexa-connectedhome.amazon.com, the skill id as event source token). Thin: the core handles
 * AcceptGrant and forwards every other directive (lambda/core/smart-home/directive.ts).
 */
import { handleDirective, type SmartHomeDeps } from '../core/smart-home/directive';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { guardedHandler } from '../shared/guarded';
import { lambdaEntry, type LambdaContextLike } from '../shared/lambda-entry';
import { stdoutSink } from '../shared/log';
import { alexaClientSecretFromEnv, awsClients, requiredStoreFromEnv, smartHomeConfigFromEnv } from '../shared/smart-home-from-env';

export type SmartHomeHandlerDeps = SmartHomeDeps;

/** One directive in, Alexa's answer out (never throws); the deployment key first, one secret scope per directive. */
export function createSmartHomeHandler(deps: SmartHomeHandlerDeps) {
  const core: SmartHomeDeps = { ...deps, store: keyGatedStore(deps.store) };
  return guardedHandler(
    (event: unknown, context?: LambdaContextLike): Promise<unknown> =>
      handleDirective(event, core, { requestId: context?.awsRequestId ?? 'local', remainingMs: context?.getRemainingTimeInMillis?.() }),
  );
}

/** The Lambda entry point: settings from SMART_HOME_CONFIG, the table, the Alexa Client Secret and the skill Lambda to forward to. */
export const handler = lambdaEntry(() => {
  const config = smartHomeConfigFromEnv();
  const target = config.forwardTargetArn;
  return createSmartHomeHandler({
    config,
    store: requiredStoreFromEnv(),
    clientSecret: alexaClientSecretFromEnv(),
    forward: target ? async (directive) => (await awsClients()).invokeJson(target, directive) : undefined,
    forwardTarget: target,
    awsRegion: process.env.AWS_REGION,
    log: stdoutSink,
  });
});
