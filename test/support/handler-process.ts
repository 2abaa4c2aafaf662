/**
 * Several instances of a real handler as separate OS processes, the way Lambda runs concurrent
 * requests: each process has its own module state, SDK client and connection pool, and they share
 * only what deployed instances share (the DynamoDB table, the provider). Use it to show a promise
 * holds across instances, e.g. with the table behind a fault proxy (dynamodb-proxy.ts):
 *
 *   const a = await startHandlerProcess({ config, tableName, dynamoDbEndpoint: proxy.endpoint });
 *   const res = await alexaTokenRequest(a.url, …);   a.records   // exchange records from its stdout
 *   await a.stop();
 *
 * The child runs test/support/handler-process-main.ts with tsx: the handler's Lambda entry point,
 * configured from ADAPTER_CONFIG and TABLE_NAME like the deployed function, behind the API Gateway
 * stand-in (local/api-gateway.ts, 5 s function timeout).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEPLOYMENT_KEY_ENV } from '../../lambda/core/deployment-key';
import type { ExchangeRecord } from '../../lambda/core/exchange-record';
import { readBack } from './read-back';

export interface HandlerProcessOptions {
  /** Which Lambda entry point; default `token`. */
  handler?: 'token' | 'authorize';
  /** The runtime configuration (ADAPTER_CONFIG). */
  config: Record<string, unknown>;
  /** TABLE_NAME; none: the handler runs without a state table. */
  tableName?: string;
  /** AWS_ENDPOINT_URL_DYNAMODB: DynamoDB Local, or a proxy in front of it. */
  dynamoDbEndpoint?: string;
  /** More environment (e.g. AWS_MAX_ATTEMPTS). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface HandlerProcess {
  url: string;
  pid: number;
  /** Exchange records the process wrote to stdout, in order, as the CLI reads them (read-back.ts). */
  records: ExchangeRecord[];
  /** Everything else it wrote (stdout lines that are not records, and stderr). */
  output(): string;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./handler-process-main.ts', import.meta.url));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

export async function startHandlerProcess(options: HandlerProcessOptions): Promise<HandlerProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HANDLER: options.handler ?? 'token',
    ADAPTER_CONFIG: JSON.stringify(options.config),
    // What the Lambda runtime provides, with credentials DynamoDB Local accepts.
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...(options.tableName ? { TABLE_NAME: options.tableName } : {}),
    ...(options.dynamoDbEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint } : {}),
    // Instances of one deployment share its key (test/support/deployment-key-setup.ts): table keys of
    // one refresh token must be equal across instances, or there is nothing to coordinate on.
    ...(process.env[DEPLOYMENT_KEY_ENV] ? { [DEPLOYMENT_KEY_ENV]: process.env[DEPLOYMENT_KEY_ENV] } : {}),
    ...options.env,
  };
  const child = fork(MAIN, [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const records: ExchangeRecord[] = [];
  let other = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as ExchangeRecord;
        if (parsed && parsed.type === 'alexa-link-adapter.exchange') {
          records.push(readBack<ExchangeRecord>(parsed));
          continue;
        }
      } catch {
        /* not a record */
      }
      if (other.length < 100_000) other += `${line}\n`;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (other.length < 100_000) other += chunk.toString('utf8');
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited(child);
      clearTimeout(killer);
    }
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`handler process did not start within ${timeoutMs} ms:\n${other}`)), timeoutMs);
      child.once('message', (m: { ready?: string }) => {
        clearTimeout(timer);
        if (m.ready) resolve(m.ready);
        else reject(new Error(`unexpected message from the handler process: ${JSON.stringify(m)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`handler process exited with code ${code} before listening:\n${other}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, records, output: () => other, stop };
}
