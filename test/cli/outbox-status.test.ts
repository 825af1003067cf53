// `npm run outbox:status` as an operator runs it: a separate process reading every service's outbox under DATA_DIR.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrderStore } from '../../src/activities/orders/store.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import { serviceDatabaseFile } from '../../src/db/sqlite.js';
import { buildEvent } from '../../src/events/envelope.js';
import { MemoryEventPublisher } from '../support/memory-event-publisher.js';
import { OutboxRelay } from '../../src/events/outbox/relay.js';
import { pendingEvents } from '../../src/events/outbox/status.js';
import { fastRelaySettings } from '../support/saga-harness.js';
import { completedOrderEvents, outgoingOf, eventsLogger, lineOf } from '../events/nats/fixtures.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const command = join(root, 'src/cli/outbox-status.ts');

let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'order-saga-outbox-status-'));
  // payments: one order's five events waiting, one of them after a failed attempt; orders: all sent.
  const payments = await openPaymentStore({ filename: serviceDatabaseFile(dataDir, 'payments') });
  const orders = await openOrderStore({ filename: serviceDatabaseFile(dataDir, 'orders') });
  try {
    await payments.recordEvents(completedOrderEvents('o-waiting', 'cus-1').map(outgoingOf));
    const failing = new MemoryEventPublisher();
    for (let i = 0; i < 5; i++) failing.failNext(new Error('no responders'));
    const relay = new OutboxRelay({
      outbox: payments.outbox,
      publisher: () => Promise.resolve(failing),
      settings: fastRelaySettings,
      logger: eventsLogger,
    });
    await relay.round();
    await orders.recordOrderEvent(
      buildEvent({
        name: 'OrderCreated',
        workflowId: 'order-o-sent',
        step: 'OrderCreated',
        data: {
          orderId: 'o-sent',
          customerId: 'cus-1',
          status: 'PENDING',
          lines: [lineOf({ amount: 100, currency: 'EUR' })],
          total: { amount: 100, currency: 'EUR' },
        },
        time: '2026-01-01T12:00:00.000Z',
      }),
      'OrderCreated',
    );
    await new OutboxRelay({
      outbox: orders.outbox,
      publisher: () => Promise.resolve(new MemoryEventPublisher()),
      settings: fastRelaySettings,
      logger: eventsLogger,
    }).drain();
  } finally {
    await payments.close();
    await orders.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function status(args: string[] = []) {
  return execa('node', ['--import', 'tsx', command, ...args], {
    cwd: root,
    env: { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    reject: false,
  });
}

describe('outbox:status', () => {
  it('prints one line per service: the backlog, how old, why it fails, what is kept', async () => {
    const result = await status();
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('orders: 0 pending; 1 sent and kept for the duplicate window');
    expect(lines[1]).toMatch(
      /^payments: 5 pending; oldest \d+s old \(\d{4}-\d\d-\d\dT[\d:.]+Z\); 5 failed at least once, last: Error: no responders; 0 sent and kept for the duplicate window$/,
    );
    expect(lines[2]).toBe(
      `inventory: no database at ${serviceDatabaseFile(dataDir, 'inventory')} (is DATA_DIR right?)`,
    );
    expect(lines[3]).toBe(`shipping: no database at ${serviceDatabaseFile(dataDir, 'shipping')} (is DATA_DIR right?)`);
    // Reading creates nothing.
    expect(existsSync(serviceDatabaseFile(dataDir, 'inventory'))).toBe(false);
  });

  it('lists the pending events of the services asked for with --pending', async () => {
    const result = await status(['--service', 'payments', '--pending']);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(6);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(' ')[3])
        .sort(),
    ).toEqual(['InventoryUpdated', 'OrderCompleted', 'OrderCreated', 'OrderShipped', 'PaymentProcessed']);
    expect(lines[1]).toMatch(/order o-waiting \(.+\), 1 attempt\(s\): Error: no responders$/);
  });

  it('sums what every producer still holds, skipping services that never ran (what the checkers wait on)', async () => {
    expect(await pendingEvents({ DATA_DIR: dataDir, DATABASE_URL: undefined })).toBe(5);
  });
});
