/**
 * Records of the smart-home routes (`AcceptGrant`, `directive`, `lwa_refresh`, `POST /events`):
 * the shared envelope plus what each step did. Secrets appear only as fingerprints; the grantee
 * token's fingerprint equals the token record's `tokens.accessTokenFp`, which ties AcceptGrant and
 * gateway records into the link's timeline.
 */
import { RECORD_TYPE } from '../../contract/record-type';
import { deploymentKeyStatus } from '../deployment-key';
import { requestIdText, type RecordBase, type Verdict } from '../exchange-record';
import { guardRecord } from '../record-guard';
import type { LwaCallSummary } from './lwa-client';

export type SmartHomeOutcome = 'success' | 'rejected' | 'provider_error' | 'upstream_error' | 'config_error' | 'adapter_error';

export interface SmartHomeRecord extends RecordBase {
  outcome: SmartHomeOutcome;
  /** Header of the directive Alexa sent (messageId clipped; correlationToken only as present/absent). */
  directive?: { namespace?: string; name?: string; messageId?: string; payloadVersion?: string; correlationTokenPresent?: boolean };
  /** fingerprint(grantee token) = the token record's `tokens.accessTokenFp`. */
  granteeTokenFp?: string;
  grantCodeFp?: string;
  /** Fingerprint of the stable user key the grantee token maps to. */
  userKeyFp?: string;
  /** The Login with Amazon call, if one was made. */
  lwa?: LwaCallSummary & { grantType: 'authorization_code' | 'refresh_token' };
  /** Fingerprints of the LWA tokens received. */
  lwaTokens?: { accessTokenFp?: string; refreshTokenFp?: string; expiresIn?: number };
  /** The Event Gateway call(s). */
  gateway?: { url: string; region?: string; attempts: number; status?: number; code?: string; eventNamespace?: string; eventName?: string };
  /** Where a non-AcceptGrant directive went. */
  forward?: { target: string; outcome: 'answered' | 'failed' | 'no_target'; latencyMs?: number };
  /** What Alexa (or the caller) received. */
  response?: { namespace?: string; name?: string; type?: string; status?: number };
}

export function newRecord(route: string, requestId: string, start: number): SmartHomeRecord {
  return {
    type: RECORD_TYPE,
    v: 1,
    time: new Date(start).toISOString(),
    requestId: requestIdText(requestId),
    fpKey: deploymentKeyStatus().id,
    route,
    outcome: 'success',
    timing: { totalMs: 0, upstreamMs: 0, ownMs: 0 },
    verdicts: [],
  };
}

/** Timing filled in, and the record as it may leave: through the guard (record-guard.ts), in the request's secret scope. */
export function finishRecord(record: SmartHomeRecord, start: number, now: () => number): SmartHomeRecord {
  record.timing.totalMs = now() - start;
  record.timing.ownMs = Math.max(0, record.timing.totalMs - record.timing.upstreamMs);
  return guardRecord(record);
}

export const verdict = (code: string, severity: Verdict['severity'], message: string): Verdict => ({ code, severity, message });

export type SmartHomeSink = (record: object) => void;
