/**
 * The smart-home and events functions as Lambda runs them, for tests: each call goes through the
 * handler's factory (lambda/handlers/smart-home.ts, events.ts), so the deployment key gate and the
 * secret scope wrap it exactly as in a deployment; only the dependencies are the test's.
 */
import type { SmartHomeDeps } from '../../lambda/core/smart-home/directive';
import type { GatewayDeps, SendEventResult } from '../../lambda/core/smart-home/event-gateway';
import { createEventsHandler } from '../../lambda/handlers/events';
import { createSmartHomeHandler } from '../../lambda/handlers/smart-home';

/** Lambda's context: the request id and, when given, a fixed remaining time. */
const context = (awsRequestId: string, remainingMs?: number) => ({ awsRequestId, ...(remainingMs !== undefined ? { getRemainingTimeInMillis: () => remainingMs } : {}) });

/** One directive (what Alexa sends) through the smart-home function; Alexa's answer. */
export function invokeSmartHome(event: unknown, deps: SmartHomeDeps, o: { requestId: string; remainingMs?: number }): Promise<unknown> {
  return createSmartHomeHandler(deps)(event, context(o.requestId, o.remainingMs));
}

/** One send request (what the user's code sends) through the events function; its answer. */
export function invokeEvents(request: unknown, deps: GatewayDeps, requestId: string): Promise<SendEventResult> {
  return createEventsHandler(deps)(request, context(requestId));
}
