/**
 * Child-process entry of handler-process.ts: one "Lambda instance" of a real handler, as deployed
 * (its Lambda entry point, configured from the environment: ADAPTER_CONFIG, TABLE_NAME, and the AWS
 * SDK's own variables such as AWS_ENDPOINT_URL_DYNAMODB), behind the API Gateway stand-in on a
 * loopback port. Records go to stdout as in Lambda; the URL goes to the parent over IPC.
 *
 * Env: HANDLER = token | authorize. Run by startHandlerProcess(), not by hand.
 */
import { createServer } from 'node:http';
import { FUNCTION_TIMEOUT_MS } from '../../lambda/contract/deadlines';
import { routesOfHandler } from '../../lambda/contract/routes';
import { listen } from '../../local/adapter';
import { apiGatewayListener, type Route, type V2Handler } from '../../local/api-gateway';

/** The Lambda entry points this process can run (lambda/handlers/<name>.ts). */
const ENTRY_POINTS = {
  token: () => import('../../lambda/handlers/token'),
  authorize: () => import('../../lambda/handlers/authorize'),
} as const;

async function main(): Promise<void> {
  const kind = process.env.HANDLER ?? 'token';
  if (kind !== 'token' && kind !== 'authorize') throw new Error(`HANDLER must be token or authorize, not ${kind}`);
  const handler = (await ENTRY_POINTS[kind]()).handler as unknown as V2Handler;
  // The routes the function serves in the stack (lambda/contract/routes.ts); $default on it too.
  const routes: Route[] = routesOfHandler(kind).map(([, r]) => ({ method: r.method, path: r.path, handler, timeoutMs: FUNCTION_TIMEOUT_MS[kind] }));
  const listener = apiGatewayListener(routes, { handler, timeoutMs: FUNCTION_TIMEOUT_MS[kind] });
  const server = createServer((req, res) => void listener(req, res));
  const running = await listen(server, 0, '127.0.0.1');
  process.send?.({ ready: running.url });
  process.on('disconnect', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`handler process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
