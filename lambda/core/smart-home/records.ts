/**
 * Records of the smart-home routes (`AcceptGrant`, `directive`, `lwa_refresh`, `POST /events`):
 * the shared envelope plus what each step did. Secrets appear only as fingerprints; the grantee
 * token's fingerprint equals the token record's `tokens.accessTokenFp`, which ties AcceptGrant and
 * gateway records into the link's timeline.
 */
import { closeRecord } from '../../contract/record';
import { releaseRecord, startRecord, type RecordBase } from '../exchange-record';
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
  return startRecord(route, requestId, start, {});
}

/** Timing filled in, and the record as it may leave: through the last gate (exchange-record.ts releaseRecord), in the request's secret scope. */
export function finishRecord(record: SmartHomeRecord, start: number, now: () => number): SmartHomeRecord {
  return releaseRecord(closeRecord(record, start, now()));
}

export type SmartHomeSink = (record: object) => void;
