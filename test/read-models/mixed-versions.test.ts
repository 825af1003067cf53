// OrderCreated v1 and v2 in one stream: every subscriber and the rebuild give the same read models as a stream of v1 alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { EventData } from '../../src/events/catalogue.js';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import { readModelBaseDb } from '../../src/read-models/generation.js';
import { NOTIFICATIONS_CONSUMER } from '../../src/read-models/notifications/projection.js';
import type { NotificationStore } from '../../src/read-models/notifications/store.js';
import { startNotificationsService } from '../../src/read-models/notifications/subscription.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import type { OrderReadModelStore, StoredOrder } from '../../src/read-models/orders/store.js';
import { rebuildReadModel } from '../../src/read-models/rebuild.js';
import type { ReadModelService } from '../../src/read-models/service.js';
import { modelOf, publishAll, startReadModels, tempDir, waitForDrained } from '../events/consumer/support.js';
import type { ReadModels, TempDir } from '../events/consumer/support.js';
import {
  cancelledOrderEvents,
  completedOrderEvents,
  eventsLogger,
  failedOrderEvents,
  startEventsServer,
  testSettings,
} from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';

/** One NATS server with every subscriber on its own databases. */
interface World {
  events: EventsServer;
  models: ReadModels;
  notifications: ReadModelService<NotificationStore>;
}

const customers = ['cus-a', 'cus-b'];
let dir: TempDir;
let v1Only: World;
let mixed: World;

/** The same OrderCreated at another version: same ID (workflow, step, name), same time, same data. */
function orderCreatedAt(envelope: EventEnvelope, version: number, extra: Partial<EventData<'OrderCreated'>> = {}) {
  const data = { ...(envelope.data as EventData<'OrderCreated'>), ...extra };
  return buildEnvelope({
    name: 'OrderCreated',
    workflowId: `order-${data.orderId}`,
    step: 'OrderCreated',
    data,
    time: envelope.time,
    version,
  });
}

/** Twelve orders of three kinds; fixed IDs, so both worlds hold the same orders. */
function orders(): EventEnvelope[][] {
  const start = new Date('2026-03-01T08:00:00Z');
  const kinds = [completedOrderEvents, failedOrderEvents, cancelledOrderEvents];
  return Array.from({ length: 12 }, (_, i) => {
    const kind = kinds[i % kinds.length] ?? completedOrderEvents;
    return kind(`mix-${i}`, customers[i % 2] ?? 'cus-a', new Date(start.getTime() + i * 60_000));
  });
}

/** Every OrderCreated as v1: the stream before the migration. */
const asV1 = (events: EventEnvelope[]) =>
  events.map((e) => (e.type.startsWith('com.ordersaga.OrderCreated.') ? orderCreatedAt(e, 1) : e));

/**
 * Every other order's OrderCreated as v2, some with an approval deadline, one with a field no version knows: a
 * stream in the middle of the migration (the producer setting flipped half-way, or two producers on two settings).
 */
function asMixed(events: EventEnvelope[], i: number): EventEnvelope[] {
  return events.map((e) => {
    if (!e.type.startsWith('com.ordersaga.OrderCreated.')) return e;
    if (i % 2 === 0) return orderCreatedAt(e, 1);
    const v2 = orderCreatedAt(e, 2, i % 4 === 1 ? { approvalDeadline: '2026-03-02T08:00:00.000Z' } : {});
    return i === 3 ? { ...v2, data: { ...v2.data, giftWrap: { paper: 'gold' } } } : v2;
  });
}

async function startWorld(name: string, streams: EventEnvelope[][]): Promise<World> {
  const events = await startEventsServer();
  const models = await startReadModels({
    nc: events.nc,
    locations: {
      analytics: { filename: dir.file(`${name}-analytics`) },
      orders: { filename: dir.file(`${name}-orders`) },
    },
    settings: testSettings,
    logger: eventsLogger,
  });
  const notifications = await startNotificationsService({
    nc: events.nc,
    location: { filename: dir.file(`${name}-notifications`) },
    settings: testSettings,
    logger: eventsLogger,
  });
  const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
  for (const stream of streams) await publishAll(publisher, stream);
  for (const consumer of [analyticsProjection.consumer, orderProjection.consumer, NOTIFICATIONS_CONSUMER]) {
    await waitForDrained(events.nc, consumer);
  }
  return { events, models, notifications };
}

async function allOrders(store: OrderReadModelStore): Promise<StoredOrder[]> {
  return (await store.listOrders({ limit: 100 })).items;
}

/** The one field only v2 can state, set aside so the rest compares with v1 alone. */
const deadlineAside = (orders: StoredOrder[]) => orders.map((o) => ({ ...o, approvalDeadline: null }));

/** The orders whose OrderCreated v2 stated a deadline (see asMixed), and nothing else. */
const withDeadline = (orders: StoredOrder[]) =>
  Object.fromEntries(orders.filter((o) => o.approvalDeadline !== null).map((o) => [o.orderId, o.approvalDeadline]));
const expectedDeadlines = Object.fromEntries(
  orders()
    .map((_, i) => i)
    .filter((i) => i % 4 === 1)
    .map((i) => [`mix-${i}`, '2026-03-02T08:00:00.000Z']),
);

async function allNotifications(world: World) {
  return Promise.all(customers.map((c) => world.notifications.store.listNotifications(c)));
}

beforeAll(async () => {
  dir = await tempDir();
  const all = orders();
  v1Only = await startWorld('v1', all.map(asV1));
  mixed = await startWorld('mixed', all.map(asMixed));
}, 120_000);

afterAll(async () => {
  for (const world of [v1Only, mixed]) {
    await world?.models.stop();
    await world?.notifications.stop();
    await world?.events.stop();
  }
  await dir?.remove();
});

describe('a stream of OrderCreated v1 and v2', () => {
  it('holds both versions (the test is not comparing v1 with v1)', () => {
    const types = orders().map((o, i) => asMixed(o, i)[0]?.type);
    expect(new Set(types)).toEqual(new Set(['com.ordersaga.OrderCreated.v1', 'com.ordersaga.OrderCreated.v2']));
  });

  it('gives every live subscriber the same read model as v1 alone: nothing dead-lettered', async () => {
    expect(modelOf(await mixed.models.analytics.summary())).toEqual(modelOf(await v1Only.models.analytics.summary()));
    const mixedOrders = await allOrders(mixed.models.orders);
    expect(mixedOrders).toHaveLength(12);
    expect(deadlineAside(mixedOrders)).toEqual(await allOrders(v1Only.models.orders));
    expect(withDeadline(mixedOrders)).toEqual(expectedDeadlines);
    expect(withDeadline(await allOrders(v1Only.models.orders))).toEqual({});
    expect(mixedOrders.every((o) => (o.lines ?? []).length > 0)).toBe(true);
    const notifications = await allNotifications(mixed);
    expect(notifications.flat().filter((n) => n.event === 'OrderCreated')).toHaveLength(12);
    expect(notifications).toEqual(await allNotifications(v1Only));
    for (const world of [mixed, v1Only]) {
      expect(world.models.subscriptions.orders.stats.deadLettered).toBe(0);
      expect(world.models.subscriptions.analytics.stats.deadLettered).toBe(0);
      expect(world.notifications.subscription.stats.deadLettered).toBe(0);
    }
  });

  it('rebuilds both read models from the mixed stream equal to the live models of v1 alone', async () => {
    const analytics = await openAnalyticsReadModel({ filename: dir.file('rebuilt-analytics') });
    const rebuilt = await openOrderReadModel({ filename: dir.file('rebuilt-orders') });
    try {
      const common = { nc: mixed.events.nc, logger: eventsLogger };
      const a = await rebuildReadModel({ ...common, db: readModelBaseDb(analytics.db), model: analyticsProjection });
      const o = await rebuildReadModel({ ...common, db: readModelBaseDb(rebuilt.db), model: orderProjection });
      expect([a.skipped, o.skipped]).toEqual([0, 0]);
      expect(modelOf(await analytics.summary())).toEqual(modelOf(await v1Only.models.analytics.summary()));
      const rebuiltOrders = await allOrders(rebuilt);
      expect(deadlineAside(rebuiltOrders)).toEqual(await allOrders(v1Only.models.orders));
      expect(withDeadline(rebuiltOrders)).toEqual(expectedDeadlines);
    } finally {
      await Promise.all([analytics.close(), rebuilt.close()]);
    }
  });
});
