/**
 * The link simulator in chromium against a provider written by others: `npm start --config` in
 * interception mode in front of oidc-provider 9 (its dev login and consent pages, PKCE required,
 * rotating refresh tokens). Both of Alexa's client-authentication schemes; the client secret once
 * from local mode's environment (ALEXA_CLIENT_SECRET) and once typed into the page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../local/adapter';
import { launch, screenshot, type Browser } from '../support/chromium';
import { freePort } from '../support/dynamodb-local';
import { simulatorUrl, startLocalMode, type LocalMode } from '../support/local-mode';
import { oidcTestConfiguration } from '../support/oidc-provider-config';

// Secrets with characters RFC 6749 §2.3.1's form-encoding matters for.
const BASIC = { client_id: 'alexa-basic', client_secret: 'b@sic s3cret+/:%&=~', token_endpoint_auth_method: 'client_secret_basic' } as const;
const POST = { client_id: 'alexa-post', client_secret: 'p0st s3cret+/:%&=~', token_endpoint_auth_method: 'client_secret_post' } as const;

let op: RunningServer;
let local: LocalMode;
let sim: string;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  const server = createServer();
  op = await listen(server, 0, '127.0.0.1');
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/callback`;
  const clients = [BASIC, POST].map((c) => ({ ...c, redirect_uris: [callback], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], application_type: 'native' }));
  const provider = new Provider(issuer, oidcTestConfiguration(clients, { rotateRefreshToken: true }));
  server.on('request', provider.callback());
  dir = mkdtempSync(join(tmpdir(), 'simulator-oidc-'));
  const file = join(dir, 'oidc.json');
  writeFileSync(file, JSON.stringify({ provider: 'generic', tokenUrl: `${issuer}/token`, authorizeUrl: `${issuer}/auth`, mode: 'interception' }));
  local = startLocalMode(['--config', file], { PORT: String(port), ALEXA_CLIENT_ID: BASIC.client_id, ALEXA_CLIENT_SECRET: BASIC.client_secret });
  sim = await simulatorUrl(local);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  await op?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** oidc-provider's dev interactions until the browser is back: login (any login and password), consent; a session skips login. */
async function signInAtOidcProvider(page: Page): Promise<void> {
  for (let i = 0; i < 4 && !page.url().startsWith(sim); i++) {
    await page.waitForLoadState();
    if (page.url().startsWith(sim)) break;
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', 'alexa-user-1');
      await page.fill('input[name=password]', 'any');
    }
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }
}

async function link(page: Page, fill: (page: Page) => Promise<void>): Promise<void> {
  await page.goto(sim);
  await page.waitForFunction(() => (document.getElementById('authorize-uri')?.textContent ?? '…') !== '…');
  await fill(page);
  await page.click('#go');
  await page.waitForURL((u) => !u.href.startsWith(sim));
  await signInAtOidcProvider(page);
  await page.waitForURL((u) => u.href.startsWith(sim));
  await page.waitForSelector('body[data-link="done"], body[data-link="stopped"]', { timeout: 20_000 });
}

const statuses = (page: Page) => page.$$eval('.step', (els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`));

describe('the whole flow against oidc-provider', () => {
  it('HTTP Basic, the secret from ALEXA_CLIENT_SECRET: green end to end, the replay served within grace', async () => {
    const { page } = browser;
    await link(page, async (p) => {
      expect(await p.isHidden('#presets')).toBe(true); // presets need the demo provider
      expect(await p.inputValue('#client-id')).toBe(BASIC.client_id);
      expect(await p.inputValue('#client-secret')).toBe(''); // the secret never comes to the page
      expect(await p.textContent('#secret-hint')).toContain('ALEXA_CLIENT_SECRET');
      await p.fill('#scope', 'openid');
      await p.check('#pkce');
    });
    await screenshot(page, 'flow-oidc-provider-basic');
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict pass');
    expect(await statuses(page)).toEqual(['authorize:pass', 'login:pass', 'return:pass', 'token:pass', 'refresh:pass', 'replay:pass']);
    expect(await page.$$eval('ul.checks li.fail', (els) => els.length)).toBe(0);
    // oidc-provider rotates refresh tokens: the refresh got a new one, the replay the same answer from the grace cache.
    expect(await page.textContent('#step-refresh li[data-check="refresh_works"]')).toContain('(rotated)');
    expect(await page.textContent('#step-replay li[data-check="replay_works"]')).toContain("the adapter's rotation grace");
    expect(await page.textContent('#step-replay ul.verdicts')).toContain('refresh_grace_served');
    expect(await page.textContent('main')).not.toContain(BASIC.client_secret);
  });

  it('credentials in the request body, the secret typed into the page', async () => {
    const { page } = browser;
    await link(page, async (p) => {
      await p.fill('#client-id', POST.client_id);
      await p.fill('#client-secret', POST.client_secret);
      await p.selectOption('#scheme', 'body');
      await p.fill('#scope', 'openid');
    });
    await screenshot(page, 'flow-oidc-provider-body');
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict pass');
    expect(await statuses(page)).toEqual(['authorize:pass', 'login:pass', 'return:pass', 'token:pass', 'refresh:pass', 'replay:pass']);
    expect(await page.textContent('#step-token')).toMatch(/client_secret\s*fp:[0-9a-f]{12}/);
    expect(await page.textContent('main')).not.toContain(POST.client_secret);
  });
});
