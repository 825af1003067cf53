// Compensation tombstones on both engines: a compensation that finds nothing takes the forward step's key, and on PostgreSQL neither side of the race wins an effect that is never undone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { CatalogueItem } from '../../src/activities/inventory/catalogue.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { KyselyInventoryStore, StockLevel } from '../../src/activities/inventory/store.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { DatabaseLocation } from '../../src/db/database.js';
import { createTestDatabase } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-tombstones-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function postgresServerUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
  return url;
}

let files = 0;
const engines = [
  { engine: 'sqlite', freshLocation: () => Promise.resolve({ url: `sqlite:${join(dir, `db-${++files}.sqlite`)}` }) },
  { engine: 'postgres', freshLocation: async () => ({ url: await createTestDatabase(postgresServerUrl()) }) },
] as const satisfies readonly { engine: string; freshLocation: () => Promise<DatabaseLocation & { url: string }> }[];

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
});
function track<S extends { close(): Promise<void> }>(store: S): S {
  opened.push(store);
  return store;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();
const catalogue: CatalogueItem[] = [{ sku: 'A', name: 'A', unitPrice: { amount: 100, currency: 'EUR' }, stock: 10 }];
const keys = {
  charge: 'order-o1:chargePayment',
  refund: 'order-o1:refundPayment',
  reserve: 'order-o1:reserveInventory',
  release: 'order-o1:releaseInventory',
  ship: 'order-o1:createShipment',
  cancel: 'order-o1:cancelShipment',
};

async function stockOf(store: KyselyInventoryStore): Promise<StockLevel | undefined> {
  return (await store.stockLevels()).find((l) => l.sku === 'A');
}

describe.each(engines)('compensation tombstones on $engine', ({ freshLocation }) => {
  it('a release that found nothing makes a later reservation under the step’s key reserve nothing', async () => {
    const store = track(await openInventoryStore({ ...(await freshLocation()), catalogue, at: at(0) }));
    const release = { orderId: 'o1', idempotencyKey: keys.release, forwardKey: keys.reserve, at: at(1) };
    expect(await store.release(release)).toEqual({ applied: false });
    const late = await store.reserve({
      orderId: 'o1',
      reservationId: 'r1',
      idempotencyKey: keys.reserve,
      lines: [{ sku: 'A', quantity: 3 }],
      at: at(2),
    });
    expect(late).toMatchObject({
      reservationId: `void_${keys.reserve}`,
      status: 'released',
      lines: [],
      tombstone: true,
    });
    expect(await stockOf(store)).toMatchObject({ available: 10, reserved: 0, shipped: 0 });
    expect(await store.release({ ...release, at: at(3) })).toEqual({ applied: false });
    expect(await store.commit({ orderId: 'o1', idempotencyKey: 'order-o1:commitReservation', at: at(4) })).toEqual({
      applied: false,
    });
  });

  it('a refund that found nothing makes a later charge under the step’s key a tombstone, not a charge', async () => {
    const store = track(await openPaymentStore(await freshLocation()));
    const refund = { orderId: 'o1', idempotencyKey: keys.refund, forwardKey: keys.charge, at: at(1) };
    expect(await store.refund(refund)).toEqual({ kind: 'none' });
    const late = await store.recordCharge({
      paymentId: 'pay-1',
      idempotencyKey: keys.charge,
      orderId: 'o1',
      customerId: 'cust-1',
      amount: { amount: 4_999, currency: 'EUR' },
      status: 'captured',
      refundBlocked: false,
      at: at(2),
    });
    expect(late).toMatchObject({ status: 'refunded', amount: { amount: 0 }, tombstone: true });
    expect(await store.findChargeByOrder('o1')).toBeUndefined();
    expect(await store.refund({ ...refund, at: at(3) })).toEqual({ kind: 'none' });
  });

  it('a cancellation that found nothing makes a later shipment under the step’s key a tombstone', async () => {
    const store = track(await openShippingStore(await freshLocation()));
    const cancel = { orderId: 'o1', idempotencyKey: keys.cancel, forwardKey: keys.ship, at: at(1) };
    expect(await store.cancelShipment(cancel)).toEqual({ applied: false });
    const late = await store.createShipment({
      shipmentId: 'shp-1',
      idempotencyKey: keys.ship,
      orderId: 'o1',
      carrier: 'PostNL',
      trackingNumber: 'TRK-1',
      country: 'NL',
      itemCount: 2,
      address: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
      at: at(2),
    });
    expect(late).toMatchObject({ status: 'cancelled', itemCount: 0, tombstone: true });
    expect(await store.findShipmentByOrder('o1')).toBeUndefined();
    expect(await store.cancelShipment({ ...cancel, at: at(3) })).toEqual({ applied: false });
  });

  it('a compensation without a forward key stores nothing (the old contract)', async () => {
    const store = track(await openPaymentStore(await freshLocation()));
    expect(await store.refund({ orderId: 'o1', idempotencyKey: keys.refund, at: at(1) })).toEqual({ kind: 'none' });
    expect(await store.findChargeByKey(keys.charge)).toBeUndefined();
  });
});

/**
 * PostgreSQL runs the two sides of the race truly concurrently: a forward step's transaction is held open on a raw
 * connection while the store's compensation (or the reverse) runs, and is committed once the store's statement is
 * seen waiting on its lock.
 */
describe('racing a compensation on postgres', () => {
  async function holdOpen(url: string, schema: string, statements: string[]) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`set search_path to ${schema}`);
    await client.query('begin');
    for (const sql of statements) await client.query(sql);
    return {
      /** Waits until a connection of the store (`order-saga:<schema>`) waits on a lock, then commits. */
      async commitOnceBlocked(): Promise<void> {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const { rows } = await client.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where application_name = $1 and wait_event_type = 'Lock'`,
            [`order-saga:${schema}`],
          );
          if ((rows[0]?.n ?? 0) > 0) break;
          if (Date.now() > deadline) throw new Error('the store never waited on the held transaction');
          await new Promise((r) => setTimeout(r, 20));
        }
        await client.query('commit');
      },
      end: () => client.end(),
    };
  }

  it('a release racing a reservation that commits meanwhile releases it (no stock stranded)', async () => {
    const { url } = await engines[1].freshLocation();
    const store = track(await openInventoryStore({ url, catalogue, at: at(0) }));
    const forward = await holdOpen(url, 'inventory', [
      `insert into reservations (reservation_id, idempotency_key, order_id, status, created_at)
        values ('r1', '${keys.reserve}', 'o1', 'reserved', '${at(1)}')`,
      `insert into reservation_lines (reservation_id, line_no, sku, quantity, available_before)
        values ('r1', 1, 'A', 3, 10)`,
      `update products set available = available - 3, reserved = reserved + 3 where sku = 'A'`,
    ]);
    try {
      const release = store.release({
        orderId: 'o1',
        idempotencyKey: keys.release,
        forwardKey: keys.reserve,
        at: at(2),
      });
      await forward.commitOnceBlocked();
      expect(await release).toMatchObject({ applied: true, reservation: { reservationId: 'r1', status: 'released' } });
    } finally {
      await forward.end();
    }
    expect(await stockOf(store)).toMatchObject({ available: 10, reserved: 0, shipped: 0 });
    expect(await store.findReservationByKey(keys.reserve)).not.toHaveProperty('tombstone');
  });

  it('a reservation racing a release whose tombstone commits meanwhile reserves nothing', async () => {
    const { url } = await engines[1].freshLocation();
    const store = track(await openInventoryStore({ url, catalogue, at: at(0) }));
    const compensation = await holdOpen(url, 'inventory', [
      `insert into reservations (reservation_id, idempotency_key, order_id, status, created_at, release_key, released_at, tombstone)
        values ('void', '${keys.reserve}', 'o1', 'released', '${at(1)}', '${keys.release}', '${at(1)}', 1)`,
    ]);
    try {
      const reserve = store.reserve({
        orderId: 'o1',
        reservationId: 'r1',
        idempotencyKey: keys.reserve,
        lines: [{ sku: 'A', quantity: 3 }],
        at: at(2),
      });
      await compensation.commitOnceBlocked();
      expect(await reserve).toMatchObject({ reservationId: 'void', tombstone: true, lines: [] });
    } finally {
      await compensation.end();
    }
    expect(await stockOf(store)).toMatchObject({ available: 10, reserved: 0 });
  });

  it('a refund racing a charge that commits meanwhile refunds it', async () => {
    const { url } = await engines[1].freshLocation();
    const store = track(await openPaymentStore({ url }));
    const forward = await holdOpen(url, 'payments', [
      `insert into charges (payment_id, idempotency_key, order_id, customer_id, amount, currency, status, created_at)
        values ('pay-1', '${keys.charge}', 'o1', 'cust-1', 4999, 'EUR', 'captured', '${at(1)}')`,
    ]);
    try {
      const refund = store.refund({ orderId: 'o1', idempotencyKey: keys.refund, forwardKey: keys.charge, at: at(2) });
      await forward.commitOnceBlocked();
      expect(await refund).toMatchObject({ kind: 'refunded', applied: true, charge: { paymentId: 'pay-1' } });
    } finally {
      await forward.end();
    }
    expect(await store.findChargeByOrder('o1')).toMatchObject({ paymentId: 'pay-1', status: 'refunded' });
  });

  it('a cancellation racing a shipment that commits meanwhile cancels it', async () => {
    const { url } = await engines[1].freshLocation();
    const store = track(await openShippingStore({ url }));
    const forward = await holdOpen(url, 'shipping', [
      `insert into shipments (shipment_id, idempotency_key, order_id, carrier, tracking_number, country, item_count,
                              status, created_at)
        values ('shp-1', '${keys.ship}', 'o1', 'PostNL', 'TRK-1', 'NL', 2, 'created', '${at(1)}')`,
    ]);
    try {
      const cancel = store.cancelShipment({
        orderId: 'o1',
        idempotencyKey: keys.cancel,
        forwardKey: keys.ship,
        at: at(2),
      });
      await forward.commitOnceBlocked();
      expect(await cancel).toMatchObject({ applied: true, shipment: { shipmentId: 'shp-1', status: 'cancelled' } });
    } finally {
      await forward.end();
    }
  });
});
