import { existsSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';

/**
 * Headless Chromium for tests that approve a sign-in through an identity provider's real pages:
 * Debian's `chromium` package (installed by .ci/run when missing); CHROMIUM_PATH overrides.
 * Contexts reach loopback only (a provider's page may link fonts or scripts on the internet).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

const loopback = (url: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url);

/** A fresh context (no cookies) whose requests outside loopback are refused. */
export async function loopbackContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.route('**/*', (route) => (loopback(route.request().url()) ? route.continue() : route.abort()));
  return context;
}
