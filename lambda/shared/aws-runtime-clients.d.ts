/**
 * The slice of two AWS SDK v3 clients the smart-home handlers use. The Lambda Node.js runtime
 * provides the whole SDK v3 and bundles leave `@aws-sdk/*` external; the project pins every
 * `@aws-sdk` package to 3.1169.0, a version these two clients were never published in (latest
 * 3.1164.0), so they are not installed and these declarations stand in for their types.
 */
declare module '@aws-sdk/client-secrets-manager' {
  export class SecretsManagerClient {
    constructor(config?: Record<string, unknown>);
    send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
  }
  export class GetSecretValueCommand {
    constructor(input: { SecretId: string });
  }
}

declare module '@aws-sdk/client-lambda' {
  export class LambdaClient {
    constructor(config?: Record<string, unknown>);
    send(command: InvokeCommand): Promise<{ StatusCode?: number; FunctionError?: string; Payload?: Uint8Array }>;
  }
  export class InvokeCommand {
    constructor(input: { FunctionName: string; Payload?: Uint8Array; InvocationType?: 'RequestResponse' });
  }
}
