// Two subscriber replicas of each read model and a rebuild of both while events flow, on SQLite and PostgreSQL.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { parseEnvelope } from '../../src/events/envelope.js';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import type { ReadModelLocations } from '../../src/read-models/databases.js';
import { liveGeneration, readModelBaseDb } from '../../src/read-models/generation.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import type { OrderReadModelStore, StoredOrder } from '../../src/read-models/orders/store.js';
import { rebuildReadModel } from '../../src/read-models/rebuild.js';
import {
  cancelledOrderEvents,
  completedOrderEvents,
  eventsLogger,
  failedOrderEvents,
  newOrderId,
  startEventsServer,
  testSettings,
} from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';
import { modelOf, publishAll, startReadModels, tempDir, waitForDrained } from '../events/consumer/support.js';
import type { ReadModels, TempDir } from '../events/consumer/support.js';
import { createTestDatabase } from '../support/postgres.js';

// Competing replicas may see an order's later event before its creation: give the retry room.
const settings = { ...testSettings, maxDeliver: 20, fetchBatch: 2 };

interface EngineCase {
  engine: 'sqlite' | 'postgres';
  /** Where both replicas keep the models, and a second, empty place for a rebuild from scratch. */
  fresh: (dir: TempDir, name: string) => Promise<Pick<ReadModelLocations, 'analytics' | 'orders'>>;
}

const engines: EngineCase[] = [
  {
    engine: 'sqlite',
    fresh: (dir, name) =>
      Promise.resolve({
        analytics: { filename: dir.file(`${name}-analytics`) },
        orders: { filename: dir.file(`${name}-order-read-model`) },
      }),
  },
  {
    engine: 'postgres',
    fresh: async () => {
      const server = inject('postgresUrl');
      if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
      const url = await createTestDatabase(server, 'replicas');
      return { analytics: { url }, orders: { url } };
    },
  },
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** The facts: each order's terminal status, as its workflow ended it, with the events it published. */
interface PlacedOrder {
  orderId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  events: EventEnvelope[];
}

function placeOrders(count: number): PlacedOrder[] {
  const start = new Date('2026-04-01T08:00:00Z').getTime();
  return Array.from({ length: count }, (_, i) => {
    const customerId = `cus-${i % 4}`;
    const at = new Date(start + i * 60_000);
    const kind = i % 3;
    const orderId = newOrderId(['ok', 'fail', 'cancel'][kind]);
    if (kind === 0) return { orderId, status: 'COMPLETED', events: completedOrderEvents(orderId, customerId, at) };
    if (kind === 1) return { orderId, status: 'FAILED', events: failedOrderEvents(orderId, customerId, at) };
    return { orderId, status: 'CANCELLED', events: cancelledOrderEvents(orderId, customerId, at) };
  });
}

async function allOrders(store: OrderReadModelStore): Promise<StoredOrder[]> {
  const items: StoredOrder[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listOrders({ limit: 50, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

function count<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Minor units captured and refunded per currency, from the payment events. */
function revenueOf(envelopes: EventEnvelope[]): Record<string, { captured: number; refunded: number; net: number }> {
  const revenue: Record<string, { captured: number; refunded: number; net: number }> = {};
  for (const event of envelopes.map(parseEnvelope)) {
    if (event.name !== 'PaymentProcessed' && event.name !== 'PaymentRefunded') continue;
    const { amount, currency } = event.envelope.data.amount;
    const r = (revenue[currency] ??= { captured: 0, refunded: 0, net: 0 });
    if (event.name === 'PaymentProcessed') r.captured += amount;
    else r.refunded += amount;
    r.net = r.captured - r.refunded;
  }
  return revenue;
}

describe.each(engines)('two replicas of each read model and a rebuild during load on $engine', ({ fresh }) => {
  it('end with read models equal to the facts, and equal to a rebuild from scratch', async () => {
    const events: EventsServer = await startEventsServer(settings);
    cleanups.push(() => events.stop());
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const locations = await fresh(dir, 'live');
    // Each replica has its own NATS connection and its own database connections, as separate processes would.
    const replicas: ReadModels[] = [];
    for (const name of ['a', 'b']) {
      const nc: NatsConnection = await events.connect(`replica-${name}`);
      const replica = await startReadModels({ nc, locations, settings, logger: eventsLogger });
      cleanups.push(() => replica.stop());
      replicas.push(replica);
    }
    const [a, b] = replicas as [ReadModels, ReadModels];
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });

    const orders = placeOrders(36);
    const first = orders.slice(0, 12);
    const during = orders.slice(12);
    await publishAll(
      publisher,
      first.flatMap((o) => o.events),
    );

    // Events keep flowing (several orders' events interleaved) while both models are rebuilt in place.
    const publishing = (async () => {
      for (let i = 0; i < during.length; i += 3) {
        const batch = during.slice(i, i + 3).map((o) => o.events);
        const interleaved = batch[0]!.flatMap((_, k) =>
          batch.map((events) => events[k]).filter((e) => e !== undefined),
        );
        await publishAll(publisher, interleaved);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const rebuilt = await Promise.all([
      rebuildReadModel({
        nc: events.nc,
        db: readModelBaseDb(a.analytics.db),
        model: analyticsProjection,
        logger: eventsLogger,
      }),
      rebuildReadModel({
        nc: events.nc,
        db: readModelBaseDb(b.orders.db),
        model: orderProjection,
        logger: eventsLogger,
      }),
    ]);
    await publishing;
    for (const model of [analyticsProjection, orderProjection]) await waitForDrained(events.nc, model.consumer, 60_000);

    expect(rebuilt.map((r) => [r.model, r.generation])).toEqual([
      ['analytics', 2],
      ['orders', 2],
    ]);
    expect(await liveGeneration(readModelBaseDb(b.analytics.db), 'analytics')).toBe(2);
    expect(await liveGeneration(readModelBaseDb(a.orders.db), 'orders')).toBe(2);
    for (const replica of replicas) {
      expect(replica.subscriptions.analytics.stats.deadLettered + replica.subscriptions.orders.stats.deadLettered).toBe(
        0,
      );
    }

    // The order read model: every order at the status its workflow ended it at, read through either replica.
    for (const replica of replicas) {
      const stored = new Map((await allOrders(replica.orders)).map((o) => [o.orderId, o.status]));
      expect(stored.size).toBe(orders.length);
      expect(Object.fromEntries(orders.map((o) => [o.orderId, stored.get(o.orderId)]))).toEqual(
        Object.fromEntries(orders.map((o) => [o.orderId, o.status])),
      );
    }

    // Analytics: statuses, events and money counted once each.
    const published = orders.flatMap((o) => o.events);
    const summary = await b.analytics.summary();
    expect(summary.orders).toEqual({ total: orders.length, byStatus: count(orders, (o) => o.status) });
    expect(summary.events).toEqual(count(published.map(parseEnvelope), (e) => e.name));
    expect(summary.revenue).toEqual(revenueOf(published));
    expect(summary.stepDurations.payment?.count).toBe(orders.length);

    // And a rebuild from scratch into an empty place equals what the replicas built live.
    const scratch = await fresh(dir, 'scratch');
    const analytics = await openAnalyticsReadModel(scratch.analytics);
    cleanups.push(() => analytics.close());
    const ordersModel = await openOrderReadModel(scratch.orders);
    cleanups.push(() => ordersModel.close());
    await rebuildReadModel({
      nc: events.nc,
      db: readModelBaseDb(analytics.db),
      model: analyticsProjection,
      logger: eventsLogger,
    });
    await rebuildReadModel({
      nc: events.nc,
      db: readModelBaseDb(ordersModel.db),
      model: orderProjection,
      logger: eventsLogger,
    });
    expect(modelOf(await analytics.summary())).toEqual(modelOf(summary));
    expect(await allOrders(ordersModel)).toEqual(await allOrders(a.orders));
  }, 120_000);
});
