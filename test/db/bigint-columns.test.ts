// Values above 2^31 (int4's limit) in the read models' counters, durations, totals and positions, and in the services' money and stock, on both engines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { DatabaseLocation } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { parseEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { EventMeta } from '../../src/events/consumer/subscriber.js';
import { inventoryMigrations } from '../../src/activities/inventory/migrations.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { paymentMigrations } from '../../src/activities/payments/migrations.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import { analyticsMigrations } from '../../src/read-models/analytics/migrations.js';
import { migrationsBefore } from '../support/migrations.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import { ensureGenerationRow, liveReadModelHandler, readModelBaseDb } from '../../src/read-models/generation.js';
import type { ReadModelBaseTables } from '../../src/read-models/generation.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import { envelopeOf, newOrderId } from '../events/nats/fixtures.js';
import { createTestDatabase } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-bigint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface EngineCase {
  engine: 'sqlite' | 'postgres';
  fresh: () => Promise<DatabaseLocation>;
}

const engines: EngineCase[] = [
  { engine: 'sqlite', fresh: () => Promise.resolve({ filename: join(dir, `rm-${++files}.sqlite`) }) },
  {
    engine: 'postgres',
    fresh: async () => {
      const server = inject('postgresUrl');
      if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
      return { url: await createTestDatabase(server, 'bigint') };
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

const int4Max = 2 ** 31 - 1;
/** Stream positions past int4: a long-lived stream's sequence gets there. */
const farPosition = 3_000_000_000;
function metaAt(offset: number): EventMeta {
  const position = farPosition + offset;
  return { consumer: 'test', stream: 'ORDERS', streamSeq: position, position, subject: 'orders.x.y', deliveryCount: 1 };
}

/** 30 days between an order's creation and its payment: 2,592,000,000 ms, past int4 in one step. */
const thirtyDaysMs = 30 * 24 * 3_600_000;
/** 30 million euros in cents. */
const bigAmount = 3_000_000_000;

function slowBigOrder(orderId: string, start: Date): EventEnvelope[] {
  const total = { amount: bigAmount, currency: 'EUR' };
  const line = { sku: 'SKU-YACHT', quantity: 1, name: 'Yacht', unitPrice: total, lineTotal: total };
  return [
    envelopeOf('OrderCreated', { orderId, customerId: 'cus-big', status: 'PENDING', total, lines: [line] }, start),
    envelopeOf(
      'PaymentProcessed',
      { orderId, customerId: 'cus-big', paymentId: `pay-${orderId}`, amount: total },
      new Date(start.getTime() + thirtyDaysMs),
    ),
  ];
}

describe.each(engines)('bigint columns on $engine', ({ engine, fresh }) => {
  it('a schema migrated before the widening keeps its rows and then holds values above 2^31', async () => {
    const location = await fresh();
    // A data folder (or schema) of the previous release: the analytics migrations before the widening.
    const previous = migrationsBefore(analyticsMigrations, '0004-bigint');
    const old = openDatabase<ReadModelBaseTables>(location, 'analytics');
    try {
      await migrateToLatest(old, 'analytics', previous);
      await ensureGenerationRow(old, analyticsProjection.name);
      const handler = liveReadModelHandler(old, analyticsProjection);
      const [created] = slowBigOrder(newOrderId('before'), new Date('2026-01-01T00:00:00Z'));
      const small = parseEnvelope({ ...created!, data: { ...created!.data, total: { amount: 100, currency: 'EUR' } } });
      await handler.handle(small, { ...metaAt(0), streamSeq: 1, position: 1 });
    } finally {
      await old.destroy();
    }

    const store = track(await openAnalyticsReadModel(location));
    if (engine === 'postgres') {
      expect(await columnTypes(store.db as unknown as Kysely<ReadModelBaseTables>, 'analytics')).toMatchObject({
        'analytics_counters.value': 'bigint',
        'analytics_orders.status_position': 'bigint',
        'analytics_step_durations.count': 'bigint',
        'analytics_step_durations.total_ms': 'bigint',
        'analytics_step_durations.max_ms': 'bigint',
        'processed_events.stream_seq': 'bigint',
        'event_failures.stream_seq': 'bigint',
      });
    }
    expect((await store.summary()).events, 'the row written before the widening').toEqual({ OrderCreated: 1 });

    const handler = liveReadModelHandler(readModelBaseDb(store.db), analyticsProjection);
    const start = new Date('2026-02-01T00:00:00Z');
    let offset = 1;
    for (const orderId of [newOrderId('big'), newOrderId('big')]) {
      for (const envelope of slowBigOrder(orderId, start))
        await handler.handle(parseEnvelope(envelope), metaAt(offset++));
    }

    const summary = await store.summary();
    expect(summary.stepDurations.payment).toEqual({ count: 2, averageMs: thirtyDaysMs, maxMs: thirtyDaysMs });
    expect(thirtyDaysMs * 2).toBeGreaterThan(int4Max);
    expect(summary.revenue.EUR).toEqual({ captured: 2 * bigAmount, refunded: 0, net: 2 * bigAmount });
    expect(summary.orders.total).toBe(3);
    expect(summary.eventsProcessed).toBe(5);
  });

  it('the order read model keeps a total and positions above 2^31, as numbers', async () => {
    const store = track(await openOrderReadModel(await fresh()));
    const handler = liveReadModelHandler(readModelBaseDb(store.db), orderProjection);
    const orderId = newOrderId('big');
    const [created, charged] = slowBigOrder(orderId, new Date('2026-03-01T00:00:00Z'));
    await handler.handle(parseEnvelope(created!), metaAt(0));
    await handler.handle(parseEnvelope(charged!), metaAt(1));
    // A redelivery of the first event, far past int4 too: the inbox still recognises it.
    await handler.handle(parseEnvelope(created!), metaAt(0));

    const order = await store.getOrder(orderId);
    expect(order).toMatchObject({ status: 'PAYMENT_CAPTURED', total: bigAmount, lastEvent: 'PaymentProcessed' });
    expect(typeof order?.total).toBe('number');
  });
});

describe.each(engines)('the services\u2019 money and stock on $engine', ({ engine, fresh }) => {
  it('a store migrated before the widening is widened on open, then holds a charge and stock above 2^31', async () => {
    const location = await fresh();
    for (const [service, migrations] of [
      ['payments', paymentMigrations],
      ['inventory', inventoryMigrations],
    ] as const) {
      const old = openDatabase<ReadModelBaseTables>(location, service);
      try {
        await migrateToLatest(old, service, migrationsBefore(migrations, '0004-bigint'));
      } finally {
        await old.destroy();
      }
    }
    const inventory = track(await openInventoryStore({ ...location, at: '2026-01-01T00:00:00Z' }));
    const payments = track(await openPaymentStore(location));
    if (engine === 'postgres') {
      const types = async (service: string) => {
        const db = openDatabase<ReadModelBaseTables>(location, service);
        try {
          return await columnTypes(db, service);
        } finally {
          await db.destroy();
        }
      };
      expect(await types('payments')).toMatchObject({ 'charges.amount': 'bigint' });
      expect(await types('inventory')).toMatchObject({
        'products.unit_price': 'bigint',
        'products.available': 'bigint',
        'products.restocked': 'bigint',
        'products.shipped': 'bigint',
        'reservation_lines.quantity': 'bigint',
      });
    }

    const orderId = newOrderId('big');
    const charge = await payments.recordCharge({
      paymentId: `pay-${orderId}`,
      idempotencyKey: `order-${orderId}:chargePayment`,
      orderId,
      customerId: 'cus-big',
      amount: { amount: bigAmount, currency: 'EUR' },
      status: 'captured',
      refundBlocked: false,
      at: '2026-01-01T00:00:00Z',
    });
    expect(charge.amount).toEqual({ amount: bigAmount, currency: 'EUR' });
    expect((await payments.findChargeByKey(`order-${orderId}:chargePayment`))?.amount.amount).toBe(bigAmount);

    const [before] = (await inventory.stockLevels()).filter((l) => l.sku === 'SKU-MUG');
    const after = await inventory.restock('SKU-MUG', int4Max, '2026-01-02T00:00:00Z');
    expect(after.available).toBe(before!.available + int4Max);
    expect(after.available).toBeGreaterThan(int4Max);
  });
});

/** `table.column` → data type of every integer-ish column in `schema`, as PostgreSQL reports it. */
async function columnTypes(db: Kysely<ReadModelBaseTables>, schema: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = ${schema} and data_type in ('integer', 'bigint')`.execute(db);
  return Object.fromEntries(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]));
}
