import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { buildLoginConfig, createAuthenticator, type DeviceCodePrompt } from '../../auth/login/index.js';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.js';

let root: string;
let idp: RunningDevIdp;
let browser: Browser;

describe.skipIf(!haveChromium)(
  `a real browser approves the device code${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM}; install the Debian "chromium" package or set CHROMIUM_PATH)`}`,
  () => {
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'warden-browser-'));
      idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 1 });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await idp?.close();
      rmSync(root, { recursive: true, force: true });
    });

    function waitingSignIn() {
      const config = buildLoginConfig({
        authorityHost: idp.authorityHost,
        tenantId: idp.tenantId,
        clientId: idp.clientId,
        apiScope: idp.apiScope,
        cachePath: join(root, `cache-${Math.random().toString(36).slice(2)}`, 'token_cache.json'),
        caFile: idp.caFile,
      });
      let gotPrompt!: (prompt: DeviceCodePrompt) => void;
      const prompt = new Promise<DeviceCodePrompt>((resolve) => (gotPrompt = resolve));
      const token = createAuthenticator(config).signIn({ onDeviceCode: gotPrompt });
      return { prompt, token };
    }

    it('opens verification_uri_complete, clicks Approve, and the waiting sign-in completes', async () => {
      const { prompt, token } = waitingSignIn();
      const { verificationUriComplete, userCode } = await prompt;
      expect(verificationUriComplete).toBeDefined();

      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        await page.goto(verificationUriComplete as string);
        expect(await page.inputValue('input[name=user_code]')).toBe(userCode);
        await Promise.all([page.waitForLoadState('load'), page.click('button[value=approve]')]);
        await expect(page.textContent('body')).resolves.toContain('dev@warden.example');
      } finally {
        await context.close();
      }
      expect((await token).account.username).toBe('dev@warden.example');
    });

    it('opens verification_uri, types the code, approves; the waiting sign-in completes', async () => {
      const { prompt, token } = waitingSignIn();
      const { verificationUri, userCode } = await prompt;

      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        await page.goto(verificationUri);
        await page.fill('input[name=user_code]', (userCode ?? '').toLowerCase().replace('-', ''));
        await Promise.all([page.waitForLoadState('load'), page.click('text=Approve')]);
      } finally {
        await context.close();
      }
      const result = await token;
      expect(result.account.username).toBe('dev@warden.example');
      expect(result.scopes).toEqual([idp.apiScope]);
    });
  },
);
