/**
 * Debian's chromium, driven headless by playwright-core (no browser download: `npx playwright
 * install` cannot reach its CDN here). `.ci/run` installs it (`apt-get install -y chromium`).
 * Each launch gets a fresh --user-data-dir, removed on close; nothing reaches the network but
 * loopback (no first-run, sync, component updates or background networking).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots are test artefacts (gitignored): test-results/browser/. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/browser/', import.meta.url));

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Debian's chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A phone in the Alexa app's web view: 390×844 CSS px, touch, mobile viewport rules. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;

export async function launch(options: { phone?: boolean } = {}): Promise<Browser> {
  requireChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'alexa-link-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    ...(options.phone ? PHONE : { viewport: { width: 1280, height: 900 } }),
  });
  // Only loopback: a request anywhere else fails the test instead of reaching the network.
  await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/])/, (route) => route.abort('blockedbyclient'));
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways (it must not, at phone width). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
