/**
 * The per-deployment key (lambda/core/deployment-key.ts): keyed fingerprints and table keys that a
 * brute force of a 6-digit code cannot reverse, sealed payloads that need the key as well as the
 * secret, the states of the key (installed, unavailable, one per run), and the Lambda loader's
 * bounded, retried read (lambda/shared/deployment-key-from-env.ts).
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_KEY_ENV,
  deploymentKeyStatus,
  installDeploymentKey,
  markDeploymentKeyUnavailable,
  resetDeploymentKey,
} from '../../lambda/core/deployment-key';
import { fingerprint, publicFingerprint } from '../../lambda/core/fingerprint';
import { SealError, open, seal, secretKey } from '../../lambda/core/sealed';
import { deploymentKeyVerdict } from '../../lambda/core/exchange-record';
import { deploymentKeyLoader, keyGatedStore, DEPLOYMENT_KEY_FIRST_WAIT_MS, DEPLOYMENT_KEY_SECRET_ENV, DEPLOYMENT_KEY_WAIT_MS, type SecretReader } from '../../lambda/shared/deployment-key-from-env';
import { ALEXA_TOKEN_DEADLINE_MS } from '../../lambda/contract/deadlines';
import { StoreUnavailableError, type StateStore } from '../../lambda/store/state-store';

const KEY_A = 'a'.repeat(20) + 'deployment-key-A-0123456789';
const KEY_B = 'b'.repeat(20) + 'deployment-key-B-0123456789';

/** The documented construction, re-derived here: HMAC-SHA256 under HKDF(key, "alexa-link-adapter:fingerprint"), 12 hex. */
function expectedFingerprint(key: string, value: string): string {
  const sub = Buffer.from(hkdfSync('sha256', Buffer.from(key), Buffer.alloc(0), Buffer.from('alexa-link-adapter:fingerprint'), 32));
  return `fp:${createHmac('sha256', sub).update(value).digest('hex').slice(0, 12)}`;
}

afterEach(() => {
  // Back to the run's key (test/support/deployment-key-setup.ts) for the next test.
  resetDeploymentKey();
});

describe('keyed fingerprints', () => {
  it('are HMAC-SHA256 under the deployment key: equal within a deployment, different across deployments', () => {
    installDeploymentKey(KEY_A);
    const a1 = fingerprint('code-123456');
    expect(a1).toBe(expectedFingerprint(KEY_A, 'code-123456'));
    expect(fingerprint('code-123456')).toBe(a1);
    expect(fingerprint('code-123457')).not.toBe(a1);
    expect(publicFingerprint('code-123456')).toBe(a1);
    installDeploymentKey(KEY_B);
    expect(fingerprint('code-123456')).toBe(expectedFingerprint(KEY_B, 'code-123456'));
    expect(fingerprint('code-123456')).not.toBe(a1);
  });

  it('a brute force of a 6-digit code against its fingerprint finds nothing without the key (all 10^6 candidates)', () => {
    installDeploymentKey(KEY_A);
    const code = '481516';
    const fp = fingerprint(code)!;
    // The old construction, `fp:` + 12 hex of unsalted SHA-256, is what an attacker holding the log can test.
    const unkeyed = (c: string) => `fp:${createHash('sha256').update(c).digest('hex').slice(0, 12)}`;
    const control = unkeyed(code);
    const found: string[] = [];
    const foundControl: string[] = [];
    for (let n = 0; n < 1_000_000; n++) {
      const candidate = String(n).padStart(6, '0');
      const guess = unkeyed(candidate);
      if (guess === fp) found.push(candidate);
      if (guess === control) foundControl.push(candidate);
    }
    expect(found).toEqual([]);
    // The same pass recovers the code from an unkeyed fingerprint: the attack is real, so the empty result means something.
    expect(foundControl).toEqual([code]);
  });

  it('a brute force of the code-link table key and of its sealed payload finds nothing without the key', () => {
    installDeploymentKey(KEY_A);
    const code = '271828';
    const pk = `code-link#${secretKey(code, 'code-link')}`;
    const unkeyedKey = (c: string) => `code-link#${createHash('sha256').update(`code-link\u0000${c}`).digest('hex')}`;
    let hits = 0;
    for (let n = 0; n < 1_000_000; n++) if (unkeyedKey(String(n).padStart(6, '0')) === pk) hits += 1;
    expect(hits).toBe(0);
    // Even the right code does not open the payload under another deployment's key (the sealing key needs both).
    const sealed = seal('{"providerVerifier":"v"}', code, 'code-link');
    installDeploymentKey(KEY_B);
    expect(() => open(sealed, code, 'code-link')).toThrow(SealError);
    installDeploymentKey(KEY_A);
    expect(Buffer.from(open(sealed, code, 'code-link')).toString()).toBe('{"providerVerifier":"v"}');
  });

  it('table keys are keyed too: stable within a deployment, different across deployments, purpose-bound, 256-bit hex', () => {
    installDeploymentKey(KEY_A);
    const a = secretKey('t', 'a');
    expect(secretKey('t', 'a')).toBe(a);
    expect(secretKey('t', 'b')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    installDeploymentKey(KEY_B);
    expect(secretKey('t', 'a')).not.toBe(a);
  });
});

describe('states of the key', () => {
  it('refuses key material shorter than 32 characters', () => {
    expect(() => installDeploymentKey('short')).toThrow(/at least 32 characters/);
  });

  it('local mode and tests: the environment variable, else one key per run', () => {
    const saved = process.env[DEPLOYMENT_KEY_ENV];
    try {
      process.env[DEPLOYMENT_KEY_ENV] = KEY_A;
      resetDeploymentKey();
      expect(fingerprint('x-secret')).toBe(expectedFingerprint(KEY_A, 'x-secret'));
      delete process.env[DEPLOYMENT_KEY_ENV];
      resetDeploymentKey();
      const run1 = fingerprint('x-secret');
      resetDeploymentKey();
      const run2 = fingerprint('x-secret');
      expect(run1).not.toBe(run2);
      expect(deploymentKeyStatus()).toMatchObject({ ready: true });
    } finally {
      process.env[DEPLOYMENT_KEY_ENV] = saved;
    }
  });

  it('in Lambda without a loaded key: ephemeral fingerprints, fpKey "ephemeral", the table unavailable', async () => {
    const saved = process.env[DEPLOYMENT_KEY_ENV];
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'token';
    delete process.env[DEPLOYMENT_KEY_ENV];
    try {
      resetDeploymentKey();
      expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: 'not loaded' });
      expect(fingerprint('x-secret')).toMatch(/^fp:[0-9a-f]{12}$/);
      expect(() => secretKey('x-secret', 'refresh')).toThrow(StoreUnavailableError);
      expect(() => seal('p', 'x-secret', 'p')).toThrow(StoreUnavailableError);
      const store = keyGatedStore(() => Promise.resolve({} as StateStore))!;
      await expect(store()).rejects.toThrow(/deployment key unavailable \(not loaded\)/);
      expect(deploymentKeyVerdict()).toMatchObject({ code: 'deployment_key_unavailable', severity: 'warn' });
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      process.env[DEPLOYMENT_KEY_ENV] = saved;
    }
  });
});

describe('the Lambda loader (Secrets Manager, read once, bounded, retried)', () => {
  const env = { [DEPLOYMENT_KEY_SECRET_ENV]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf' };

  it('reads the secret once, on the first request, and installs it; later requests do not read again', async () => {
    let reads = 0;
    const read: SecretReader = async (id) => {
      reads += 1;
      expect(id).toBe(env[DEPLOYMENT_KEY_SECRET_ENV]);
      return KEY_A;
    };
    const ensure = deploymentKeyLoader(env, read, 200);
    expect(reads).toBe(0); // lazily: nothing at creation
    await ensure();
    await ensure();
    expect(reads).toBe(1);
    expect(fingerprint('y-secret')).toBe(expectedFingerprint(KEY_A, 'y-secret'));
    expect(deploymentKeyVerdict()).toBeUndefined();
  });

  it('a slow read: the request waits only its bound, goes on without the key; the late answer is used by the next request', async () => {
    let release!: (v: string) => void;
    let reads = 0;
    const read: SecretReader = () => {
      reads += 1;
      return new Promise((resolve) => (release = resolve));
    };
    const ensure = deploymentKeyLoader(env, read, 50);
    const t0 = Date.now();
    await ensure();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(deploymentKeyStatus()).toMatchObject({ ready: false, id: 'ephemeral' });
    expect(deploymentKeyVerdict()?.message).toMatch(/did not answer within 50 ms/);
    release(KEY_B);
    await ensure();
    expect(reads).toBe(1);
    expect(deploymentKeyStatus().ready).toBe(true);
    expect(fingerprint('z-secret')).toBe(expectedFingerprint(KEY_B, 'z-secret'));
  });

  it('the first request of an instance waits the longer first bound; a request after a late read waits the shorter one', async () => {
    const read: SecretReader = () => new Promise(() => undefined); // never answers
    const ensure = deploymentKeyLoader(env, read, { first: 300, later: 60 });
    let t0 = Date.now();
    await ensure();
    const firstWait = Date.now() - t0;
    expect(firstWait).toBeGreaterThanOrEqual(290);
    expect(deploymentKeyVerdict()?.message).toMatch(/did not answer within 300 ms/);
    t0 = Date.now();
    await ensure();
    expect(Date.now() - t0).toBeLessThan(firstWait);
    expect(deploymentKeyVerdict()?.message).toMatch(/did not answer within 60 ms/);
  });

  it('the default bounds: 2.5 s for a cold instance (the SDK load and TLS at a small memory size), 1 s after that', () => {
    expect(DEPLOYMENT_KEY_FIRST_WAIT_MS).toBe(2500);
    expect(DEPLOYMENT_KEY_WAIT_MS).toBe(1000);
    // Both leave the provider time inside Alexa's 4.5 s (the wait counts against the token route's deadline).
    expect(DEPLOYMENT_KEY_FIRST_WAIT_MS).toBeLessThan(ALEXA_TOKEN_DEADLINE_MS - 1500);
  });

  it('a failed read is retried by the next request; the reason names the error, never its message', async () => {
    let reads = 0;
    const read: SecretReader = async () => {
      reads += 1;
      if (reads === 1) {
        const err = new Error(`AccessDenied for ${KEY_A}`);
        err.name = 'AccessDeniedException';
        throw err;
      }
      return KEY_A;
    };
    const ensure = deploymentKeyLoader(env, read, 200);
    await ensure();
    expect(deploymentKeyStatus()).toEqual({ ready: false, id: 'ephemeral', reason: 'AccessDeniedException' });
    expect(JSON.stringify(deploymentKeyVerdict())).not.toContain(KEY_A);
    await ensure();
    expect(reads).toBe(2);
    expect(deploymentKeyStatus().ready).toBe(true);
  });

  it('a secret without a usable value (empty, too short) leaves the key unavailable', async () => {
    await deploymentKeyLoader(env, async () => undefined, 200)();
    expect(deploymentKeyStatus().ready).toBe(false);
    await deploymentKeyLoader(env, async () => 'too-short', 200)();
    expect(deploymentKeyStatus()).toMatchObject({ ready: false, reason: 'DeploymentKeyError' });
  });

  it('without the variable (local mode) the loader does nothing', async () => {
    let reads = 0;
    await deploymentKeyLoader({}, async () => {
      reads += 1;
      return KEY_A;
    })();
    expect(reads).toBe(0);
    markDeploymentKeyUnavailable('test');
    expect(deploymentKeyStatus().ready).toBe(false);
  });
});
