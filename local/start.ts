/**
 * Local mode: `npm start` (or `npm start -- --config FILE`).
 *
 * Starts, on 127.0.0.1 only:
 * - the adapter's routes behind the API Gateway stand-in, on PORT (default 3000);
 * - the built-in GitHub-like demo provider on PORT+1 (unless --config points at another provider);
 * - the embedded DynamoDB-compatible store (dynalite, in memory) with the state table, on PORT+2;
 * - the smart-home endpoint on PORT+3 and the link simulator (local/simulator) on PORT+4.
 * PORT+1..PORT+4 fall back to a free port when taken. PORT=0 picks free ports for everything.
 *
 * stdout carries only exchange records, one JSON line each, exactly as the Lambda writes them to
 * CloudWatch; everything meant for humans goes to stderr. So `npm start -s | jq .` works.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_MODE_CONFIG, LOCAL_MODE_OUTPUTS } from '../cli/constants';
import { FUNCTION_ENV } from '../lambda/contract/env';
import { acknowledgeSdkNodeNotice } from '../cli/node-support';
import { ConfigError, parseRuntimeConfig, runtimePart, type RuntimeConfig } from '../lambda/core/config';
import { DynamoDbStateStore } from '../lambda/store/dynamodb-store';
import { consoleOutputs, consoleSettings } from '../lib/console-settings';
import { stdoutSink } from '../lambda/shared/log';
import { startLocalAdapter, type RunningServer } from './adapter';
import { authorizationLegBanner, linkAsAlexaBanner } from './authorize-banner';
import { loadConfigFile, type LoadedConfigFile } from './config-file';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demoAdapterConfig, startDemoProvider, type DemoProvider } from './demo-provider';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from './embedded-dynamodb';
import { onParentExit } from './parent-watch';
import { smartHomeBanner, startLocalSmartHome, type LocalSmartHome } from './smart-home';
import { RecordTap } from './simulator/record-tap';
import { startLinkSimulator, type LinkSimulator } from './simulator/server';

const HOST = '127.0.0.1';
/** One of Alexa's redirect URIs (the console lists three, one per region; the skill id is made up). */
export const ALEXA_REDIRECT_URI = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';

const USAGE = `Usage: npm start [-- --config FILE] [--demo-honor-accept]

  --config FILE          adapter configuration: a JSON file with the configuration object
                         ({"provider": "github", "tokenUrl": "https://…"}) or a whole cdk.json
                         (its context.adapter is used). Without it, the adapter runs against the
                         built-in demo provider (provider "github").
  --demo-honor-accept    let the demo provider answer JSON to "Accept: application/json" as GitHub
                         does (default: it always answers form-encoded, so the form → JSON
                         translation shows; the github profile asks for JSON).
  -h, --help             this text

Environment: PORT (default 3000) for the adapter; the demo provider uses PORT+1, the store PORT+2,
the smart-home endpoint PORT+3, the link simulator PORT+4. ALEXA_CLIENT_ID / ALEXA_CLIENT_SECRET: the
client credentials the link simulator uses when its page leaves them empty (other providers than the demo).
`;

const say = (text = '') => process.stderr.write(`${text}\n`);

class UsageError extends Error {}

function parseCli(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'demo-honor-accept': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  if (port !== 0 && port > 65531) throw new UsageError(`PORT ${port} leaves no room for PORT+1..PORT+4; use at most 65531`);
  return port;
}

const isAddrInUse = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

/** Starts on the preferred port, or on a free one when it is taken (0 always means a free one). */
async function onPreferredPort<T>(port: number, start: (port: number) => Promise<T>, what: string): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if (port === 0 || !isAddrInUse(err)) throw err;
    say(`note: port ${port} is in use; the ${what} takes a free port instead`);
    return start(0);
  }
}

/** Whether a configured tokenUrl is the demo provider's address (then local mode starts it there). */
function pointsAtDemo(tokenUrl: string, demoPort: number): boolean {
  const u = new URL(tokenUrl);
  return demoPort !== 0 && u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname) && Number(u.port) === demoPort;
}

export interface LocalStack {
  adapter: RunningServer;
  demo?: DemoProvider;
  store: EmbeddedDynamoDb;
  config: RuntimeConfig;
  smartHome?: LocalSmartHome;
  simulator: LinkSimulator;
  close(): Promise<void>;
}

async function startAll(port: number, loaded: LoadedConfigFile | undefined, honorAccept: boolean): Promise<LocalStack> {
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    await Promise.allSettled(started.reverse().map((s) => s.close()));
  };
  try {
    const store = await onPreferredPort(port === 0 ? 0 : port + 2, (p) => startEmbeddedDynamoDb({ port: p, host: HOST }), 'store');
    started.push(store);
    // Anything that reads the table from the environment finds it as in Lambda (TABLE_NAME), and the SDK
    // sends DynamoDB calls to the embedded store (AWS_ENDPOINT_URL_DYNAMODB, SDK v3 service endpoints).
    process.env[FUNCTION_ENV.tableName] = store.tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = store.endpoint;

    const demoPort = port === 0 ? 0 : port + 1;
    let demo: DemoProvider | undefined;
    let config: RuntimeConfig;
    const answerFormat = honorAccept ? 'accept' : 'form';
    if (loaded) {
      // Local mode always runs the smart-home stand-in, so the token route records AcceptGrant grantees.
      config = { ...runtimePart(loaded.config), recordGrantees: true };
      if (pointsAtDemo(config.tokenUrl, demoPort)) {
        // The file names the demo's address: it must get exactly that port.
        demo = await startDemoProvider({ port: demoPort, host: HOST, answerFormat });
        started.push(demo);
      }
    } else {
      demo = await onPreferredPort(demoPort, (p) => startDemoProvider({ port: p, host: HOST, answerFormat }), 'demo provider');
      started.push(demo);
      config = parseRuntimeConfig({ ...demoAdapterConfig(demo.url), recordGrantees: true }, 'local mode (built-in demo provider)');
    }

    // The link simulator first: the adapter accepts its return URL as an Alexa redirect URL (local mode only).
    const simulator = await onPreferredPort(port === 0 ? 0 : port + 4, (p) => startLinkSimulator({ port: p, host: HOST }), 'link simulator');
    started.push(simulator);
    // Records go to stdout as in Lambda, and to the simulator (which shows each link's records).
    const tap = new RecordTap();
    const log = tap.sink(stdoutSink);

    let adapter: RunningServer;
    try {
      const stateStore = new DynamoDbStateStore({ tableName: store.tableName, client: store.client() });
      adapter = await startLocalAdapter({ config, port, host: HOST, log, store: () => Promise.resolve(stateStore), localReturnOrigin: simulator.origin });
    } catch (err) {
      if (isAddrInUse(err)) throw new UsageError(`port ${port} on ${HOST} is in use; set PORT to another port (e.g. PORT=3100 npm start)`);
      throw err;
    }
    started.push(adapter);
    simulator.attach({ adapterUrl: adapter.url, config, ...(demo ? { demo } : {}), records: tap, env: process.env });
    // Smart home: LWA and Event Gateway fakes and the smart-home/events functions (local/smart-home.ts).
    const stateStore = new DynamoDbStateStore({ tableName: store.tableName, client: store.client() });
    const smartHome = await onPreferredPort(port === 0 ? 0 : port + 3, (p) => startLocalSmartHome({ store: () => Promise.resolve(stateStore), log, port: p, host: HOST }), 'smart-home endpoint');
    started.push(smartHome);
    return { adapter, demo, store, config, smartHome, simulator, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function banner(stack: LocalStack, loaded: LoadedConfigFile | undefined, honorAccept: boolean): string {
  const { adapter, demo, store, config } = stack;
  const tokenUri = `${adapter.url}/token`;
  const lines: string[] = [];
  lines.push('alexa-link-adapter: local mode (API Gateway HTTP API stand-in, payload format 2.0)');
  lines.push('');
  lines.push(`Link simulator: ${stack.simulator.url}`);
  lines.push(`  (open it in a browser: it plays the Alexa app; the last redirect comes back to ${stack.simulator.returnUrl},`);
  lines.push('   a redirect target the adapter accepts in local mode only, instead of https://layla.amazon.com)');
  lines.push('');
  lines.push(`  Access Token URI   ${tokenUri}`);
  lines.push(`  provider profile   ${config.provider}`);
  lines.push(...authorizationLegBanner(adapter.url, config));
  lines.push(`  upstream tokenUrl  ${config.tokenUrl}${demo && config.tokenUrl === demo.tokenUrl ? ' (built-in demo provider)' : ''}`);
  lines.push(`  configuration      ${loaded ? `${loaded.path} (${loaded.shape})` : 'built-in demo (no --config)'}`);
  if (demo) {
    lines.push(`  demo provider      ${demo.url}  client ${DEMO_CLIENT_ID} / ${DEMO_CLIENT_SECRET}, GitHub-like (errors with HTTP 200, comma scope,`);
    lines.push(
      honorAccept
        ? '                     form-encoded unless Accept: application/json; expiring tokens, single-use refresh tokens)'
        : '                     always form-encoded even to Accept: application/json; expiring tokens, single-use refresh tokens)',
    );
    lines.push(`  demo authorize     ${demo.authorizeUrl}?client_id=${DEMO_CLIENT_ID}&redirect_uri=${encodeURIComponent(ALEXA_REDIRECT_URI)}&state=xyz`);
    lines.push(`  demo code          ${demo.url}/demo/code  (a fresh single-use code, valid 10 minutes)`);
  }
  lines.push(`  state table        ${store.tableName} at ${store.endpoint} (dynalite, in memory${store.ttl === 'unsupported' ? '; no TTL support' : ''})`);
  lines.push('');
  if (demo) {
    lines.push('Token exchange exactly as Alexa makes it (form POST, HTTP Basic, authorization_code):');
    lines.push('');
    lines.push(
      `  curl -s -u ${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET} -d grant_type=authorization_code -d code=$(curl -s ${demo.url}/demo/code) -d redirect_uri=${ALEXA_REDIRECT_URI} ${tokenUri}`,
    );
    lines.push('');
    lines.push('Refresh (paste the refresh_token from that answer; each one works once):');
    lines.push('');
    lines.push(`  curl -s -u ${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET} -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN ${tokenUri}`);
  } else {
    lines.push('Token exchange as Alexa makes it (use your client id/secret and a code from the provider):');
    lines.push('');
    lines.push(`  curl -s -u CLIENT_ID:CLIENT_SECRET -d grant_type=authorization_code -d code=CODE -d redirect_uri=${ALEXA_REDIRECT_URI} ${tokenUri}`);
  }
  if (config.mode === 'interception' && demo) lines.push('', ...linkAsAlexaBanner(adapter.url));
  if (stack.smartHome) {
    lines.push('');
    lines.push(...smartHomeBanner(stack.smartHome, tokenUri, demo ? `${demo.url}/demo/code` : undefined));
  }
  lines.push('');
  lines.push('Exchange records go to stdout, one JSON line per request (the same records CloudWatch gets);');
  lines.push('this banner and all other messages go to stderr. To see only the records: npm start -s | jq .');
  lines.push('(-s keeps npm\'s own "> exec node --import tsx local/start.ts" header off stdout.)');
  lines.push('');
  lines.push(`Check it (the configuration local mode runs, written to ${LOCAL_MODE_CONFIG}): npx alexa-link-adapter doctor --local records.jsonl`);
  lines.push('');
  lines.push('Ready. Ctrl-C stops.');
  return lines.join('\n');
}

/**
 * While local mode runs, the configuration it runs (where `doctor --local` finds it) and its console
 * settings under the stack's output keys (`skill-config --local`); removed again on a clean stop.
 */
function writeLocalModeFiles(stack: LocalStack): Map<string, string> {
  const { recordGrantees: _ignored, ...adapter } = stack.config;
  const files = new Map([
    [LOCAL_MODE_CONFIG, `${JSON.stringify(adapter, null, 2)}\n`],
    [LOCAL_MODE_OUTPUTS, `${JSON.stringify(consoleOutputs(consoleSettings(stack.adapter.url, stack.config)), null, 2)}\n`],
  ]);
  for (const [file, text] of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return files;
}

function removeLocalModeFiles(files: Map<string, string>): void {
  for (const [file, text] of files) {
    try {
      // Another local mode may have started since and written its own: leave that one.
      if (readFileSync(file, 'utf8') === text) rmSync(file);
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<void> {
  // The AWS SDK's Node 20 notice does not concern the SDK release this runs (cli/node-support.ts).
  acknowledgeSdkNodeNotice();
  let cli;
  let port;
  let loaded: LoadedConfigFile | undefined;
  try {
    cli = parseCli(process.argv.slice(2));
    if (cli.help) {
      process.stderr.write(USAGE);
      return;
    }
    port = parsePort(process.env.PORT);
    if (cli.config !== undefined) loaded = loadConfigFile(cli.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      say(err.message);
    } else if (err instanceof UsageError) {
      say(`error: ${err.message}\n`);
      process.stderr.write(USAGE);
    } else {
      throw err;
    }
    process.exitCode = 2;
    return;
  }

  let stack: LocalStack;
  try {
    stack = await startAll(port, loaded, cli['demo-honor-accept'] ?? false);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      say(`error: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }

  const written = writeLocalModeFiles(stack);
  let stopping: { signal: string; at: number } | undefined;
  const stop = (signal: NodeJS.Signals | 'parent exited') => {
    if (stopping) {
      // Ctrl-C reaches npm and this process at once, and npm forwards its copy: one keypress, two signals.
      if (signal === 'parent exited' || (signal === stopping.signal && Date.now() - stopping.at < 1000)) return;
      say(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = { signal, at: Date.now() };
    removeLocalModeFiles(written);
    say(`\n${signal}: stopping…`);
    const force = setTimeout(() => {
      say('shutdown took longer than 3 s; exiting');
      process.exit(1);
    }, 3000);
    force.unref();
    stack.close().then(
      () => {
        say('stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        say(`error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // npm forwards SIGINT/SIGTERM to its child, this process (the start script execs node); when npm itself
  // dies without forwarding (SIGKILL) this process is re-parented: stop then too (local/parent-watch.ts).
  onParentExit(() => stop('parent exited'));

  say(banner(stack, loaded, cli['demo-honor-accept'] ?? false));
}

main().catch((err: unknown) => {
  say(`local mode failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
