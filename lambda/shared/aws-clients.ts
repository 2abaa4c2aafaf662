/**
 * Secrets Manager and Lambda calls of the smart-home handlers. Imported lazily (see
 * store-from-env.ts): a cold start pays for loading these runtime-provided SDK clients only on the
 * paths that need them.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let secrets: SecretsManagerClient | undefined;
let lambda: LambdaClient | undefined;

/** The secret's string, or undefined when it has no value yet. */
export async function readSecret(secretId: string): Promise<string | undefined> {
  secrets ??= new SecretsManagerClient({});
  try {
    return (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    // A secret created without a value has no AWSCURRENT version yet.
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export class ForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardError';
  }
}

/** Invokes the skill Lambda synchronously and returns its JSON answer unchanged. */
export async function invokeJson(functionArn: string, payload: unknown): Promise<unknown> {
  lambda ??= new LambdaClient({});
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  if (out.FunctionError) throw new ForwardError(`the skill Lambda failed (${out.FunctionError.slice(0, 40)})`);
  return JSON.parse(new TextDecoder().decode(out.Payload ?? new Uint8Array()));
}
