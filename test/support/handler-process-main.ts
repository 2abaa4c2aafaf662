/**
 * Child-process entry of handler-process.ts: one "Lambda instance" of a real handler, as deployed
 * (its Lambda entry point, configured from the environment: ADAPTER_CONFIG, TABLE_NAME, and the AWS
 * SDK's own variables such as AWS_ENDPOINT_URL_DYNAMODB), behind the API Gateway stand-in on a
 * loopback port. Records go to stdout as in Lambda; the URL goes to the parent over IPC.
 *
 * Env: HANDLER = token | authorize. Run by startHandlerProcess(), not by hand.
 */
import { createServer } from 'node:http';
import { listen, TOKEN_FUNCTION_TIMEOUT_MS } from '../../local/adapter';
import { apiGatewayListener, type Route, type V2Handler } from '../../local/api-gateway';

async function main(): Promise<void> {
  const kind = process.env.HANDLER ?? 'token';
  let routes: Route[];
  if (kind === 'token') {
    const { handler } = await import('../../lambda/handlers/token');
    routes = [{ method: 'POST', path: '/token', handler: handler as unknown as V2Handler, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS }];
  } else if (kind === 'authorize') {
    const { handler } = await import('../../lambda/handlers/authorize');
    const h = handler as unknown as V2Handler;
    routes = [
      { method: 'GET', path: '/authorize', handler: h, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS },
      { method: 'GET', path: '/callback', handler: h, timeoutMs: TOKEN_FUNCTION_TIMEOUT_MS },
    ];
  } else {
    throw new Error(`HANDLER must be token or authorize, not ${kind}`);
  }
  const listener = apiGatewayListener(routes, routes[0]!.handler);
  const server = createServer((req, res) => void listener(req, res));
  const running = await listen(server, 0, '127.0.0.1');
  process.send?.({ ready: running.url });
  process.on('disconnect', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`handler process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
