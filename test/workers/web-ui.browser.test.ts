// The main command's Temporal Web UI in a real browser: an order's customer data is ciphertext until an operator signs
// in at the API, then decoded through the codec endpoint, with no setting of the browser's changed.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApiTokens } from '../../bench/loadgen/tokens.js';
import { loadConfig } from '../../src/config/env.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { mainCommandHome, startMainCommand } from '../support/main-command.js';
import type { MainCommandHome } from '../support/main-command.js';

let home: MainCommandHome;
let browser: Browser | undefined;

beforeAll(async () => {
  home = await mainCommandHome('web-ui');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await home?.cleanUp();
});

/** What the page shows as text: CodeMirror's payload views included, which are plain DOM. */
const shown = (page: Page) => page.locator('body').innerText();

describe('the main command’s Web UI', () => {
  it(
    'shows an order’s customer encrypted to anyone, and decoded to a signed-in operator',
    { timeout: 240_000 },
    async () => {
      await startMainCommand(home);
      const tokens = localApiTokens({ ...loadConfig(), DATA_DIR: home.env.DATA_DIR ?? '' });
      // As the browser reaches the API: `localhost`, the Web UI's site, so the sign-in cookie goes with its codec calls.
      const api = home.apiUrl.replace('127.0.0.1', 'localhost');
      const name = `Grace Hopper ${randomUUID().slice(0, 8)}`;
      const line1 = `Webui Street ${randomUUID().slice(0, 8)}`;
      const placed = await fetch(`${api}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens.customer('cust-webui')}` },
        body: JSON.stringify({
          items: [{ sku: 'SKU-MUG', quantity: 1 }],
          payment: { token: 'tok_ok' },
          shippingAddress: { name, line1, city: 'Arlington', postalCode: '22201', country: 'US' },
        }),
      });
      expect([201, 202], await placed.clone().text()).toContain(placed.status);
      const { links } = (await placed.json()) as { links: { temporalUi: string } };
      expect(links.temporalUi).toMatch(/^http:\/\/localhost:\d+\/namespaces\/default\/workflows\/order-/);

      const page = await browser!.newPage();
      // Not signed in: the page shows the workflow and its input, but the codec endpoint refuses it, so no name.
      await page.goto(links.temporalUi);
      await expect.poll(() => shown(page), { timeout: 30_000 }).toMatch(/orderSaga/);
      // The input as the server holds it: encoding `binary/encrypted` (base64 in the payload view) and ciphertext.
      const encrypted = Buffer.from('binary/encrypted').toString('base64');
      await expect.poll(() => shown(page), { timeout: 30_000 }).toContain(encrypted);
      // Time for the UI's codec calls to come back (refused); the name must still not be there.
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'web-ui-signed-out');
      expect(await shown(page)).not.toContain(name);
      expect(await shown(page)).not.toContain(line1);

      // Sign in as an operator would: the API's page, the token pasted into its form.
      await page.goto(`${api}/signin`);
      await page.locator('#token').fill(await tokens.operator());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => shown(page), { timeout: 10_000 }).toContain('Signed in as');

      // The same page of the Web UI: decoded now, through the codec endpoint with the browser's cookie.
      await page.goto(links.temporalUi);
      await expect.poll(() => shown(page), { timeout: 30_000 }).toContain(name);
      await screenshot(page, 'web-ui-signed-in');
      await page.close();
    },
  );
});
