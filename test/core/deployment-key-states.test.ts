/**
 * The per-deployment key's derivations and states (lambda/core/deployment-key.ts), re-derived here
 * by the book (README "The per-deployment key"): the key id records carry, the table-key and sealing
 * subkeys, what counts as key material, and the states an instance moves through (from the
 * environment, per run, unavailable with an ephemeral key, installed late).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_KEY_ENV,
  DeploymentKeyError,
  MIN_KEY_LENGTH,
  deploymentKeyStatus,
  fingerprintKey,
  installDeploymentKey,
  markDeploymentKeyUnavailable,
  resetDeploymentKey,
  sealingKey,
  tableKeyKey,
} from '../../lambda/core/deployment-key';
import { fingerprint } from '../../lambda/core/fingerprint';
import { secretKey } from '../../lambda/core/sealed';
import { StoreUnavailableError } from '../../lambda/store/state-store';

const KEY = 'k'.repeat(12) + 'deployment-key-states-0123456789';
const sub = (material: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), Buffer.from(`alexa-link-adapter:${purpose}`, 'utf8'), 32));
const keyId = (material: Buffer) => `k:${createHmac('sha256', sub(material, 'key-id')).update('id').digest('hex').slice(0, 8)}`;

/** Runs `fn` with the environment variables set (undefined: removed), restoring them after. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    resetDeploymentKey();
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

afterEach(() => resetDeploymentKey());

describe('derivations (HKDF-SHA256 per purpose, RFC 5869)', () => {
  it('the key id, the fingerprint, table-key and sealing subkeys are the documented ones', () => {
    installDeploymentKey(KEY);
    const material = Buffer.from(KEY, 'utf8');
    expect(deploymentKeyStatus()).toEqual({ ready: true, id: keyId(material) });
    expect(fingerprintKey()).toEqual(sub(material, 'fingerprint'));
    expect(tableKeyKey()).toEqual(sub(material, 'table-key'));
    expect(sealingKey()).toEqual(sub(material, 'seal'));
    expect(secretKey('c0de', 'code-link')).toBe(createHmac('sha256', sub(material, 'table-key')).update('code-link\u0000c0de').digest('hex'));
    // Four different keys: no purpose can stand in for another.
    expect(new Set([fingerprintKey().toString('hex'), tableKeyKey().toString('hex'), sealingKey().toString('hex'), keyId(material)]).size).toBe(4);
  });

  it('key material as bytes is used as it is', () => {
    const bytes = Buffer.from('b'.repeat(32), 'utf8');
    installDeploymentKey(new Uint8Array(bytes));
    expect(deploymentKeyStatus().id).toBe(keyId(bytes));
  });
});

describe('what counts as key material', () => {
  it(`a string of at least ${MIN_KEY_LENGTH} characters (characters, not bytes), or at least ${MIN_KEY_LENGTH} bytes`, () => {
    expect(MIN_KEY_LENGTH).toBe(32);
    expect(() => installDeploymentKey('x'.repeat(32))).not.toThrow();
    const short = 'é'.repeat(31); // 62 bytes, 31 characters
    expect(() => installDeploymentKey(short)).toThrow(new DeploymentKeyError('the deployment key must be at least 32 characters long'));
    expect(() => installDeploymentKey(new Uint8Array(32))).not.toThrow();
    expect(() => installDeploymentKey(new Uint8Array(31))).toThrow(DeploymentKeyError);
    try {
      installDeploymentKey('');
    } catch (err) {
      expect((err as Error).name).toBe('DeploymentKeyError');
    }
  });

  it('a refused key leaves the installed one in place', () => {
    installDeploymentKey(KEY);
    const before = deploymentKeyStatus();
    expect(() => installDeploymentKey('short')).toThrow();
    expect(deploymentKeyStatus()).toEqual(before);
  });
});

describe('where the key comes from', () => {
  it(`${DEPLOYMENT_KEY_ENV} in the environment`, () => {
    withEnv({ [DEPLOYMENT_KEY_ENV]: KEY, AWS_LAMBDA_FUNCTION_NAME: undefined }, () => {
      expect(deploymentKeyStatus()).toEqual({ ready: true, id: keyId(Buffer.from(KEY)) });
    });
  });

  it(`${DEPLOYMENT_KEY_ENV} too short: unavailable, and the reason says so (never the value)`, () => {
    withEnv({ [DEPLOYMENT_KEY_ENV]: 'too-short-key', AWS_LAMBDA_FUNCTION_NAME: undefined }, () => {
      expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: `${DEPLOYMENT_KEY_ENV} is shorter than 32 characters` });
      expect(() => tableKeyKey()).toThrow(new StoreUnavailableError(`deployment key unavailable (${DEPLOYMENT_KEY_ENV} is shorter than 32 characters)`));
      expect(() => sealingKey()).toThrow(StoreUnavailableError);
      expect(fingerprint('x-secret')).toMatch(/^fp:[0-9a-f]{12}$/);
    });
  });

  it(`an empty ${DEPLOYMENT_KEY_ENV} counts as unset: one key per run outside Lambda, unavailable in Lambda`, () => {
    withEnv({ [DEPLOYMENT_KEY_ENV]: '', AWS_LAMBDA_FUNCTION_NAME: undefined }, () => {
      const status = deploymentKeyStatus();
      expect(status.ready).toBe(true);
      expect(status.id).toMatch(/^k:[0-9a-f]{8}$/);
      // Stable for the run.
      expect(deploymentKeyStatus()).toEqual(status);
    });
    withEnv({ [DEPLOYMENT_KEY_ENV]: '', AWS_LAMBDA_FUNCTION_NAME: 'token' }, () => {
      expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: 'not loaded' });
    });
  });
});

describe('unavailable, then installed', () => {
  it('fingerprints use this instance\'s own ephemeral key, stable while unavailable, different from the deployment\'s', () => {
    installDeploymentKey(KEY);
    const deployment = fingerprint('x-secret');
    markDeploymentKeyUnavailable('ThrottlingException');
    expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: 'ThrottlingException' });
    const ephemeral = fingerprint('x-secret');
    expect(ephemeral).not.toBe(deployment);
    // A second failure updates the reason and keeps the ephemeral key (records of the instance stay comparable).
    markDeploymentKeyUnavailable('TimeoutError');
    expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: 'TimeoutError' });
    expect(fingerprint('x-secret')).toBe(ephemeral);
    expect(() => secretKey('x-secret', 'refresh')).toThrow(new StoreUnavailableError('deployment key unavailable (TimeoutError)'));
    // The key arrives: the deployment's fingerprints and table again.
    installDeploymentKey(KEY);
    expect(deploymentKeyStatus().ready).toBe(true);
    expect(fingerprint('x-secret')).toBe(deployment);
  });

  it('each instance that starts unavailable gets its own ephemeral key', () => {
    markDeploymentKeyUnavailable('a');
    const one = fingerprint('x-secret');
    resetDeploymentKey();
    markDeploymentKeyUnavailable('a');
    expect(fingerprint('x-secret')).not.toBe(one);
  });
});
