/**
 * Alexa's deadlines and the Lambda timeouts derived from them, once. The core bounds each request by
 * these (lambda/core/deadline.ts), the stack sets the functions' timeouts from them, local mode gives
 * its handlers the same remaining time, and the CLI judges recorded timings against them.
 */
import type { HandlerName } from './routes';

/** Alexa's deadline for the whole token answer, in ms (Alexa docs: configure-authorization-code-grant, "respond within 4.5 seconds"). */
export const ALEXA_TOKEN_DEADLINE_MS = 4500;

/**
 * Kept back from Alexa's deadline (and from the Lambda's remaining time): shaping the answer, writing
 * the record, and the way back through API Gateway after the handler returns (lambda/core/deadline.ts).
 */
export const ANSWER_MARGIN_MS = 250;

/** A token request's deadline when the Lambda has time enough: what a record's `timing.deadlineMs` usually is (left out then, record v2). */
export const TOKEN_BUDGET_MS = ALEXA_TOKEN_DEADLINE_MS - ANSWER_MARGIN_MS;

/** Alexa's deadline for a smart-home directive's answer, in ms (Alexa docs: smarthome/troubleshooting-guide, SKILL_RESPONSE_TIMEOUT_EXCEPTION after 8 seconds). */
export const ALEXA_DIRECTIVE_DEADLINE_MS = 8000;

/**
 * Lambda timeout of each function, in ms (whole seconds: Lambda's unit).
 * - token: 5 s. Alexa abandons the token request after 4.5 s, so running longer only burns money; it
 *   must stay above the upstream budget (`upstreamTimeoutMs`, default 4 s) so the handler can still
 *   answer with a shaped OAuth error after the upstream call is aborted, instead of being killed mid-flight.
 * - authorize: 5 s, the same reasoning (the implicit-grant callback calls the provider's token endpoint).
 * - smart-home: Alexa's 8 s for a directive.
 * - events: 15 s, invoked by the user's own code (an LWA refresh plus the gateway call with a retry).
 */
export const FUNCTION_TIMEOUT_MS = {
  token: 5000,
  authorize: 5000,
  'smart-home': ALEXA_DIRECTIVE_DEADLINE_MS,
  events: 15_000,
} as const satisfies Record<HandlerName, number>;
