/**
 * The Lambda entry point of a handler (`export const handler` of each file under lambda/handlers/):
 * the handler is built by its `create*Handler` factory from the environment on the first invocation
 * and reused by every later one. Built on the first invocation, not at module load, so a bad
 * configuration fails that invocation with a ConfigError in the log (and is tried again on the next),
 * instead of failing the container's init.
 */
import type { Context } from 'aws-lambda';

/** What the handlers use of Lambda's context; local mode and the tests pass this much. */
export type LambdaContextLike = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

export function lambdaEntry<E, R>(create: () => (event: E, context?: LambdaContextLike) => Promise<R>): (event: E, context: Context) => Promise<R> {
  let built: ((event: E, context?: LambdaContextLike) => Promise<R>) | undefined;
  return async (event, context) => (built ??= create())(event, context);
}
