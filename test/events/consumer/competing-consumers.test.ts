// Pub/sub between services and competing consumers within one: two instances each of analytics and notifications on one stream.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { countProcessed } from '../../support/inbox.js';
import { NOTIFICATIONS_CONSUMER } from '../../../src/read-models/notifications/projection.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../../src/read-models/service.js';
import { ANALYTICS_CONSUMER } from '../../../src/read-models/analytics/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../../../src/read-models/orders/projection.js';
import { completedOrderEvents, newOrderId, eventsLogger, startEventsServer, testSettings } from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';
import { publishAll, startReadModels, tempDir, waitForDrained } from './support.js';
import type { ReadModels, TempDir } from './support.js';

// Competing instances may see an order's shipment before its creation: give the retry room.
const settings = { ...testSettings, maxDeliver: 10, fetchBatch: 2 };

let events: EventsServer;
let dir: TempDir;
const analytics: ReadModels[] = [];
const notifications: ReadModelService<NotificationStore>[] = [];

beforeAll(async () => {
  events = await startEventsServer(settings);
  dir = await tempDir();
  // Each instance has its own NATS connection and its own database connection, as separate processes would.
  for (const name of ['a', 'b']) {
    const nc: NatsConnection = await events.connect(`instance-${name}`);
    analytics.push(
      await startReadModels({
        nc,
        locations: {
          analytics: { filename: dir.file('analytics') },
          orders: { filename: dir.file('order-read-model') },
        },
        settings,
        logger: eventsLogger,
      }),
    );
    notifications.push(
      await startNotificationsService({
        nc,
        location: { filename: dir.file('notifications') },
        settings,
        logger: eventsLogger,
      }),
    );
  }
});

afterAll(async () => {
  await Promise.allSettled([...analytics, ...notifications].map((s) => s.stop()));
  await events?.stop();
  await dir?.remove();
});

describe('two instances of each service on one stream', () => {
  it('handles every event once per service, and both instances of each get work', async () => {
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
    const orders = Array.from({ length: 12 }, (_, i) => ({ orderId: newOrderId('cc'), customerId: `cus-${i % 3}` }));
    const envelopes = orders.flatMap((o) => completedOrderEvents(o.orderId, o.customerId));
    await publishAll(publisher, envelopes);

    for (const consumer of [ANALYTICS_CONSUMER, ORDER_READ_MODEL_CONSUMER, NOTIFICATIONS_CONSUMER]) {
      await waitForDrained(events.nc, consumer);
    }

    // Every service saw every event it subscribes to exactly once, split between its instances.
    const handled = (pick: (i: number) => number) => [pick(0), pick(1)];
    const analyticsHandled = handled((i) => analytics[i]!.subscriptions.analytics.stats.handled);
    const ordersHandled = handled((i) => analytics[i]!.subscriptions.orders.stats.handled);
    const notificationsHandled = handled((i) => notifications[i]!.subscription.stats.handled);
    expect(analyticsHandled.every((n) => n > 0)).toBe(true);
    expect(ordersHandled.every((n) => n > 0)).toBe(true);
    expect(notificationsHandled.every((n) => n > 0)).toBe(true);
    expect(analyticsHandled[0]! + analyticsHandled[1]!).toBe(envelopes.length);
    expect(ordersHandled[0]! + ordersHandled[1]!).toBe(envelopes.length);
    // Notifications subscribes to OrderCreated, PaymentProcessed and OrderShipped of these (3 per order).
    expect(notificationsHandled[0]! + notificationsHandled[1]!).toBe(orders.length * 3);

    const [a] = analytics;
    const summary = await a!.analytics.summary();
    expect(summary.orders).toEqual({ total: 12, byStatus: { COMPLETED: 12 } });
    expect(summary.revenue).toEqual({ EUR: { captured: 12 * 3_750, refunded: 0, net: 12 * 3_750 } });
    expect(summary.stepDurations.payment).toEqual({ count: 12, averageMs: 2_000, maxMs: 2_000 });
    expect(summary.stepDurations.order).toEqual({ count: 12, averageMs: 8_000, maxMs: 8_000 });
    expect(await countProcessed(notifications[0]!.store.db, NOTIFICATIONS_CONSUMER)).toBe(orders.length * 3);

    const page = await a!.orders.listOrders({ customerId: 'cus-0', limit: 100 });
    expect(page.items).toHaveLength(4);
    expect(page.items.every((o) => o.status === 'COMPLETED' && o.lastEvent === 'OrderCompleted')).toBe(true);
    const mine = await notifications[1]!.store.listNotifications('cus-1');
    expect(mine).toHaveLength(4 * 3);
    expect(mine.map((n) => n.event).sort()).toEqual(
      [
        ...Array<string>(4).fill('OrderCreated'),
        ...Array<string>(4).fill('OrderShipped'),
        ...Array<string>(4).fill('PaymentProcessed'),
      ].sort(),
    );
  });
});
