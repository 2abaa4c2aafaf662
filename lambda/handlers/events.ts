/**
 * Event Gateway sender for the user's own code, invoked with IAM (lambda:InvokeFunction):
 *
 *   aws lambda invoke --function-name <EventsFunctionArn> --payload '{"granteeToken":"…","message":{"event":{…}}}' out.json
 *
 * Answers {status, accepted, code, message}; the LWA token and `scope.token` are filled in here.
 */
import type { Context } from 'aws-lambda';
import { parseSmartHomeConfig } from '../core/smart-home/config';
import { sendEvent, type GatewayDeps, type SendEventRequest, type SendEventResult } from '../core/smart-home/event-gateway';
import { keyGatedStore } from '../shared/deployment-key-from-env';
import { guardedHandler } from '../shared/guarded';
import { stdoutSink } from '../shared/log';
import { storeFromEnv } from '../shared/store-from-env';
import { cachedSecret } from './smart-home';

let deps: GatewayDeps | undefined;

/** The deployment key first (once per instance); the core runs each event in its own secret scope. */
export const handler = /* @__PURE__ */ guardedHandler(async (event: unknown, context: Context): Promise<SendEventResult> => {
  if (!deps) {
    const store = keyGatedStore(storeFromEnv());
    if (!store) throw new Error('TABLE_NAME is not set');
    const secretId = process.env.ALEXA_CLIENT_SECRET_ARN ?? '';
    deps = {
      config: parseSmartHomeConfig(JSON.parse(process.env.SMART_HOME_CONFIG ?? '{}')),
      store,
      clientSecret: cachedSecret(async () => (secretId ? (await import('../shared/aws-clients')).readSecret(secretId) : undefined)),
      log: stdoutSink,
    };
  }
  return sendEvent(event as SendEventRequest, deps, context.awsRequestId);
});
