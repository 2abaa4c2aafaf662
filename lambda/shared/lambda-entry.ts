/**
 * The Lambda entry point of a handler (`export const handler` of each file under lambda/handlers/):
 * the handler is built by its `create*Handler` factory from the environment on the first invocation
 * and reused by every later one. Built on the first invocation, not at module load, so a bad
 * configuration fails that invocation with a ConfigError in the log (and is tried again on the next),
 * instead of failing the container's init.
 */
import type { Context } from 'aws-lambda';

/** What the handlers use of Lambda's context; local mode and the tests pass this much. */
export type LambdaContextLike = Pick<Context, 'awsRequestId'> &
  Partial<Pick<Context, 'getRemainingTimeInMillis'>> & {
    /**
     * Epoch ms when the invocation reached the entry point, before the handler was built and the
     * deployment key read: Alexa's 4.5 s are measured from here (lambda/core/deadline.ts), not from
     * the moment the core starts.
     */
    receivedAt?: number;
  };

export function lambdaEntry<E, R>(create: () => (event: E, context?: LambdaContextLike) => Promise<R>): (event: E, context: Context) => Promise<R> {
  let built: ((event: E, context?: LambdaContextLike) => Promise<R>) | undefined;
  return async (event, context) => {
    const receivedAt = Date.now();
    // The runtime's context stays as it is (its methods included); the arrival time rides on a child of it.
    const stamped: LambdaContextLike = Object.assign(Object.create(context) as Context, { receivedAt });
    return (built ??= create())(event, stamped);
  };
}
