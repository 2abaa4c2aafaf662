/**
 * Where a Lambda's deployment key comes from (docs/security.md, "The per-deployment key"): the Secrets Manager
 * secret the stack generated, named by DEPLOYMENT_KEY_SECRET_ARN. It is read lazily, on the first
 * request of each instance, once: that request waits at most DEPLOYMENT_KEY_FIRST_WAIT_MS for it (a
 * cold container on a small memory size needs about 1–1.3 s of wall time to load the SDK and finish
 * the TLS handshake: docs/performance.md "Memory size"), a request after a failed or late read at most
 * DEPLOYMENT_KEY_WAIT_MS. The wait counts against the request's deadline (the token route measures
 * Alexa's 4.5 s from the invocation's arrival, lambda-entry.ts). A read that fails or is late is retried on the next request; meanwhile records carry ephemeral
 * fingerprints (`fpKey: "ephemeral"`) and the state table counts as unavailable, which every route
 * degrades from. The value is installed into the core (lambda/core/deployment-key.ts) and nowhere
 * else; it is never logged. The Secrets Manager client (the runtime's AWS SDK) is imported lazily.
 *
 * Without the variable (local mode, tests) the core takes ADAPTER_DEPLOYMENT_KEY or one key per run.
 */
import { FUNCTION_ENV } from '../contract/env';
import { deploymentKeyStatus, installDeploymentKey, markDeploymentKeyUnavailable } from '../core/deployment-key';
import { identifierName } from '../core/log-values';
import { StoreUnavailableError, type StateStore } from '../store/state-store';

export const DEPLOYMENT_KEY_SECRET_ENV = FUNCTION_ENV.deploymentKeySecretArn;
/** How long the first request of an instance waits for the key. */
export const DEPLOYMENT_KEY_FIRST_WAIT_MS = 2500;
/** How long a request waits for the key after a read failed or was late (the table is unavailable meanwhile). */
export const DEPLOYMENT_KEY_WAIT_MS = 1000;
/** How long the Secrets Manager call itself may take before it is abandoned and retried later. */
const READ_TIMEOUT_MS = 3000;

const LATE = Symbol('late');

export type SecretReader = (secretId: string, signal: AbortSignal) => Promise<string | undefined>;

async function readFromSecretsManager(secretId: string, signal: AbortSignal): Promise<string | undefined> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
  return out.SecretString;
}

/**
 * `ensure()` before each request: resolves when the key is installed, or when the wait is over
 * (the key is then marked unavailable for this request). A no-op once the key is installed, and
 * when no secret is configured.
 */
export function deploymentKeyLoader(
  env: NodeJS.ProcessEnv = process.env,
  read: SecretReader = readFromSecretsManager,
  waits: number | { first: number; later: number } = { first: DEPLOYMENT_KEY_FIRST_WAIT_MS, later: DEPLOYMENT_KEY_WAIT_MS },
): () => Promise<void> {
  const secretId = env[DEPLOYMENT_KEY_SECRET_ENV];
  if (!secretId) return async () => undefined;
  const { first, later } = typeof waits === 'number' ? { first: waits, later: waits } : waits;
  let installed = false;
  let waited = false;
  let pending: Promise<string | undefined> | undefined;
  let failure: string | undefined;

  const start = () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), READ_TIMEOUT_MS);
    failure = undefined;
    const p = read(secretId, controller.signal);
    pending = p;
    // A failed read is forgotten (the next request tries again); a late success is kept for the next one.
    p.catch((err: unknown) => {
      failure = controller.signal.aborted ? 'TimeoutError' : identifierName(err instanceof Error ? err.name : undefined);
      if (pending === p) pending = undefined;
    }).finally(() => clearTimeout(timer));
    return p;
  };

  return async () => {
    if (installed) return;
    const p = pending ?? start();
    const waitMs = waited ? later : first;
    waited = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), waitMs);
    });
    try {
      const value = await Promise.race([p, late]);
      if (value === LATE) {
        markDeploymentKeyUnavailable(`Secrets Manager did not answer within ${waitMs} ms`);
        return;
      }
      if (value === undefined) throw new Error('the deployment key secret has no string value');
      installDeploymentKey(value);
      installed = true;
    } catch (err) {
      pending = undefined;
      markDeploymentKeyUnavailable(failure ?? identifierName(err instanceof Error ? err.name : undefined));
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The store, or an unavailable one while the deployment key is (table keys cannot be derived without it). */
export function keyGatedStore(store: () => Promise<StateStore>): () => Promise<StateStore>;
export function keyGatedStore(store: (() => Promise<StateStore>) | undefined): (() => Promise<StateStore>) | undefined;
export function keyGatedStore(store: (() => Promise<StateStore>) | undefined): (() => Promise<StateStore>) | undefined {
  if (!store) return undefined;
  return () => {
    const status = deploymentKeyStatus();
    return status.ready ? store() : Promise.reject(new StoreUnavailableError(`deployment key unavailable (${status.reason})`));
  };
}
