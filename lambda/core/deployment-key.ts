/**
 * The per-deployment secret key (docs/security.md, "The per-deployment key"). Every fingerprint in the log,
 * every table key derived from a secret and every sealed payload depend on it, so neither a copy
 * of the log nor a dump of the table can be brute-forced back to a low-entropy secret (a 6-digit
 * code is 10^6 guesses: about a second against an unkeyed hash).
 *
 * One key per process, fixed for its life: the Lambda handlers load it from the stack's Secrets
 * Manager secret on their first request (lambda/shared/deployment-key-from-env.ts) and install it
 * here; local mode and tests take `ADAPTER_DEPLOYMENT_KEY` from the environment (processes sharing
 * a table must share the key) or generate one per run. Purpose-bound subkeys are derived with
 * HKDF-SHA256 (RFC 5869); the key itself is never logged, returned or stored anywhere else.
 *
 * When a Lambda cannot load it (Secrets Manager unreachable within its bound): fingerprints use a
 * random key of this instance only (records say `fpKey: "ephemeral"`, so they are not compared
 * with others), and everything that addresses the table fails as an unavailable store, which each
 * route already degrades from (docs/security.md: what happens when the key is unreachable).
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { LOCAL_ENV } from '../contract/env';
import { StoreUnavailableError } from '../store/state-store';

/** Local mode and tests: the key material (any string of at least MIN_KEY_LENGTH characters). */
export const DEPLOYMENT_KEY_ENV = LOCAL_ENV.deploymentKey;
/** Shortest key material accepted (characters): 32 random alphanumerics carry about 190 bits. */
export const MIN_KEY_LENGTH = 32;

interface DerivedKeys {
  /** Public id of the key (`k:` + 8 hex): tells records made with different keys apart, reveals nothing. */
  id: string;
  fingerprint: Buffer;
  table: Buffer;
  seal: Buffer;
}

type State = { kind: 'ready'; keys: DerivedKeys } | { kind: 'unavailable'; reason: string; ephemeral: DerivedKeys };

let state: State | undefined;

function subkey(material: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), Buffer.from(`alexa-link-adapter:${purpose}`, 'utf8'), 32));
}

function derive(material: Uint8Array, id?: string): DerivedKeys {
  return {
    id: id ?? `k:${createHmac('sha256', subkey(material, 'key-id')).update('id').digest('hex').slice(0, 8)}`,
    fingerprint: subkey(material, 'fingerprint'),
    table: subkey(material, 'table-key'),
    seal: subkey(material, 'seal'),
  };
}

export class DeploymentKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentKeyError';
  }
}

/** Installs the key material (the secret's string, or bytes). Throws when it is too short to be a key. */
export function installDeploymentKey(material: string | Uint8Array): void {
  const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : Buffer.from(material);
  const length = typeof material === 'string' ? material.length : bytes.length;
  if (length < MIN_KEY_LENGTH) throw new DeploymentKeyError(`the deployment key must be at least ${MIN_KEY_LENGTH} characters long`);
  state = { kind: 'ready', keys: derive(bytes) };
}

/** The key could not be loaded: fingerprints fall back to this instance's own random key; the table is unavailable. */
export function markDeploymentKeyUnavailable(reason: string): void {
  if (state?.kind === 'unavailable') {
    state = { ...state, reason };
    return;
  }
  state = { kind: 'unavailable', reason, ephemeral: derive(randomBytes(32), 'ephemeral') };
}

/** Tests only: forget the key, so the next use resolves it again. */
export function resetDeploymentKey(): void {
  state = undefined;
}

function current(): State {
  if (state) return state;
  const fromEnv = process.env[DEPLOYMENT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      installDeploymentKey(fromEnv);
    } catch {
      markDeploymentKeyUnavailable(`${DEPLOYMENT_KEY_ENV} is shorter than ${MIN_KEY_LENGTH} characters`);
    }
  } else if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    // In Lambda the handler installs the key before the core runs; reaching here means it did not.
    markDeploymentKeyUnavailable('not loaded');
  } else {
    // Local mode, tests, bench: one key per run (README).
    state = { kind: 'ready', keys: derive(randomBytes(32)) };
  }
  return state!;
}

/** Whether the table may be addressed (the key is loaded), and the public id records carry as `fpKey`. */
export function deploymentKeyStatus(): { ready: boolean; id: string; reason?: string } {
  const s = current();
  return s.kind === 'ready' ? { ready: true, id: s.keys.id } : { ready: false, id: s.ephemeral.id, reason: s.reason };
}

/** Key of log fingerprints: the deployment's, or this instance's ephemeral one while it is unavailable. */
export function fingerprintKey(): Buffer {
  const s = current();
  return s.kind === 'ready' ? s.keys.fingerprint : s.ephemeral.fingerprint;
}

function readyKeys(): DerivedKeys {
  const s = current();
  // The table cannot be addressed consistently without the deployment's key: an unavailable store.
  if (s.kind !== 'ready') throw new StoreUnavailableError(`deployment key unavailable (${s.reason})`);
  return s.keys;
}

/** Key of table keys (`grant#…`, `refresh#…`): throws StoreUnavailableError while the key is unavailable. */
export const tableKeyKey = (): Buffer => readyKeys().table;
/** Key mixed into every sealing key: throws StoreUnavailableError while the key is unavailable. */
export const sealingKey = (): Buffer => readyKeys().seal;
