// Exactly-once effect: a redelivered or republished event changes nothing the second time, in any order.
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMeta } from '../../../src/events/consumer/subscriber.js';
import { EventOutOfOrderError } from '../../../src/events/consumer/errors.js';
import { countProcessed } from '../../support/inbox.js';
import { storeAndLogChannel } from '../../../src/read-models/notifications/channel.js';
import { notificationProjection, NOTIFICATIONS_CONSUMER } from '../../../src/read-models/notifications/projection.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../../src/read-models/service.js';
import { openNotificationStore } from '../../../src/read-models/notifications/store.js';
import { parseEnvelope } from '../../../src/events/envelope.js';
import type { EventEnvelope } from '../../../src/events/envelope.js';
import { analyticsProjection } from '../../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../../src/read-models/analytics/store.js';
import { readModelBaseDb } from '../../../src/read-models/generation.js';
import { liveReadModelHandler } from '../../../src/read-models/generation.js';
import { orderProjection } from '../../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../../src/read-models/orders/store.js';
import {
  completedOrderEvents,
  failedOrderEvents,
  newOrderId,
  eventsLogger,
  startEventsServer,
  testSettings,
} from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';
import { modelOf, startReadModels, tempDir, waitForDrained } from './support.js';
import type { ReadModels, TempDir } from './support.js';

let events: EventsServer;
let dir: TempDir;

beforeAll(async () => {
  events = await startEventsServer();
  dir = await tempDir();
});

afterAll(async () => {
  await events?.stop();
  await dir?.remove();
});

function metaAt(position: number, consumer = 'test'): EventMeta {
  return { consumer, stream: 'ORDERS', streamSeq: position, position, subject: 'orders.x.y', deliveryCount: 1 };
}

describe('through NATS', () => {
  let analytics: ReadModels;
  let notifications: ReadModelService<NotificationStore>;

  beforeAll(async () => {
    analytics = await startReadModels({
      nc: events.nc,
      locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('order-read-model') } },
      settings: testSettings,
      logger: eventsLogger,
    });
    notifications = await startNotificationsService({
      nc: events.nc,
      location: { filename: dir.file('notifications') },
      settings: testSettings,
      logger: eventsLogger,
    });
  });

  afterAll(async () => {
    await Promise.allSettled([analytics?.stop(), notifications?.stop()]);
  });

  it('handles an event republished outside the duplicate window once: the second copy has no effect', async () => {
    const orderId = newOrderId('dup');
    const [created, paid] = completedOrderEvents(orderId, 'cus-dup');
    const js = jetstream(events.nc);
    // Two stream messages carrying the same event ID (as after a retry later than the duplicate window).
    for (const [envelope, copy] of [
      [created!, 1],
      [paid!, 1],
      [paid!, 2],
    ] as const) {
      await js.publish(`orders.${orderId}.${envelope.type.split('.')[2]!}`, JSON.stringify(envelope), {
        msgID: `${envelope.id}-copy-${copy}`,
      });
    }
    await waitForDrained(events.nc, 'analytics');
    await waitForDrained(events.nc, 'order-read-model');
    await waitForDrained(events.nc, NOTIFICATIONS_CONSUMER);

    expect(analytics.subscriptions.analytics.stats.handled).toBe(3);
    expect((await analytics.analytics.summary()).revenue).toEqual({
      EUR: { captured: 3_750, refunded: 0, net: 3_750 },
    });
    expect((await analytics.analytics.summary()).events).toEqual({ OrderCreated: 1, PaymentProcessed: 1 });
    expect(notifications.subscription.stats.handled).toBe(3);
    expect((await notifications.store.listNotifications('cus-dup')).map((n) => n.event)).toEqual([
      'PaymentProcessed',
      'OrderCreated',
    ]);
    expect(await analytics.orders.getOrder(orderId)).toMatchObject({
      status: 'PAYMENT_CAPTURED',
      lastEvent: 'PaymentProcessed',
    });
  });
});

describe('handlers called again with the same event (redelivery)', () => {
  it('leave the read models and the notifications as the first call left them', async () => {
    const analytics = await openAnalyticsReadModel({ filename: dir.file('redelivery-analytics') });
    const orders = await openOrderReadModel({ filename: dir.file('redelivery-orders') });
    const store = await openNotificationStore({ filename: dir.file('redelivery-notifications') });
    try {
      const handlers = [
        liveReadModelHandler(readModelBaseDb(analytics.db), analyticsProjection),
        liveReadModelHandler(readModelBaseDb(orders.db), orderProjection),
        notificationProjection(store.db, storeAndLogChannel(eventsLogger)),
      ];
      const orderId = newOrderId('redeliver');
      const envelopes = failedOrderEvents(orderId, 'cus-r');
      const deliverAll = async () => {
        for (const [i, envelope] of envelopes.entries()) {
          for (const handler of handlers) await handler.handle(parseEnvelope(envelope), metaAt(i + 1));
        }
      };
      await deliverAll();
      const first = {
        summary: await analytics.summary(),
        order: await orders.getOrder(orderId),
        notifications: await store.listNotifications('cus-r'),
      };
      await deliverAll();

      expect(await analytics.summary()).toEqual(first.summary);
      expect(await orders.getOrder(orderId)).toEqual(first.order);
      expect(await store.listNotifications('cus-r')).toEqual(first.notifications);
      expect(first.summary.revenue).toEqual({ USD: { captured: 1_000, refunded: 1_000, net: 0 } });
      expect(first.summary.failures).toEqual({ 'InventoryUpdateFailed:OutOfStock': 1, 'OrderFailed:OutOfStock': 1 });
      expect(first.summary.compensations).toEqual({ PaymentRefunded: 1 });
      expect(first.order).toMatchObject({ status: 'FAILED', customerId: 'cus-r', total: 1_000, currency: 'USD' });
      expect(first.notifications).toHaveLength(5);
      expect(await countProcessed(store.db, NOTIFICATIONS_CONSUMER)).toBe(5);
    } finally {
      await Promise.all([analytics.close(), orders.close(), store.close()]);
    }
  });

  it('converge to the same state whatever order the events arrive in', async () => {
    const forward = await openOrderReadModel({ filename: dir.file('forward-orders') });
    const backward = await openOrderReadModel({ filename: dir.file('backward-orders') });
    const forwardAnalytics = await openAnalyticsReadModel({ filename: dir.file('forward-analytics') });
    const backwardAnalytics = await openAnalyticsReadModel({ filename: dir.file('backward-analytics') });
    try {
      const orderId = newOrderId('order');
      const positioned = completedOrderEvents(orderId, 'cus-o').map((e, i) => [e, i + 1] as [EventEnvelope, number]);
      const apply = async (
        targets: { orders: typeof forward; analytics: typeof forwardAnalytics },
        list: [EventEnvelope, number][],
      ) => {
        for (const [envelope, position] of list) {
          await liveReadModelHandler(readModelBaseDb(targets.orders.db), orderProjection).handle(
            parseEnvelope(envelope),
            metaAt(position),
          );
          await liveReadModelHandler(readModelBaseDb(targets.analytics.db), analyticsProjection).handle(
            parseEnvelope(envelope),
            metaAt(position),
          );
        }
      };
      await apply({ orders: forward, analytics: forwardAnalytics }, positioned);
      await apply({ orders: backward, analytics: backwardAnalytics }, [...positioned].reverse());

      expect(await backward.getOrder(orderId)).toEqual(await forward.getOrder(orderId));
      expect(await forward.getOrder(orderId)).toMatchObject({
        status: 'COMPLETED',
        createdAt: '2026-01-01T10:00:00.000Z',
      });
      expect(modelOf(await backwardAnalytics.summary())).toEqual(modelOf(await forwardAnalytics.summary()));
    } finally {
      await Promise.all([forward.close(), backward.close(), forwardAnalytics.close(), backwardAnalytics.close()]);
    }
  });

  it('retry a shipment notification that arrives before the order is known', async () => {
    const store = await openNotificationStore({ filename: dir.file('early-notifications') });
    try {
      const handler = notificationProjection(store.db, storeAndLogChannel(eventsLogger));
      const orderId = newOrderId('early');
      const [created, , , shipped] = completedOrderEvents(orderId, 'cus-e');
      await expect(handler.handle(parseEnvelope(shipped!), metaAt(4))).rejects.toBeInstanceOf(EventOutOfOrderError);
      expect(await countProcessed(store.db, NOTIFICATIONS_CONSUMER)).toBe(0);
      await handler.handle(parseEnvelope(created!), metaAt(1));
      await handler.handle(parseEnvelope(shipped!), metaAt(4));
      expect((await store.listNotifications('cus-e')).map((n) => n.title)).toEqual([
        'Your order is on its way',
        'We received your order',
      ]);
    } finally {
      await store.close();
    }
  });
});
