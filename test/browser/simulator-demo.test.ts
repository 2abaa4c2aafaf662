/**
 * The link simulator in a real browser (Debian's chromium, headless, via playwright-core) against
 * `npm start` with the built-in demo provider: the whole flow green; each failure preset turning the
 * expected step red with the expected cause; a phone-size viewport without horizontal scrolling
 * (simulator, demo login page, the adapter's error page); keyboard use. Screenshots go to
 * test-results/browser/ (gitignored). Nothing leaves loopback (chromium.ts blocks it).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../local/simulator/presets';
import { horizontalOverflow, launch, screenshot, type Browser } from '../support/chromium';
import { simulatorUrl, startLocalMode, type LocalMode } from '../support/local-mode';

let local: LocalMode;
let sim: string;
let desktop: Browser;

beforeAll(async () => {
  local = startLocalMode([], { PORT: '0' });
  sim = await simulatorUrl(local);
  desktop = await launch();
});
afterAll(async () => {
  await desktop?.close();
  await local?.stop();
});

async function openSimulator(page: Page): Promise<void> {
  await page.goto(sim);
  await page.waitForSelector('#presets:not([hidden])');
}

/** Starts a link from the simulator and waits for the demo provider's login page. */
async function startLink(page: Page, preset = 'none'): Promise<void> {
  await openSimulator(page);
  await page.selectOption('#preset', preset);
  await page.click('#go');
  await page.waitForURL(/\/login\/oauth\/authorize/);
}

/** Signs in; returns the URL the browser ended on (the simulator, or an adapter page that ends the link). */
async function signIn(page: Page): Promise<URL> {
  await page.fill('#password', 'demo');
  await page.click('button.allow');
  await page.waitForURL((u) => u.href.startsWith(sim) || u.pathname === '/callback');
  return new URL(page.url());
}

/** Waits for the simulator to finish the link; from an adapter page, comes back to the simulator first (as a user would). */
async function result(page: Page): Promise<void> {
  if (!page.url().startsWith(sim)) await page.goto(sim);
  await page.waitForSelector('body[data-link="done"], body[data-link="stopped"]', { timeout: 20_000 });
}

const statuses = (page: Page) => page.$$eval('.step', (els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`));

describe('the whole flow against the demo provider', () => {
  it('is green: every step passes, every check of Alexa passes, diagnose finds nothing', async () => {
    const { page } = desktop;
    await openSimulator(page);
    expect(await page.textContent('.local-note')).toMatch(/Local mode only: the last redirect comes back to http:\/\/127\.0\.0\.1:\d+\/api\/skill\/link\/M2AAAAAAAAAAAA/);
    await startLink(page, 'none');
    await screenshot(page, 'demo-login-desktop');
    const back = await signIn(page);
    expect(back.href.startsWith(sim)).toBe(true);
    // The code is not left in the address bar.
    expect(back.searchParams.get('code')).toBeNull();
    await result(page);
    await screenshot(page, 'flow-demo-green');
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict pass');
    expect(await page.textContent('#verdict')).toMatch(/^Linked: every check Alexa makes passed\.$/);
    expect(await statuses(page)).toEqual(['authorize:pass', 'login:pass', 'return:pass', 'token:pass', 'refresh:pass', 'replay:pass']);
    const checks = await page.$$eval('ul.checks li', (els) => els.map((e) => `${e.getAttribute('data-check')}:${e.className}`));
    for (const id of ['state_unchanged', 'alexa_redirect', 'token_answer', 'token_type', 'expires_in', 'refresh_token', 'refresh_works', 'replay_works']) expect(checks).toContain(`${id}:pass`);
    expect(checks.filter((c) => !c.endsWith(':pass'))).toEqual([]);
    expect(await page.textContent('#diagnosis-body')).toBe('No problems found in this link.');
    // The picture: four lanes, no failing hop; secrets only as fingerprints on the page.
    expect(await page.$$eval('#svg svg .lane text', (els) => els.map((e) => e.textContent))).toEqual(['Browser', 'Adapter', 'Provider', 'Alexa']);
    expect(await page.$$eval('#svg svg .hop', (els) => els.length)).toBeGreaterThan(12);
    expect(await page.$('#svg svg .first-fail')).toBeNull();
    const text = await page.textContent('main');
    expect(text).not.toContain('demo-secret');
    expect(text).not.toMatch(/gh[ur]_[A-Za-z0-9_-]{20,}/);
  });
});

describe('failure presets', () => {
  it.each(PRESETS.filter((p) => p.expect).map((p) => [p.id, p] as const))('%s turns the expected step red with the expected cause', async (_id, preset) => {
    const e = preset.expect!;
    const { page } = desktop;
    await startLink(page, preset.id);
    const ended = await signIn(page);
    if (preset.id === 'changed_state') {
      // The adapter stops the link on its own page, written for the account holder.
      expect(ended.pathname).toBe('/callback');
      expect(await page.textContent('h1')).toBe('Account linking failed');
      expect(await page.textContent('p.lead')).toMatch(/^The sign-in page sent you back without the details needed to finish/);
      expect(await page.textContent('.ref code')).toMatch(/^lk_/);
      await screenshot(page, 'adapter-page-state-mismatch');
    }
    await result(page);
    await screenshot(page, `preset-${preset.id}`);
    const step = page.locator(`#step-${e.step}`);
    expect(await step.getAttribute('data-status')).toBe(e.repaired ? 'repaired' : 'fail');
    expect(await step.locator(`li[data-check="${e.check}"]`).getAttribute('class')).toBe('fail');
    expect(await page.getAttribute('#verdict', 'class')).toBe(e.repaired ? 'verdict pass' : 'verdict fail');
    if (e.rule) {
      const finding = page.locator(`.step [data-rule="${e.rule}"]`).first();
      expect(await finding.isVisible()).toBe(true);
      expect(await finding.textContent()).toMatch(/Cause: .+Fix: /);
    }
    if (e.verdict) expect(await step.locator('ul.verdicts').textContent()).toContain(e.verdict);
    if (!e.repaired) {
      expect(await page.$('#svg svg .first-fail')).not.toBeNull();
      expect(await page.textContent('#verdict')).toMatch(/^Linking fails at /);
    }
  });
});

describe('phone-size viewport (the Alexa app opens a web view)', () => {
  let phone: Browser;
  beforeAll(async () => {
    phone = await launch({ phone: true });
  });
  afterAll(async () => {
    await phone?.close();
  });

  it('no horizontal scrolling on the simulator, the demo login page and the result; touch targets of at least 44 px', async () => {
    const { page } = phone;
    await openSimulator(page);
    expect(await page.evaluate(() => window.innerWidth)).toBe(390);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-simulator');
    await startLink(page, 'none');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-demo-login');
    // Allow and Deny: big enough to tap, and visibly different.
    for (const sel of ['button.allow', 'button.deny', '#login', '#password']) {
      const box = (await page.locator(sel).boundingBox())!;
      expect(box.height, sel).toBeGreaterThanOrEqual(44);
      expect(box.width, sel).toBeGreaterThanOrEqual(44);
    }
    const look = (sel: string) => page.$eval(sel, (e) => ({ bg: getComputedStyle(e).backgroundColor, color: getComputedStyle(e).color }));
    const allow = await look('button.allow');
    const deny = await look('button.deny');
    expect(allow.bg).not.toBe(deny.bg);
    expect(allow.color).not.toBe(deny.color);
    await signIn(page);
    await result(page);
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict pass');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-result');
  });

  it("the adapter's pages for a refused request and a replayed sign-in: the account holder's sentence first, a reference, no sideways scrolling", async () => {
    const { page } = phone;
    const adapter = (await local.waitFor(/Web Authorization\s+(http:\/\/127\.0\.0\.1:\d+)\/authorize/))[1]!;
    // A request that did not come from Alexa (a foreign redirect_uri): a page, never a redirect.
    await page.goto(`${adapter}/authorize?${new URLSearchParams({ client_id: 'demo-client', response_type: 'code', state: 's', redirect_uri: 'https://evil.example/api/skill/link/M2AAAAAAAAAAAA' })}`);
    expect(await page.textContent('h1')).toBe('Account linking could not start');
    expect(await page.textContent('p.lead')).toMatch(/^This linking request did not come from the Alexa app/);
    expect(await page.textContent('.dev')).toMatch(/redirect_uri host is not one of Alexa's/);
    expect(await page.textContent('.ref')).toMatch(/^Reference: lk_[A-Za-z0-9_-]{12} · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-adapter-page-bad-request');
    // The same sign-in used twice (the back button, a reload): the second /callback is refused.
    let callback: string | undefined;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/callback') callback = r.url();
    });
    await startLink(page, 'none');
    await signIn(page);
    await result(page);
    await page.goto(callback!);
    expect(await page.textContent('h1')).toBe('This link was already used');
    expect(await page.textContent('p.lead')).toMatch(/^This sign-in was already used once/);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-adapter-page-replayed');
  });

  it("the adapter's error page fits the phone too", async () => {
    const { page } = phone;
    await startLink(page, 'changed_state');
    await signIn(page);
    expect(await page.textContent('h1')).toBe('Account linking failed');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await page.$eval('meta[name=viewport]', (m) => m.getAttribute('content'))).toBe('width=device-width,initial-scale=1');
    await screenshot(page, 'phone-adapter-page');
    await result(page);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-result-changed-state');
  });
});

describe('keyboard', () => {
  it('tab order, visible focus, Space and Enter activate; every field is shown as text, never as markup', async () => {
    const { page } = desktop;
    await openSimulator(page);
    // A fresh page: no link shown yet (so no skip link either).
    await page.evaluate(() => sessionStorage.clear());
    await openSimulator(page);
    // Shown back on every page as text: the scope travels through the adapter, the demo login page and the records.
    await page.fill('#scope', 'repo <img src=x onerror="window.__xss=1">');
    // Tab from the top of the page, as a keyboard user starts.
    await page.click('h1');
    const focused = async () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        const s = getComputedStyle(e);
        return { id: e.id || e.className, tag: e.outerHTML.slice(0, 80), outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      order.push(f.id);
      expect(f.outline, JSON.stringify(f)).not.toBe('none');
      expect(f.width, f.id).toBeGreaterThanOrEqual(2);
    }
    expect(order).toEqual(['client-id', 'client-secret', 'scheme', 'scope', 'pkce', 'preset', 'go']);
    // Space toggles the checkbox; Space on the button starts the link.
    await page.focus('#pkce');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#pkce')).toBe(true);
    await page.focus('#go');
    await page.keyboard.press('Space');
    await page.waitForURL(/\/login\/oauth\/authorize/);
    expect(await page.$('img')).toBeNull();
    expect(await page.textContent('body')).toContain('<img src=x onerror="window.__xss=1">');
    // The demo login page: Tab to the password, type, Tab to Allow (focus visible), Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type('demo');
    await page.keyboard.press('Tab');
    const allow = await focused();
    expect(allow.id).toBe('allow');
    expect(allow.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.href.startsWith(sim));
    await result(page);
    // Focus moves to the result; the skip link is now the first stop.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('result');
    expect(await page.getAttribute('#verdict', 'class')).toBe('verdict pass');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$('main img')).toBeNull();
    expect(await page.textContent('#step-authorize')).toContain('repo <img src=x onerror="window.__xss=1">');
    await screenshot(page, 'keyboard-result');
  });
});
