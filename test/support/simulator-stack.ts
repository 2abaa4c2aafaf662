/**
 * Local mode's pieces wired as local/start.ts wires them, in-process: the embedded store, the demo
 * provider (or a configured one), the link simulator, and the adapter that accepts the simulator's
 * return URL. For tests of the simulator that do not need a browser.
 */
import { parseRuntimeConfig, type RuntimeConfig } from '../../lambda/core/config';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { startDemoProvider, type DemoProvider } from '../../local/demo-provider';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb';
import { RecordTap } from '../../local/simulator/record-tap';
import type { RunView } from '../../local/simulator/run-view';
import { startLinkSimulator, type LinkSimulator } from '../../local/simulator/server';

export interface SimulatorStack {
  simulator: LinkSimulator;
  adapter: RunningServer;
  demo?: DemoProvider;
  tap: RecordTap;
  config: RuntimeConfig;
  close(): Promise<void>;
}

export async function startSimulatorStack(options: { config?: (demo: DemoProvider) => object; demo?: boolean } = {}): Promise<SimulatorStack> {
  const store = await startEmbeddedDynamoDb({ port: 0 });
  const demo = options.demo === false ? undefined : await startDemoProvider({ answerFormat: 'form' });
  const config = parseRuntimeConfig(
    options.config && demo ? options.config(demo) : options.config ? options.config(undefined as never) : { provider: 'github', tokenUrl: demo!.tokenUrl, authorizeUrl: demo!.authorizeUrl, mode: 'interception', recordGrantees: true },
    'test',
  );
  const simulator = await startLinkSimulator();
  const tap = new RecordTap();
  const stateStore = new DynamoDbStateStore({ tableName: store.tableName, client: store.client() });
  const adapter = await startLocalAdapter({ config, log: tap.sink(), store: () => Promise.resolve(stateStore), localReturnOrigin: simulator.origin });
  simulator.attach({ adapterUrl: adapter.url, config, ...(demo ? { demo } : {}), records: tap, env: {} });
  return {
    simulator,
    adapter,
    ...(demo ? { demo } : {}),
    tap,
    config,
    close: async () => {
      await Promise.allSettled([simulator.close(), adapter.close(), demo?.close()]);
      await store.close();
    },
  };
}

/**
 * The Alexa app's web view without a browser: starts a link through the simulator's API, follows
 * every redirect by hand, signs in on the demo provider's form, and comes back to the simulator;
 * then waits until the simulator has played the token leg.
 */
export async function linkWithoutBrowser(sim: LinkSimulator, settings: Record<string, unknown>, login: (url: URL, html: string) => Promise<string> = demoLogin): Promise<RunView> {
  const started = await fetch(`${sim.origin}/sim/links`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${await started.text()}`);
  const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
  const { id, authorizeUrl } = (await started.json()) as { id: string; authorizeUrl: string };
  let url = new URL(authorizeUrl);
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: url.origin === sim.origin ? { cookie } : {} });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      if (url.origin === sim.origin && url.pathname === '/') break;
      continue;
    }
    const html = await res.text();
    if (res.status === 200 && /<form/.test(html)) {
      url = new URL(await login(url, html), url);
      continue;
    }
    break; // an error page: the browser stops here
  }
  for (let i = 0; i < 200; i++) {
    const view = (await (await fetch(`${sim.origin}/sim/links/${id}`)).json()) as RunView;
    if (view.status === 'done' || view.status === 'stopped') return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the simulated link did not finish');
}

/** Posts the demo provider's login form (demo / demo, allow) and returns where it redirects. */
export async function demoLogin(url: URL): Promise<string> {
  const form = new URLSearchParams(url.searchParams);
  form.set('login', 'demo');
  form.set('password', 'demo');
  form.set('action', 'approve');
  const res = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`demo login: ${res.status}`);
  return location;
}
