/**
 * Amazon DynamoDB Local for tests that need DynamoDB's real semantics: condition expressions,
 * UpdateTimeToLive, transactions, PartiQL. Needs `java` on PATH (CI installs openjdk-17-jre-headless);
 * starts in about 2 s, so start it once per test file:
 *
 *   const ddb = useDynamoDbLocal();            // beforeAll starts it, afterAll stops it
 *   it('…', async () => { const client = ddb().client(); … });
 *
 * We launch the jar ourselves instead of calling the npm package's `spawn()`: that helper offers no
 * way to pass `-disableTelemetry` (DynamoDB Local ≥ 2.5 sends telemetry otherwise) and waits for
 * nothing. It listens on every interface (it has no bind-address option); clients use 127.0.0.1.
 *
 * Where the jar comes from, and why it is not a dependency: ./dynamodb-local-jar.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { dynamoDbLocalJar } from './dynamodb-local-jar';

export { dynamoDbLocalJar };

export interface DynamoDbLocal {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  /** A new client for this instance (static dummy credentials, no retries); destroyed on stop(). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Milliseconds to wait for the first answer (default 30 s: a cold JVM on a busy CI runner). */
  startTimeoutMs?: number;
}

/** A port that was free on loopback a moment ago (the JVM binds it shortly after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function dynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/**
 * Who answers a ListTables call at `endpoint`: its `Server` header (DynamoDB Local: `Jetty(…)`) and
 * status; undefined while nothing answers.
 */
async function answerAt(endpoint: string): Promise<{ server: string; status: number } | undefined> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return { server: res.headers.get('server') ?? '', status: res.status };
  } catch {
    return undefined;
  }
}

async function startOnce(port: number, timeoutMs: number): Promise<DynamoDbLocal> {
  const { jar, libDir, cwd } = dynamoDbLocalJar();
  const child = spawn('java', [`-Djava.library.path=${libDir}`, '-jar', jar, '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  // Never leave a JVM behind when the test process ends without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const stop = async () => {
    process.off('exit', killOnExit);
    for (const c of clients.splice(0)) c.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitOf(child);
      clearTimeout(killer);
    }
  };

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (spawnError) {
        const code = (spawnError as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? 'DynamoDB Local needs java on PATH (apt-get install -y openjdk-17-jre-headless)' : `could not start java: ${spawnError.message}`);
      }
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output}`);
      const answer = await answerAt(endpoint);
      // Another server took the port between freePort() and the JVM's bind (dynalite of another test
      // file answers ListTables too, but not UpdateTimeToLive): start again on another port.
      if (answer && !answer.server.startsWith('Jetty')) throw new Error(`Address already in use: ${endpoint} is answered by "${answer.server || 'a server without a Server header'}", not DynamoDB Local`);
      if (answer?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint,
    port,
    client() {
      const c = dynamoDbClient(endpoint);
      clients.push(c);
      return c;
    },
    stop,
  };
}

/** Starts DynamoDB Local in memory on a free loopback port; retries once if the port was taken meanwhile. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    return await startOnce(await freePort(), timeoutMs);
  } catch (err) {
    if (!/BindException|Address already in use/i.test(String((err as Error).message))) throw err;
    return startOnce(await freePort(), timeoutMs);
  }
}

/**
 * Mutation runs only (test/mutation/dynamodb-local.sh): an instance started once, without
 * `-sharedDb`, so each run's clients, under an access key of their own, see an empty database of
 * their own (DynamoDB Local keeps one per access key and region). Saves a JVM start per mutant.
 */
function reused(endpoint: string): DynamoDbLocal {
  const accessKeyId = `run${randomUUID().replaceAll('-', '')}`;
  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    client() {
      const c = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId, secretAccessKey: 'local' }, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients.splice(0)) c.destroy();
    },
  };
}

/** Registers beforeAll/afterAll in the calling test file; the getter returns the running instance. */
export function useDynamoDbLocal(options: DynamoDbLocalOptions = {}): () => DynamoDbLocal {
  let instance: DynamoDbLocal | undefined;
  const reuse = process.env.MUTATION_DYNAMODB_LOCAL;
  beforeAll(async () => {
    instance = reuse ? reused(reuse) : await startDynamoDbLocal(options);
  }, (options.startTimeoutMs ?? 30_000) + 10_000);
  afterAll(async () => {
    await instance?.stop();
    instance = undefined;
  });
  return () => {
    if (!instance) throw new Error('DynamoDB Local is not running (useDynamoDbLocal() must be called at the top of a test file)');
    return instance;
  };
}
