// Rebuilding the read models from the event log: the rebuilt generation equals the live one, and live updates continue on it.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import { liveGeneration, readModelBaseDb } from '../../src/read-models/generation.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import type { OrderReadModelStore, StoredOrder } from '../../src/read-models/orders/store.js';
import { rebuildReadModel } from '../../src/read-models/rebuild.js';
import {
  completedOrderEvents,
  failedOrderEvents,
  newOrderId,
  eventsLogger,
  startEventsServer,
  testSettings,
} from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';
import { modelOf, publishAll, startReadModels, tempDir, waitForDrained } from '../events/consumer/support.js';
import type { ReadModels, TempDir } from '../events/consumer/support.js';

const rebuildCommand = fileURLToPath(new URL('../../src/cli/read-model-rebuild.ts', import.meta.url));

let events: EventsServer;
let dir: TempDir;
let live: ReadModels;
let publisher: JetStreamEventPublisher;

async function allOrders(store: OrderReadModelStore): Promise<StoredOrder[]> {
  const items: StoredOrder[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listOrders({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

async function drained() {
  await waitForDrained(events.nc, analyticsProjection.consumer);
  await waitForDrained(events.nc, orderProjection.consumer);
}

beforeAll(async () => {
  events = await startEventsServer();
  dir = await tempDir();
  live = await startReadModels({
    nc: events.nc,
    locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('order-read-model') } },
    settings: testSettings,
    logger: eventsLogger,
  });
  publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
  const start = new Date('2026-02-01T08:00:00Z');
  for (let i = 0; i < 5; i++) {
    const at = new Date(start.getTime() + i * 60_000);
    await publishAll(publisher, completedOrderEvents(newOrderId('rb'), `cus-${i % 2}`, at));
    await publishAll(publisher, failedOrderEvents(newOrderId('rbf'), `cus-${i % 2}`, new Date(at.getTime() + 30_000)));
  }
  await drained();
});

afterAll(async () => {
  await live?.stop();
  await events?.stop();
  await dir?.remove();
});

describe('read model rebuild', () => {
  it('pages the live order list newest first with an opaque cursor', async () => {
    const orders = await allOrders(live.orders);
    expect(orders).toHaveLength(10);
    expect(orders.map((o) => o.createdAt)).toEqual([...orders.map((o) => o.createdAt)].sort().reverse());
    const failed = await live.orders.listOrders({ status: 'FAILED', customerId: 'cus-0', limit: 10 });
    expect(failed.items.map((o) => [o.status, o.customerId])).toEqual(Array(3).fill(['FAILED', 'cus-0']));
    expect(failed.nextCursor).toBeUndefined();
  });

  it('rebuilds into a fresh database equal to the live one', async () => {
    const analytics = await openAnalyticsReadModel({ filename: dir.file('fresh-analytics') });
    const orders = await openOrderReadModel({ filename: dir.file('fresh-orders') });
    try {
      await rebuildReadModel({
        nc: events.nc,
        db: readModelBaseDb(analytics.db),
        model: analyticsProjection,
        logger: eventsLogger,
      });
      await rebuildReadModel({
        nc: events.nc,
        db: readModelBaseDb(orders.db),
        model: orderProjection,
        logger: eventsLogger,
      });
      expect(modelOf(await analytics.summary())).toEqual(modelOf(await live.analytics.summary()));
      expect(await allOrders(orders)).toEqual(await allOrders(live.orders));
    } finally {
      await Promise.all([analytics.close(), orders.close()]);
    }
  });

  it('rebuilds the live models in place, switches atomically, and live updates land in the new generation', async () => {
    const summaryBefore = await live.analytics.summary();
    const ordersBefore = await allOrders(live.orders);

    // Events keep arriving during the rebuild.
    const during = newOrderId('during');
    const publishing = publishAll(publisher, completedOrderEvents(during, 'cus-9', new Date('2026-02-02T00:00:00Z')));
    const result = await rebuildReadModel({
      nc: events.nc,
      db: readModelBaseDb(live.analytics.db),
      model: analyticsProjection,
      logger: eventsLogger,
    });
    await publishing;
    await drained();
    expect(result).toMatchObject({ model: 'analytics', generation: 2, previous: 1, skipped: 0 });
    expect(await liveGeneration(readModelBaseDb(live.analytics.db), 'analytics')).toBe(2);

    const after = await live.analytics.summary();
    expect(after.orders.total).toBe(summaryBefore.orders.total + 1);
    expect(after.events.OrderCreated).toBe((summaryBefore.events.OrderCreated ?? 0) + 1);
    // Nothing of the old generation is left behind.
    const generations = await live.analytics.db
      .selectFrom('analytics_counters')
      .select('generation')
      .distinct()
      .execute();
    expect(generations).toEqual([{ generation: 2 }]);

    // The command: same result for the order model, from another process.
    const run = await execa('node', ['--import', 'tsx', rebuildCommand, '--model', 'orders'], {
      env: { NATS_URL: events.url, DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
      reject: false,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^orders: generation 2 is live \(was 1\)/);
    const ordersAfter = await allOrders(live.orders);
    expect(ordersAfter).toHaveLength(ordersBefore.length + 1);
    expect(ordersAfter.filter((o) => o.orderId !== during)).toEqual(ordersBefore);
    expect(await live.orders.getOrder(during)).toMatchObject({ status: 'COMPLETED', customerId: 'cus-9' });

    // The live subscriber writes to the new generation.
    const next = newOrderId('next');
    await publishAll(publisher, completedOrderEvents(next, 'cus-9', new Date('2026-02-03T00:00:00Z')));
    await drained();
    expect(await live.orders.getOrder(next)).toMatchObject({ status: 'COMPLETED' });
    expect((await live.analytics.summary()).orders.total).toBe(summaryBefore.orders.total + 2);
  });
});
