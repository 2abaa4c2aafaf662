/**
 * Where Sign in with Apple's private key (.p8, PEM) comes from: `APPLE_PRIVATE_KEY` (PEM text) or
 * `APPLE_PRIVATE_KEY_FILE` (a path) for local mode and tests, else the Secrets Manager secret named
 * by the configuration's `applePrivateKeySecretArn`. The Secrets Manager client (the AWS SDK, which
 * the Lambda runtime provides) is imported lazily, on the first Apple token request only.
 */
import { readFile } from 'node:fs/promises';
import { LOCAL_ENV } from '../contract/env';

export function appleKeyLoader(secretArn: string | undefined, env: NodeJS.ProcessEnv = process.env): (() => Promise<string>) | undefined {
  const pem = env[LOCAL_ENV.applePrivateKey];
  if (pem) return async () => pem;
  const file = env[LOCAL_ENV.applePrivateKeyFile];
  if (file) return () => readFile(file, 'utf8');
  if (!secretArn) return undefined;
  return async () => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!out.SecretString) throw new Error('the Apple key secret has no string value');
    return out.SecretString;
  };
}
