// The read-model stores on both engines: the same events through the subscribers' handlers read back the same.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoCatalogue } from '../../src/activities/inventory/catalogue.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { InventoryProductCatalogue } from '../../src/api/adapters/inventory-product-catalogue.js';
import type { ReadModelLocations } from '../../src/read-models/databases.js';
import { parseEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { EventMeta } from '../../src/events/consumer/subscriber.js';
import { countProcessed } from '../support/inbox.js';
import { storeAndLogChannel } from '../../src/read-models/notifications/channel.js';
import { NOTIFICATIONS_CONSUMER, notificationProjection } from '../../src/read-models/notifications/projection.js';
import { openNotificationStore } from '../../src/read-models/notifications/store.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import type { AnalyticsFigures } from '../../src/read-models/analytics/store.js';
import { readModelBaseDb } from '../../src/read-models/generation.js';
import { liveReadModelHandler } from '../../src/read-models/generation.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import type { StoredOrder } from '../../src/read-models/orders/store.js';
import type { Notification } from '../../src/read-models/notifications/channel.js';
import {
  cancelledOrderEvents,
  completedOrderEvents,
  envelopeOf,
  eventsLogger,
  failedOrderEvents,
} from '../events/nats/fixtures.js';
import { modelOf } from '../events/consumer/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { runPostgresInitScript } from '../../src/cluster/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-read-model-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function postgresServerUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
  return url;
}

let files = 0;

interface EngineCase {
  engine: 'sqlite' | 'postgres';
  /**
   * Fresh, empty databases: a SQLite file per store (their bookkeeping tables share names), or one PostgreSQL
   * database with a schema per store.
   */
  freshLocations: () => Promise<ReadModelLocations>;
}

const engines: EngineCase[] = [
  {
    engine: 'sqlite',
    freshLocations: () => {
      const prefix = join(dir, `rm-${++files}`);
      return Promise.resolve({
        notifications: { url: `sqlite:${prefix}-notifications.sqlite` },
        analytics: { url: `sqlite:${prefix}-analytics.sqlite` },
        orders: { url: `sqlite:${prefix}-order-read-model.sqlite` },
      });
    },
  },
  {
    engine: 'postgres',
    freshLocations: async () => {
      const url = await createTestDatabase(postgresServerUrl());
      return { notifications: { url }, analytics: { url }, orders: { url } };
    },
  },
];

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
});
function track<S extends { close(): Promise<void> }>(store: S): S {
  opened.push(store);
  return store;
}

function metaAt(position: number): EventMeta {
  return { consumer: 'test', stream: 'ORDERS', streamSeq: position, position, subject: 'orders.x.y', deliveryCount: 1 };
}

/**
 * Three customers' orders as the stream would hold them, interleaved: two that complete (one customer has both)
 * and one that fails after payment and is refunded. Fixed IDs and times, so both engines get identical envelopes.
 */
const stream: EventEnvelope[] = (() => {
  const a = completedOrderEvents('ord-a', 'cus-1', new Date('2026-01-01T10:00:00Z'));
  const b = failedOrderEvents('ord-b', 'cus-2', new Date('2026-01-01T10:00:01Z'));
  const c = completedOrderEvents('ord-c', 'cus-1', new Date('2026-01-01T10:00:05Z'));
  const interleaved: EventEnvelope[] = [];
  for (let i = 0; i < Math.max(a.length, b.length, c.length); i++) {
    for (const events of [a, b, c]) {
      const event = events[i];
      if (event) interleaved.push(event);
    }
  }
  return interleaved;
})();

interface ReadBack {
  notifications: Record<string, Notification[]>;
  summary: Omit<AnalyticsFigures, 'updatedAt'>;
  /** Every order, page by page (two a page, through the cursor), and filtered. */
  pages: StoredOrder[][];
  failed: StoredOrder[];
  ofCustomer: StoredOrder[];
  one: StoredOrder | undefined;
  processed: { notifications: number };
}

/** Applies the stream (then a redelivery of all of it) through the subscribers' handlers and reads everything back. */
async function applyAndRead(locations: ReadModelLocations): Promise<ReadBack> {
  const notifications = track(await openNotificationStore(locations.notifications));
  const analytics = track(await openAnalyticsReadModel(locations.analytics));
  const orders = track(await openOrderReadModel(locations.orders));
  const handlers = [
    notificationProjection(notifications.db, storeAndLogChannel(eventsLogger)),
    liveReadModelHandler(readModelBaseDb(analytics.db), analyticsProjection),
    liveReadModelHandler(readModelBaseDb(orders.db), orderProjection),
  ];
  for (let round = 0; round < 2; round++) {
    for (const [i, envelope] of stream.entries()) {
      for (const handler of handlers) await handler.handle(parseEnvelope(envelope), metaAt(i + 1));
    }
  }

  const pages: StoredOrder[][] = [];
  let cursor: string | undefined;
  do {
    const page = await orders.listOrders({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return {
    notifications: {
      'cus-1': await notifications.listNotifications('cus-1'),
      'cus-2': await notifications.listNotifications('cus-2'),
    },
    summary: modelOf(await analytics.summary()),
    pages,
    failed: (await orders.listOrders({ limit: 10, status: 'FAILED' })).items,
    ofCustomer: (await orders.listOrders({ limit: 10, customerId: 'cus-1' })).items,
    one: await orders.getOrder('ord-b'),
    processed: { notifications: await countProcessed(notifications.db, NOTIFICATIONS_CONSUMER) },
  };
}

describe('read models on SQLite and PostgreSQL', () => {
  const results = new Map<string, ReadBack>();

  beforeAll(async () => {
    for (const { engine, freshLocations } of engines) {
      results.set(engine, await applyAndRead(await freshLocations()));
      await Promise.allSettled(opened.splice(0).map((s) => s.close()));
    }
  });

  it('read back what the events say on SQLite', () => {
    const sqlite = results.get('sqlite')!;
    expect(sqlite.pages.flat().map((o) => o.orderId)).toEqual(['ord-c', 'ord-b', 'ord-a']);
    expect(sqlite.pages.map((p) => p.length)).toEqual([2, 1]);
    expect(sqlite.failed.map((o) => o.orderId)).toEqual(['ord-b']);
    expect(sqlite.ofCustomer.map((o) => o.orderId)).toEqual(['ord-c', 'ord-a']);
    expect(sqlite.one).toMatchObject({
      status: 'FAILED',
      total: 1_000,
      currency: 'USD',
      failure: { code: 'OutOfStock' },
    });
    expect(sqlite.summary.orders).toEqual({ total: 3, byStatus: { COMPLETED: 2, FAILED: 1 } });
    expect(sqlite.summary.revenue).toEqual({
      EUR: { captured: 7_500, refunded: 0, net: 7_500 },
      USD: { captured: 1_000, refunded: 1_000, net: 0 },
    });
    expect(sqlite.summary.eventsProcessed).toBe(stream.length);
    expect(Object.keys(sqlite.summary.stepDurations).length).toBeGreaterThan(0);
    expect(sqlite.notifications['cus-2']).toHaveLength(5);
    expect(sqlite.processed.notifications).toBe(stream.length);
  });

  it('are equal on PostgreSQL, numbers as numbers', () => {
    const postgres = results.get('postgres')!;
    expect(postgres).toEqual(results.get('sqlite'));
    expect(typeof postgres.summary.eventsProcessed).toBe('number');
    expect(typeof postgres.summary.orders.byStatus.COMPLETED).toBe('number');
  });
});

describe.each(engines)('the order of an order’s events on $engine', ({ freshLocations }) => {
  /** A failed order's events, each numbered by the workflow as its relay would publish them. */
  const sequenced = (orderId: string): EventEnvelope[] =>
    failedOrderEvents(orderId, 'cus-seq').map((e, i) => ({ ...e, ordersequence: i + 1 }));

  it('follows the workflow’s sequence, never the stream position: events that reached the stream in reverse', async () => {
    const locations = await freshLocations();
    const analytics = track(await openAnalyticsReadModel(locations.analytics));
    const orders = track(await openOrderReadModel(locations.orders));
    const handlers = [
      liveReadModelHandler(readModelBaseDb(analytics.db), analyticsProjection),
      liveReadModelHandler(readModelBaseDb(orders.db), orderProjection),
    ];
    // Four relays drained at their own pace after an outage: OrderFailed (5) reached the stream first.
    const events = sequenced('ord-seq').reverse();
    // And an event of a run from before the sequence, late in the stream: it still ranks below every numbered one.
    const [legacyPayment] = failedOrderEvents('ord-seq', 'cus-seq').filter((e) => e.type.includes('PaymentProcessed'));
    for (const [i, envelope] of [...events, legacyPayment!].entries()) {
      for (const handler of handlers) await handler.handle(parseEnvelope(envelope), metaAt(i + 1));
    }
    expect(await orders.getOrder('ord-seq')).toMatchObject({
      status: 'FAILED',
      lastEvent: 'OrderFailed',
      failure: { code: 'OutOfStock' },
    });
    expect((await analytics.summary()).orders.byStatus).toEqual({ FAILED: 1 });
  });
});

describe.each(engines)('an order reset after it ended, on $engine', ({ freshLocations }) => {
  it('follows the new run: its OrderFailed (sequence 3) ranks above the old run’s OrderCancelled (sequence 6)', async () => {
    const locations = await freshLocations();
    const analytics = track(await openAnalyticsReadModel(locations.analytics));
    const orders = track(await openOrderReadModel(locations.orders));
    const handlers = [
      liveReadModelHandler(readModelBaseDb(analytics.db), analyticsProjection),
      liveReadModelHandler(readModelBaseDb(orders.db), orderProjection),
    ];
    // The old run: created, paid, refunded, cancelled, its calls made at the workflow's clock in its first minute.
    const oldRun = Date.parse('2026-01-01T12:00:00Z');
    const old = cancelledOrderEvents('ord-reset', 'cus-reset').map((e, i) => ({
      ...e,
      ordersequence: [1, 2, 5, 6][i],
      ordertime: oldRun + i * 1_000,
    }));
    // The run after the reset counts from 1 again; its third call announced OrderFailed, an hour later.
    const reason = { code: 'StepAlreadyCompensated', message: 'chargePayment was already compensated' };
    const total = { amount: 4_999, currency: 'EUR' };
    const newRun = {
      ...envelopeOf(
        'OrderFailed',
        { orderId: 'ord-reset', customerId: 'cus-reset', status: 'FAILED', total, reason },
        new Date(oldRun + 3_600_000),
      ),
      ordersequence: 3,
      ordertime: oldRun + 3_600_000,
    };
    for (const [i, envelope] of [...old, newRun].entries()) {
      for (const handler of handlers) await handler.handle(parseEnvelope(envelope), metaAt(i + 1));
    }
    expect(await orders.getOrder('ord-reset')).toMatchObject({
      status: 'FAILED',
      lastEvent: 'OrderFailed',
      failure: { code: 'StepAlreadyCompensated' },
    });
    expect((await analytics.summary()).orders.byStatus).toEqual({ FAILED: 1 });
  });

  it('still ranks an event without a time (a run from before it) below every timed one', async () => {
    const locations = await freshLocations();
    const orders = track(await openOrderReadModel(locations.orders));
    const handler = liveReadModelHandler(readModelBaseDb(orders.db), orderProjection);
    const [created, paid, refunded, cancelled] = cancelledOrderEvents('ord-mixed', 'cus-mixed');
    // An old run numbered its events but had no time; the run after the reset has both.
    const untimed = [created, paid, refunded, cancelled].map((e, i) => ({ ...e!, ordersequence: i + 10 }));
    const reason = { code: 'StepAlreadyCompensated', message: 'chargePayment was already compensated' };
    const total = { amount: 4_999, currency: 'EUR' };
    const failed = {
      ...envelopeOf(
        'OrderFailed',
        { orderId: 'ord-mixed', customerId: 'cus-mixed', status: 'FAILED', total, reason },
        new Date('2026-01-02T00:00:00Z'),
      ),
      ordersequence: 3,
      ordertime: Date.parse('2026-01-02T00:00:00Z'),
    };
    for (const [i, envelope] of [failed, ...untimed].entries())
      await handler.handle(parseEnvelope(envelope), metaAt(i + 1));
    expect(await orders.getOrder('ord-mixed')).toMatchObject({ status: 'FAILED', lastEvent: 'OrderFailed' });
  });
});

describe.each(engines)('a read-only reader on $engine', ({ freshLocations }) => {
  it('answers empty before the writers have created the read models, then reads what they wrote', async () => {
    const locations = await freshLocations();
    const notifications = track(await openNotificationStore(locations.notifications, { readOnly: true }));
    const analytics = track(await openAnalyticsReadModel(locations.analytics, { readOnly: true }));
    const orders = track(await openOrderReadModel(locations.orders, { readOnly: true }));
    expect(await notifications.listNotifications('cus-1')).toEqual([]);
    expect(await orders.listOrders({ limit: 10 })).toEqual({ items: [] });
    expect(await orders.getOrder('ord-a')).toBeUndefined();
    expect((await analytics.summary()).eventsProcessed).toBe(0);

    const written = await applyAndRead(locations);
    expect((await notifications.listNotifications('cus-1')).length).toBe(written.notifications['cus-1']!.length);
    expect((await orders.listOrders({ limit: 10 })).items).toEqual(written.pages.flat());
    expect(modelOf(await analytics.summary())).toEqual(written.summary);
  });
});

describe("compose's PostgreSQL roles (deploy/postgres/init.sh)", () => {
  it('let the subscribers migrate and write their schemas, and the API only read them and the products', async () => {
    const database = await createTestDatabase(postgresServerUrl(), 'init_sql');
    // Roles are global to the server: this suite's server is throwaway and this is the only test that makes them.
    // Through deploy/postgres/init.sh, as compose runs it: init.sql's passwords are psql variables.
    await runPostgresInitScript(database);
    const as = (role: string) => {
      const url = new URL(database);
      url.username = role;
      url.password = role;
      return { url: url.toString() };
    };
    const inventory = track(await openInventoryStore(as('inventory')));
    await inventory.seed(demoCatalogue, '2026-01-01T00:00:00.000Z');
    const written = await applyAndRead({
      notifications: as('notifications'),
      analytics: as('analytics'),
      orders: as('analytics'),
    });

    const api = as('api');
    const orders = track(await openOrderReadModel(api, { readOnly: true }));
    const analytics = track(await openAnalyticsReadModel(api, { readOnly: true }));
    const notifications = track(await openNotificationStore(api, { readOnly: true }));
    expect((await orders.listOrders({ limit: 10 })).items).toEqual(written.pages.flat());
    expect(modelOf(await analytics.summary())).toEqual(written.summary);
    expect(await notifications.listNotifications('cus-2')).toEqual(written.notifications['cus-2']);
    const catalogue = new InventoryProductCatalogue(api);
    try {
      expect(await catalogue.listProducts()).toHaveLength(demoCatalogue.length);
    } finally {
      await catalogue.close();
    }
    await expect(
      sql`delete from order_read_model.orders`.execute(orders.db),
      'the API role cannot write',
    ).rejects.toThrow(/permission denied/);
  });
});
