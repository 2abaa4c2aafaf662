/**
 * lambda/shared/lambda-entry.ts: the arrival stamp every handler's deadline runs from, taken before the
 * handler is built (first invocation) and before the deployment key is read.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaEntry, type LambdaContextLike } from '../../lambda/shared/lambda-entry';

describe('lambdaEntry', () => {
  it('hands the handler Lambda\'s context with the arrival time, stamped before a slow first build', async () => {
    const seen: { receivedAt?: number; id: string; remaining?: number }[] = [];
    let builds = 0;
    const entry = lambdaEntry(() => {
      builds += 1;
      const until = Date.now() + 60; // a slow cold build (configuration parsing, profile resolution)
      while (Date.now() < until);
      return async (_event: unknown, context?: LambdaContextLike) => {
        seen.push({ receivedAt: context?.receivedAt, id: context!.awsRequestId, remaining: context?.getRemainingTimeInMillis?.() });
        return Date.now();
      };
    });
    const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 4321 } as unknown as Context;
    const before = Date.now();
    const handledAt = await entry({}, context);
    await entry({}, { ...context, awsRequestId: 'r2' } as Context);
    expect(builds).toBe(1);
    expect(seen[0]).toMatchObject({ id: 'r1', remaining: 4321 });
    expect(seen[0]!.receivedAt).toBeGreaterThanOrEqual(before);
    // The stamp precedes the build: the handler ran at least the build's 60 ms after it.
    expect(handledAt - seen[0]!.receivedAt!).toBeGreaterThanOrEqual(55);
    expect(seen[1]!.id).toBe('r2');
    // Lambda's own context object is left untouched.
    expect((context as LambdaContextLike).receivedAt).toBeUndefined();
  });
});
