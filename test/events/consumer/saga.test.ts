// A saga through the real workers, their outboxes and relays, and the JetStream publisher: the stream holds the order's events once and in saga order, and both read models and notifications follow.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { NOTIFICATIONS_CONSUMER } from '../../../src/read-models/notifications/projection.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../../src/read-models/service.js';
import { ANALYTICS_CONSUMER } from '../../../src/read-models/analytics/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../../../src/read-models/orders/projection.js';
import { eventNames, newOrder, startOrder } from '../../support/order-workflows.js';
import { eachStore, startSagaHarness } from '../../support/saga-harness.js';
import type { SagaHarness } from '../../support/saga-harness.js';
import { createTimeSkippingEnv } from '../../support/time-skipping.js';
import { waitFor } from '../../support/wait-for.js';
import { eventsLogger, orderEventsInSagaOrder, startEventsServer, testSettings } from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';
import { startReadModels, tempDir, waitForDrained } from './support.js';
import type { ReadModels, TempDir } from './support.js';

let env: TestWorkflowEnvironment;
let harness: SagaHarness;
let events: EventsServer;
let dir: TempDir;
let analytics: ReadModels;
let notifications: ReadModelService<NotificationStore>;

beforeAll(async () => {
  events = await startEventsServer();
  dir = await tempDir();
  env = await createTimeSkippingEnv();
  // Every store's relay publishes through the real JetStream publisher, as each service's role does.
  const jetStream = new JetStreamEventPublisher(await events.connect('saga-relays'), { timeoutMs: 2_000 });
  harness = await startSagaHarness(env, { publishTo: jetStream });
  analytics = await startReadModels({
    nc: await events.connect('analytics'),
    locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('order-read-model') } },
    settings: testSettings,
    logger: eventsLogger,
  });
  notifications = await startNotificationsService({
    nc: await events.connect('notifications'),
    location: { filename: dir.file('notifications') },
    settings: testSettings,
    logger: eventsLogger,
  });
});

afterAll(async () => {
  await Promise.allSettled([analytics?.stop(), notifications?.stop()]);
  await harness?.stop();
  await env?.teardown();
  await events?.stop();
  await dir?.remove();
});

async function drained() {
  for (const consumer of [ANALYTICS_CONSUMER, ORDER_READ_MODEL_CONSUMER, NOTIFICATIONS_CONSUMER]) {
    await waitForDrained(events.nc, consumer);
  }
}

/** The order's events once the relays have published all `count` of them, in saga order. */
async function streamed(orderId: string, count: number) {
  return waitFor(
    async () => {
      const stored = await orderEventsInSagaOrder(events.nc, orderId);
      return stored.length >= count && stored;
    },
    { what: `${count} events of order ${orderId} in the stream` },
  );
}

describe('the saga on JetStream', () => {
  it('publishes a completed order’s events once, in saga order, and the read models and notifications reflect it', async () => {
    const order = newOrder({ customerId: 'cus-saga', items: [{ sku: 'SKU-MUG', quantity: 3 }] });
    const result = await (await startOrder(env.client, order)).result();
    expect(result.status).toBe('COMPLETED');

    const stored = await streamed(order.orderId, 5);
    expect(stored.map((e) => e.name)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
    expect(stored.map((e) => e.envelope.ordersequence)).toEqual([1, 2, 3, 4, 5]);
    await drained();
    expect(await analytics.orders.getOrder(order.orderId)).toMatchObject({
      customerId: 'cus-saga',
      status: 'COMPLETED',
      total: 3_750,
      currency: 'EUR',
      lastEvent: 'OrderCompleted',
    });
    const summary = await analytics.analytics.summary();
    expect(summary.orders.byStatus.COMPLETED).toBe(1);
    expect(summary.revenue.EUR).toEqual({ captured: 3_750, refunded: 0, net: 3_750 });
    expect(summary.stepDurations.order?.count).toBe(1);
    expect((await notifications.store.listNotifications('cus-saga')).map((n) => n.event).reverse()).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'OrderShipped',
    ]);
    // Nothing is left waiting in any outbox.
    for (const store of eachStore(harness.stores)) expect((await store.outbox.backlog()).pending).toBe(0);
  });

  it('publishes a declined order’s events and the read models show it failed', async () => {
    const order = newOrder({ customerId: 'cus-declined', payment: { token: 'tok_declined' } });
    const result = await (await startOrder(env.client, order)).result();
    expect(result.status).toBe('FAILED');

    const committed = await eventNames(harness, order.orderId);
    const names = (await streamed(order.orderId, committed.length)).map((e) => e.name);
    expect(names).toEqual(committed);
    expect(names).toContain('PaymentFailed');
    expect(names.at(-1)).toBe('OrderFailed');
    await drained();
    expect(await analytics.orders.getOrder(order.orderId)).toMatchObject({
      status: 'FAILED',
      lastEvent: 'OrderFailed',
    });
    const summary = await analytics.analytics.summary();
    expect(Object.keys(summary.failures).some((k) => k.startsWith('PaymentFailed:'))).toBe(true);
    expect((await notifications.store.listNotifications('cus-declined')).map((n) => n.event)).toContain('OrderFailed');
  });
});
