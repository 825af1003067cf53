// `npm run payments:unblock-refund` as an operator runs it: a separate process on the payments store under DATA_DIR.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { NewCharge } from '../../src/activities/payments/store.js';
import { serviceDatabaseFile } from '../../src/db/sqlite.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const command = join(root, 'src/cli/payments-unblock-refund.ts');

let dataDir: string;

const charge = (orderId: string, overrides: Partial<NewCharge> = {}): NewCharge => ({
  paymentId: `pay-${orderId}`,
  idempotencyKey: `order-${orderId}:chargePayment`,
  orderId,
  customerId: 'cust-1',
  amount: { amount: 4_999, currency: 'EUR' },
  status: 'captured',
  refundBlocked: true,
  at: '2026-01-01T12:00:00.000Z',
  ...overrides,
});

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'order-saga-unblock-'));
  const store = await openPaymentStore({ filename: serviceDatabaseFile(dataDir, 'payments') });
  try {
    await store.recordCharge(charge('o-blocked'));
    await store.recordCharge(charge('o-npm'));
    await store.recordCharge(charge('o-free', { refundBlocked: false }));
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the command in its own process; DATABASE_URL is blanked so the SQLite file under DATA_DIR is used. */
function unblock(args: string[], env: Record<string, string> = {}) {
  return execa('node', ['--import', 'tsx', command, ...args], {
    cwd: root,
    env: { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    reject: false,
  });
}

async function chargeOf(orderId: string) {
  const store = await openPaymentStore({ filename: serviceDatabaseFile(dataDir, 'payments') });
  try {
    return await store.findChargeByOrder(orderId);
  } finally {
    await store.close();
  }
}

describe('payments:unblock-refund', () => {
  it('lifts the block of the order’s charge, prints one line, and exits 0', async () => {
    const run = await unblock(['--order', 'o-blocked']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      'unblocked the refund of order o-blocked (payment pay-o-blocked); now POST /orders/o-blocked/retry-compensations',
    ]);
    expect(await chargeOf('o-blocked')).toMatchObject({ status: 'captured', refundBlocked: false });
  });

  it.each([
    ['an order whose block was already lifted', 'o-blocked', 'its charge pay-o-blocked is captured'],
    ['an order that was never blocked', 'o-free', 'its charge pay-o-free is captured'],
    ['an order without a charge', 'o-unknown', 'no charge at all'],
  ])('exits 1 with one line for %s', async (_what, orderId, why) => {
    const run = await unblock(['--order', orderId]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`payments:unblock-refund: order ${orderId} has no blocked charge (${why})`);
  });

  it.each([
    ['no --order', [], '--order: is required'],
    ['--order without a value', ['--order'], '--order: needs an order ID'],
    ['a blank order ID', ['--order', '  '], '--order: must be an order ID'],
    ['an unknown flag', ['--order', 'o-1', '--force'], '--force: unknown flag'],
  ])('refuses %s with one line naming the flag, exit code 2', async (_what, args, message) => {
    const run = await unblock(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^payments:unblock-refund: ${message}`));
  });

  it('refuses a DATA_DIR without a payments database instead of creating one', async () => {
    const empty = join(dataDir, 'nothing-here');
    const run = await unblock(['--order', 'o-1'], { DATA_DIR: empty });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      `payments:unblock-refund: no payments database at ${serviceDatabaseFile(empty, 'payments')} (is DATA_DIR right?)`,
    );
  });

  it('is the npm script the README names', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['payments:unblock-refund']).toBe('node --import tsx src/cli/payments-unblock-refund.ts');
    const run = await execa('npm', ['run', '--silent', 'payments:unblock-refund', '--', '--order', 'o-npm'], {
      cwd: root,
      env: { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      reject: false,
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^unblocked the refund of order o-npm /);
    expect(await chargeOf('o-npm')).toMatchObject({ refundBlocked: false });
  });
});
