// The operator's console in a real Chromium against the main command: signed out it leads to sign-in, a customer's
// cookie is refused, and a signed-in operator finds placed orders, approves one to COMPLETED, rejects another, and
// retries the compensations of a parked one.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApiTokens } from '../../../bench/loadgen/tokens.js';
import type { ApiTokens } from '../../../bench/loadgen/tokens.js';
import { unblockRefund } from '../../../src/activities/payments/unblock-refund.js';
import { loadConfig } from '../../../src/config/env.js';
import { serviceDatabase } from '../../../src/db/database.js';
import { launchBrowser, screenshot } from '../../support/browser.js';
import { mainCommandHome, startMainCommand } from '../../support/main-command.js';
import type { MainCommandHome } from '../../support/main-command.js';

let home: MainCommandHome;
let browser: Browser | undefined;

beforeAll(async () => {
  home = await mainCommandHome('console');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await home?.cleanUp();
});

const address = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Amsterdam', postalCode: '1011AA', country: 'NL' };

/** Places an order through the API as `customer`, as a shop would; returns its ID. */
async function place(api: string, tokens: ApiTokens, customer: string, sku: string, payment = 'tok_ok') {
  const res = await fetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens.customer(customer)}` },
    body: JSON.stringify({ items: [{ sku, quantity: 1 }], payment: { token: payment }, shippingAddress: address }),
  });
  expect([201, 202], await res.clone().text()).toContain(res.status);
  return ((await res.json()) as { orderId: string }).orderId;
}

const shown = (page: Page) => page.locator('main').innerText();

/** Reloads `url` until `check` holds: the read model follows the events a moment after the workflow. */
async function reloadUntil(page: Page, url: string, check: (text: string) => boolean, timeout = 30_000) {
  await expect
    .poll(
      async () => {
        await page.goto(url);
        return check(await shown(page));
      },
      { timeout, interval: 500 },
    )
    .toBe(true);
}

describe('the operator’s console', () => {
  it(
    'leads to sign-in, refuses a customer, lists orders, approves one, rejects another, retries a parked one',
    { timeout: 240_000 },
    async () => {
      await startMainCommand(home);
      const tokens = localApiTokens({ ...loadConfig(), DATA_DIR: home.env.DATA_DIR ?? '' });
      const api = home.apiUrl.replace('127.0.0.1', 'localhost');
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();

      // Signed out: a page in words that links to the sign-in, with the status an API client would get.
      const signedOut = await page.goto(`${api}/console`);
      expect(signedOut?.status()).toBe(401);
      expect(await shown(page)).toContain('Sign in to use the console');
      await expect.poll(() => page.getByRole('link', { name: 'Sign in with an operator token' }).count()).toBe(1);
      await screenshot(page, 'console-signed-out');

      // A customer's token in the cookie (the sign-in form would refuse it): the console is for operators.
      const customer = `cust-console-${randomUUID().slice(0, 8)}`;
      await context.addCookies([
        { name: 'order_saga_operator', value: await tokens.customer(customer), url: api, httpOnly: true },
      ]);
      const refused = await page.goto(`${api}/console/orders`);
      expect(refused?.status()).toBe(403);
      expect(await shown(page)).toContain('Operators only');
      await context.clearCookies();

      // Sign in as an operator would: the API's page, the token pasted into its form.
      await page.goto(`${api}/signin`);
      await page.locator('#token').fill(await tokens.operator());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toContain('Signed in as');

      // Orders placed through the API show up in the list, filtered by their customer.
      const small = await place(api, tokens, customer, 'SKU-MUG');
      const toApprove = await place(api, tokens, customer, 'SKU-LAPTOP');
      const toReject = await place(api, tokens, customer, 'SKU-LAPTOP');
      // Sold out after the charge, and the provider refuses the refund: parked in COMPENSATION_FAILED.
      const parked = await place(api, tokens, customer, 'SKU-SOLDOUT', 'tok_refund_blocked');
      const list = `${api}/console/orders?customerId=${customer}`;
      await reloadUntil(page, list, (text) => [small, toApprove, toReject].every((id) => text.includes(id)));
      await reloadUntil(page, `${list}&status=AWAITING_APPROVAL`, (t) => t.includes(toApprove) && t.includes(toReject));
      expect(await shown(page)).not.toContain(small);
      await screenshot(page, 'console-orders');

      // The queue of approvals, with the time left; keyboard: the skip link is the first stop.
      await reloadUntil(page, `${api}/console/queues`, (t) => t.includes(toApprove) && t.includes(toReject));
      await expect(page.locator(`tr[data-order-id="${toApprove}"]`).innerText()).resolves.toMatch(/ (h|min) .* left/);
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
      await screenshot(page, 'console-queues');

      // Approve: the row's link, a confirmation, then the outcome; the saga carries on to COMPLETED.
      await page.locator(`tr[data-order-id="${toApprove}"]`).getByRole('link', { name: 'Approve' }).click();
      expect(await shown(page)).toContain('Approve this order?');
      await screenshot(page, 'console-confirm-approve');
      await page.getByRole('button', { name: 'Confirm: Approve' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toMatch(/^Approved: the order is now /);
      // The status is the workflow's; the events list is the stream's, which the relay fills a moment later.
      await reloadUntil(
        page,
        `${api}/console/orders/${toApprove}`,
        (t) => /Status\s+COMPLETED/.test(t) && t.includes('OrderCompleted'),
      );
      const approved = await shown(page);
      for (const step of ['chargePayment', 'reserveInventory', 'createShipment']) expect(approved).toContain(step);
      expect(approved).toContain('OrderCompleted');
      await expect(
        page.getByRole('link', { name: 'Workflow in the Temporal Web UI' }).getAttribute('href'),
      ).resolves.toMatch(new RegExp(`/workflows/order-${toApprove}$`));
      await screenshot(page, 'console-order-completed');

      // Reject with a reason, from the order's own page: CANCELLED with APPROVAL_REJECTED.
      await page.goto(`${api}/console/orders/${toReject}`);
      await page.getByRole('link', { name: 'Reject' }).click();
      await page.getByLabel(/Reason/).fill('Address looks fraudulent');
      await page.getByRole('button', { name: 'Confirm: Reject' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Rejected: the order is now CANCELLED.');
      expect(await shown(page)).toContain('APPROVAL_REJECTED');
      // Once it is over, the action is refused in the workflow's words, on the order's page.
      await page.goto(`${api}/console/orders/${toReject}/approve`);
      const again = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Confirm: Approve' }).click();
      expect((await again).status()).toBe(409);
      expect(await page.getByRole('status').innerText()).toMatch(/^Approve was refused: /);

      // Parked: listed with its failure; unblocked as the operator command does, then retried from the console.
      await reloadUntil(page, `${api}/console/queues`, (t) => t.includes(parked) && t.includes('RefundRejected'));
      const unblocked = await unblockRefund(serviceDatabase({ ...loadConfig(), ...home.env }, 'payments'), parked);
      expect(unblocked.unblocked).toBe(true);
      await page.locator(`tr[data-order-id="${parked}"]`).getByRole('link', { name: 'Retry compensations' }).click();
      await page.getByRole('button', { name: 'Confirm: Retry compensations' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toMatch(/^Compensations retried: the order is now /);
      await reloadUntil(page, `${api}/console/orders/${parked}`, (t) => /Status\s+FAILED/.test(t));
      expect(await page.locator('#compensations').innerText()).toMatch(/refundPayment\s+succeeded/);
      await screenshot(page, 'console-order-retried');

      // Phone width: the same page, readable (tables scroll inside their frame, not the page).
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${api}/console/orders/${toReject}`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBe(0);
      await screenshot(page, 'console-order-phone');
      await context.close();
    },
  );
});
