/**
 * What every handler does around its core, so no route can skip it: load the deployment key (once
 * per instance), run the request in its own secret scope, and let its record and its answer out only
 * through the guard (lambda/core/record-guard.ts).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { releaseRecord, type RecordBase } from '../core/exchange-record';
import type { HttpAnswer } from '../core/http-types';
import { guardAnswer } from '../core/record-guard';
import { withSecretScope } from '../core/secret-scope';
import { toApiGatewayResult } from './apigw';
import { deploymentKeyLoader } from './deployment-key-from-env';
import type { RecordSink } from './log';

/** `handle`, preceded by the deployment key and run in a fresh secret scope per call. */
export function guardedHandler<A extends unknown[], R>(handle: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  const ensureKey = deploymentKeyLoader();
  return async (...args: A) => {
    await ensureKey();
    return withSecretScope(() => handle(...args));
  };
}

/** Writes the record through the last gate (exchange-record.ts releaseRecord) and returns the guarded answer. */
export function emitGuarded(result: { record: RecordBase; answer: HttpAnswer }, log: RecordSink): APIGatewayProxyStructuredResultV2 {
  log(releaseRecord(result.record));
  return toApiGatewayResult(guardAnswer(result.answer));
}
