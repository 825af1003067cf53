// The four service stores on both engines, with the same queries and migrations (their outboxes too): SQLite files and a real PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { demoCatalogue } from '../../src/activities/inventory/catalogue.js';
import type { CatalogueItem } from '../../src/activities/inventory/catalogue.js';
import { InvalidQuantityError, UnknownSkuError } from '../../src/activities/inventory/errors.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { Reservation } from '../../src/activities/inventory/store.js';
import { openOrderStore } from '../../src/activities/orders/store.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { Charge, NewCharge } from '../../src/activities/payments/store.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { NewShipment } from '../../src/activities/shipping/store.js';
import { shippingMigrations } from '../../src/activities/shipping/migrations.js';
import type { ShippingTables } from '../../src/activities/shipping/tables.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { DatabaseLocation } from '../../src/db/database.js';
import { ServiceStore } from '../../src/activities/service-store.js';
import { openMigrated } from '../../src/db/migrate.js';
import { buildEvent } from '../../src/events/envelope.js';
import { outboxMigration } from '../../src/events/outbox/schema.js';
import type { OutboxTables } from '../../src/events/outbox/schema.js';
import type { OutgoingEvent } from '../../src/events/envelope.js';
import { migrationsBefore } from '../support/migrations.js';
import { createTestDatabase } from '../support/postgres.js';
import { lineOf } from '../events/nats/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function postgresServerUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
  return url;
}

let files = 0;

interface EngineCase {
  engine: 'sqlite' | 'postgres';
  /** A fresh, empty database for one test; every service's store can be opened on it. */
  freshLocation: () => Promise<DatabaseLocation>;
}

const engines: EngineCase[] = [
  // One file per service in production; a file shared by the three stores here shows their tables do not collide.
  { engine: 'sqlite', freshLocation: () => Promise.resolve({ url: `sqlite:${join(dir, `db-${++files}.sqlite`)}` }) },
  // A database of its own per test, in which each store owns the schema named after its service.
  { engine: 'postgres', freshLocation: async () => ({ url: await createTestDatabase(postgresServerUrl()) }) },
];

/** Stores opened by a test, closed after it whatever happened. */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
});
function track<S extends { close(): Promise<void> }>(store: S): S {
  opened.push(store);
  return store;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

describe.each(engines)('stores on $engine', ({ engine, freshLocation }) => {
  describe('payments', () => {
    const charge = (overrides: Partial<NewCharge> = {}): NewCharge => ({
      paymentId: 'pay-1',
      idempotencyKey: 'order-o1:chargePayment',
      orderId: 'o1',
      customerId: 'cust-1',
      amount: { amount: 4_999, currency: 'EUR' },
      status: 'captured',
      refundBlocked: false,
      at: at(0),
      ...overrides,
    });

    it('records a charge once per idempotency key and reads it back by key and by order', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      const first = await store.recordCharge(charge());
      const retried = await store.recordCharge(charge({ paymentId: 'pay-2', at: at(5) }));
      expect(retried).toEqual(first);
      expect(first).toMatchObject({ paymentId: 'pay-1', status: 'captured', refundBlocked: false, createdAt: at(0) });
      expect(first.amount).toEqual({ amount: 4_999, currency: 'EUR' });
      expect(await store.findChargeByKey('order-o1:chargePayment')).toEqual(first);
      expect(await store.findChargeByKey('nope')).toBeUndefined();
      expect(await store.findChargeByOrder('o1')).toEqual(first);
    });

    it('keeps declined attempts with their failure, and prefers the captured charge of an order', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      const declined = await store.recordCharge(
        charge({
          paymentId: 'pay-d',
          idempotencyKey: 'k-declined',
          status: 'declined',
          failure: { code: 'PaymentDeclined', message: 'card declined' },
          at: at(1),
        }),
      );
      expect(declined.failure).toEqual({ code: 'PaymentDeclined', message: 'card declined' });
      const captured = await store.recordCharge(charge({ at: at(0) }));
      expect(await store.findChargeByOrder('o1')).toEqual(captured);
    });

    it('refunds once, replays the result for the same key, and reports nothing to refund without a charge', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      expect(await store.refund({ orderId: 'o1', idempotencyKey: 'r1', at: at(2) })).toEqual({ kind: 'none' });
      await store.recordCharge(charge());
      const refunded = await store.refund({ orderId: 'o1', idempotencyKey: 'r1', at: at(2) });
      expect(refunded).toMatchObject({
        kind: 'refunded',
        applied: true,
        charge: { status: 'refunded', refundedAt: at(2) },
      });
      expect(await store.refund({ orderId: 'o1', idempotencyKey: 'r1', at: at(3) })).toEqual(refunded);
      expect(await store.refund({ orderId: 'o1', idempotencyKey: 'r2', at: at(3) })).toMatchObject({ applied: false });
    });

    it('holds a blocked refund until an operator unblocks it (the flag round-trips as a boolean)', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      await store.recordCharge(charge({ refundBlocked: true }));
      expect((await store.findChargeByKey('order-o1:chargePayment'))?.refundBlocked).toBe(true);
      expect(await store.refund({ orderId: 'o1', idempotencyKey: 'r1', at: at(2) })).toMatchObject({ kind: 'blocked' });
      expect(await store.unblockRefund('o1')).toBe(true);
      expect(await store.unblockRefund('o1')).toBe(false);
      expect(await store.refund({ orderId: 'o1', idempotencyKey: 'r1', at: at(3) })).toMatchObject({
        kind: 'refunded',
        applied: true,
        charge: { refundBlocked: false },
      });
    });
  });

  describe('inventory', () => {
    const catalogue: CatalogueItem[] = [
      { sku: 'A', name: 'A', unitPrice: { amount: 100, currency: 'EUR' }, stock: 10 },
      { sku: 'B', name: 'B', unitPrice: { amount: 250, currency: 'EUR' }, stock: 4 },
      { sku: 'C', name: 'C', unitPrice: { amount: 999, currency: 'EUR' }, stock: 6 },
    ];
    const open = async (location?: DatabaseLocation) =>
      track(await openInventoryStore({ ...(location ?? (await freshLocation())), catalogue, at: at(0) }));

    it('seeds missing SKUs only, so a re-open keeps restocked levels; prices come back as money', async () => {
      const location = await freshLocation();
      const store = await open(location);
      expect(await store.findProducts(['B', 'Z', 'A'])).toEqual(
        expect.arrayContaining([
          { sku: 'A', name: 'A', unitPrice: { amount: 100, currency: 'EUR' } },
          { sku: 'B', name: 'B', unitPrice: { amount: 250, currency: 'EUR' } },
        ]),
      );
      expect(await store.restock('B', 3, at(1))).toMatchObject({ sku: 'B', available: 7, restocked: 3, seeded: 4 });
      await store.close();
      const reopened = await open(location);
      expect((await reopened.stockLevels()).map((l) => [l.sku, l.available])).toEqual([
        ['A', 10],
        ['B', 7],
        ['C', 6],
      ]);
    });

    it('refuses bad restocks: unknown SKU, zero or fractional quantity', async () => {
      const store = await open();
      await expect(store.restock('Z', 1, at(1))).rejects.toBeInstanceOf(UnknownSkuError);
      await expect(store.restock('A', 0, at(1))).rejects.toBeInstanceOf(InvalidQuantityError);
      await expect(store.restock('A', 1.5, at(1))).rejects.toBeInstanceOf(InvalidQuantityError);
    });

    it('keeps an order’s first pricing under its key (a bigint total past 2^31 too) and changes unit prices', async () => {
      const store = await open();
      const pricing = {
        idempotencyKey: 'order-o1:priceOrder',
        orderId: 'o1',
        units: [['A', 2]] as [string, number][],
        pricing: {
          lines: [
            {
              sku: 'A',
              name: 'A',
              quantity: 2,
              unitPrice: { amount: 100, currency: 'EUR' },
              lineTotal: { amount: 200, currency: 'EUR' },
            },
          ],
          total: { amount: 3_000_000_000, currency: 'EUR' },
        },
        createdAt: at(1),
      };
      expect(await store.findPricingByKey(pricing.idempotencyKey)).toBeUndefined();
      expect(await store.storePricing(pricing)).toEqual(pricing);
      // A second pricing under the same key (a concurrent attempt) keeps the first.
      const later = { ...pricing, units: [['B', 1]] as [string, number][], createdAt: at(2) };
      expect(await store.storePricing(later)).toEqual(pricing);
      expect(await store.findPricingByKey(pricing.idempotencyKey)).toEqual(pricing);

      await store.setUnitPrice('A', 120, at(3));
      expect(await store.findProducts(['A'])).toEqual([
        { sku: 'A', name: 'A', unitPrice: { amount: 120, currency: 'EUR' } },
      ]);
      await expect(store.setUnitPrice('Z', 1, at(3))).rejects.toBeInstanceOf(UnknownSkuError);
      await expect(store.setUnitPrice('A', -1, at(3))).rejects.toBeInstanceOf(RangeError);
    });

    it('reserves all lines or none, idempotently per key, and stores nothing for an unknown SKU', async () => {
      const store = await open();
      const base = { orderId: 'o1', at: at(1) };
      await expect(
        store.reserve({
          ...base,
          reservationId: 'r0',
          idempotencyKey: 'k0',
          lines: [
            { sku: 'A', quantity: 1 },
            { sku: 'Z', quantity: 1 },
          ],
        }),
      ).rejects.toBeInstanceOf(UnknownSkuError);
      expect(await store.findReservationByKey('k0')).toBeUndefined();

      const short = await store.reserve({
        ...base,
        reservationId: 'r1',
        idempotencyKey: 'k1',
        lines: [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 5 },
        ],
      });
      expect(short.status).toBe('rejected');
      expect(short.lines).toEqual([
        { sku: 'A', quantity: 2, availableBefore: 10 },
        { sku: 'B', quantity: 5, availableBefore: 4 },
      ]);
      expect((await store.stockLevels()).map((l) => l.reserved)).toEqual([0, 0, 0]);

      const lines = [
        { sku: 'C', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ];
      const reserved = await store.reserve({ ...base, reservationId: 'r2', idempotencyKey: 'k2', lines });
      expect(reserved.status).toBe('reserved');
      expect(reserved.lines.map((l) => l.sku)).toEqual(['C', 'A']);
      expect(await store.reserve({ ...base, reservationId: 'r3', idempotencyKey: 'k2', lines })).toEqual(reserved);
      expect(await store.findReservationByKey('k2')).toEqual(reserved);
      const levels = await store.stockLevels();
      expect(levels.find((l) => l.sku === 'A')).toMatchObject({ available: 7, reserved: 3 });
      expect(levels.find((l) => l.sku === 'C')).toMatchObject({ available: 4, reserved: 2 });
    });

    it('releases back to available and commits to shipped, each replaying only for its own key', async () => {
      const store = await open();
      const lines = [{ sku: 'A', quantity: 4 }];
      await store.reserve({ orderId: 'o1', reservationId: 'r1', idempotencyKey: 'k1', lines, at: at(1) });
      await store.reserve({ orderId: 'o2', reservationId: 'r2', idempotencyKey: 'k2', lines, at: at(1) });

      expect(await store.release({ orderId: 'none', idempotencyKey: 'rel', at: at(2) })).toEqual({ applied: false });
      const released = await store.release({ orderId: 'o1', idempotencyKey: 'rel-1', at: at(2) });
      expect(released).toMatchObject({ applied: true, reservation: { status: 'released', releasedAt: at(2) } });
      expect(await store.release({ orderId: 'o1', idempotencyKey: 'rel-1', at: at(3) })).toEqual(released);
      expect(await store.release({ orderId: 'o1', idempotencyKey: 'other', at: at(3) })).toEqual({ applied: false });

      const committed = await store.commit({ orderId: 'o2', idempotencyKey: 'com-2', at: at(4) });
      expect(committed).toMatchObject({ applied: true, reservation: { status: 'committed', committedAt: at(4) } });
      expect(await store.commit({ orderId: 'o2', idempotencyKey: 'com-2', at: at(5) })).toEqual(committed);

      expect((await store.stockLevels()).find((l) => l.sku === 'A')).toMatchObject({
        available: 6,
        reserved: 0,
        shipped: 4,
        seeded: 10,
      });
    });

    it('conserves stock under concurrent reservations, releases, commits and restocks', async () => {
      const store = await open();
      // Each order is retried like an activity would be: a transaction that lost a race rolls back and runs again.
      const retried = async <T>(step: () => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await step();
          } catch (error) {
            if (error instanceof UnknownSkuError || attempt >= 20) throw error;
            await new Promise((r) => setTimeout(r, 5 * attempt));
          }
        }
      };
      const skus = ['A', 'B', 'C'];
      const orders = Array.from({ length: 24 }, (_, i) => ({
        orderId: `o${i}`,
        // Overlapping SKUs in both orders (A,B and B,A...) so row locks are taken in competing orders.
        lines: [
          { sku: skus[i % 3] ?? 'A', quantity: 1 + (i % 3) },
          { sku: skus[(i + 1) % 3] ?? 'B', quantity: 1 },
        ],
        settle: i % 3 === 0 ? ('release' as const) : i % 3 === 1 ? ('commit' as const) : ('keep' as const),
      }));
      const results = await Promise.all(
        orders.map(async (o, i) => {
          const reservation = await retried(() =>
            store.reserve({
              orderId: o.orderId,
              reservationId: `r${i}`,
              idempotencyKey: `k${i}`,
              lines: o.lines,
              at: at(1),
            }),
          );
          if (i % 5 === 0) await retried(() => store.restock(skus[i % 3] ?? 'A', 2, at(2)));
          if (reservation.status !== 'reserved' || o.settle === 'keep') return reservation;
          const input = { orderId: o.orderId, idempotencyKey: `${o.settle}-${i}`, at: at(3) };
          const outcome = await retried(() => (o.settle === 'release' ? store.release(input) : store.commit(input)));
          expect(outcome.applied).toBe(true);
          return outcome.reservation as Reservation;
        }),
      );

      const levels = await store.stockLevels();
      for (const level of levels) {
        const quantityIn = (status: Reservation['status']) =>
          results
            .filter((r) => r.status === status)
            .flatMap((r) => r.lines)
            .filter((l) => l.sku === level.sku)
            .reduce((sum, l) => sum + l.quantity, 0);
        expect(level.available + level.reserved + level.shipped, level.sku).toBe(level.seeded + level.restocked);
        expect(level.reserved, `${level.sku} reserved`).toBe(quantityIn('reserved'));
        expect(level.shipped, `${level.sku} shipped`).toBe(quantityIn('committed'));
        expect(level.available, `${level.sku} available`).toBeGreaterThanOrEqual(0);
      }
      // The store's own account of the units each reservation holds is the same as the outcomes the orders saw.
      const units = (await store.reservedUnits()).map((u) => [u.orderId, u.status, u.sku, u.quantity]);
      const seen = results.flatMap((r) => r.lines.map((l) => [r.orderId, r.status, l.sku, l.quantity]));
      expect(units.sort()).toEqual(seen.sort());
      // Demand exceeds stock on purpose: some orders must have been turned away, others served.
      expect(results.some((r) => r.status === 'rejected')).toBe(true);
      expect(results.some((r) => r.status !== 'rejected')).toBe(true);
    });
  });

  describe('shipping', () => {
    const shipment = (overrides: Partial<NewShipment> = {}): NewShipment => ({
      shipmentId: 'shp-1',
      idempotencyKey: 'order-o1:createShipment',
      orderId: 'o1',
      carrier: 'PostNL',
      trackingNumber: 'TRK-1',
      country: 'NL',
      itemCount: 3,
      address: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
      at: at(0),
      ...overrides,
    });

    it('creates a shipment once per key, and refuses a second use of a tracking number', async () => {
      const store = track(await openShippingStore(await freshLocation()));
      const first = await store.createShipment(shipment());
      expect(first).toMatchObject({ shipmentId: 'shp-1', status: 'created', itemCount: 3, createdAt: at(0) });
      expect(first.cancelledAt).toBeUndefined();
      expect(await store.createShipment(shipment({ shipmentId: 'shp-2', trackingNumber: 'TRK-2' }))).toEqual(first);
      expect(await store.findShipmentByKey('order-o1:createShipment')).toEqual(first);
      await expect(
        store.createShipment(shipment({ shipmentId: 'shp-3', idempotencyKey: 'other', orderId: 'o2' })),
      ).rejects.toThrow();
      expect(await store.findShipmentByOrder('o2')).toBeUndefined();
    });

    it('cancels the order’s newest shipment once, replaying the outcome for the same key only', async () => {
      const store = track(await openShippingStore(await freshLocation()));
      const cancel = (key: string, minute: number) =>
        store.cancelShipment({ orderId: 'o1', idempotencyKey: key, at: at(minute) });
      expect(await cancel('c1', 1)).toEqual({ applied: false });
      await store.createShipment(shipment());
      await store.createShipment(
        shipment({ shipmentId: 'shp-2', idempotencyKey: 'k2', trackingNumber: 'TRK-2', at: at(1) }),
      );
      expect((await store.findShipmentByOrder('o1'))?.shipmentId).toBe('shp-2');
      const cancelled = await cancel('c1', 2);
      expect(cancelled).toMatchObject({
        applied: true,
        shipment: { shipmentId: 'shp-2', status: 'cancelled', cancelledAt: at(2) },
      });
      expect(await cancel('c1', 3)).toEqual(cancelled);
      expect(await cancel('c2', 3)).toEqual({ applied: false });
    });

    it('keeps the booked address and lists shipments without tombstones', async () => {
      const store = track(await openShippingStore(await freshLocation()));
      const first = await store.createShipment(shipment());
      expect(first.address).toEqual(shipment().address);
      await store.cancelShipment({
        orderId: 'o9',
        idempotencyKey: 'c9',
        forwardKey: 'order-o9:createShipment',
        at: at(1),
      });
      expect(await store.listShipments()).toEqual([first]);
    });

    it('reads a shipment stored before addresses were kept without one, after the upgrade', async () => {
      const location = await freshLocation();
      const before = migrationsBefore(shippingMigrations, '0003-add-address');
      const old = openDatabase<ShippingTables>(location, 'shipping');
      await migrateToLatest(old, 'shipping', before);
      await sql`insert into shipments (shipment_id, idempotency_key, order_id, carrier, tracking_number, country,
        item_count, status, created_at, tombstone) values ('shp-old', 'order-o1:createShipment', 'o1', 'PostNL',
        'TRK-OLD', 'NL', 2, 'created', ${at(0)}, 0)`.execute(old);
      await old.destroy();
      const store = track(await openShippingStore(location));
      const stored = await store.findShipmentByKey('order-o1:createShipment');
      expect(stored).toMatchObject({ shipmentId: 'shp-old', country: 'NL', itemCount: 2 });
      expect(stored?.address).toBeUndefined();
    });
  });

  describe('outboxes', () => {
    const charge: NewCharge = {
      paymentId: 'pay-1',
      idempotencyKey: 'order-o1:chargePayment',
      orderId: 'o1',
      customerId: 'cust-1',
      amount: { amount: 4_999, currency: 'EUR' },
      status: 'captured',
      refundBlocked: false,
      at: at(0),
    };
    const processed = (c: Charge): OutgoingEvent[] => [
      buildEvent({
        name: 'PaymentProcessed',
        workflowId: 'order-o1',
        step: 'chargePayment',
        data: { orderId: c.orderId, customerId: c.customerId, paymentId: c.paymentId, amount: c.amount },
        time: c.createdAt,
        sequence: 2,
      }),
    ];
    /** An event the outbox cannot store (its subject is NOT NULL): the insert fails inside the effect's transaction. */
    const unstorable = (events: OutgoingEvent[]) => events.map((e) => ({ ...e, subject: null as unknown as string }));

    it('commits a charge and its event together, or neither', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      await expect(store.recordCharge(charge, (c) => unstorable(processed(c)))).rejects.toThrow();
      expect(await store.findChargeByKey(charge.idempotencyKey)).toBeUndefined();
      expect(await store.outbox.list()).toEqual([]);

      const stored = await store.recordCharge(charge, processed);
      const [row] = await store.outbox.list();
      expect(row).toMatchObject({ eventName: 'PaymentProcessed', orderId: 'o1', attempts: 0 });
      expect(row?.envelope).toMatchObject({ ordersequence: 2, data: { paymentId: stored.paymentId } });
      expect(await store.outbox.backlog()).toMatchObject({ pending: 1, oldestPendingAt: row?.createdAt });
    });

    it('rolls a reservation and its stock back when its event cannot be stored', async () => {
      const store = track(
        await openInventoryStore({ ...(await freshLocation()), catalogue: demoCatalogue, at: at(0) }),
      );
      const before = await store.stockLevels();
      const reservation = {
        reservationId: 'res-1',
        idempotencyKey: 'order-o1:reserveInventory',
        orderId: 'o1',
        lines: [{ sku: 'SKU-MUG', quantity: 2 }],
        at: at(1),
      };
      const updated = (r: Reservation): OutgoingEvent[] => [
        buildEvent({
          name: 'InventoryUpdated',
          workflowId: 'order-o1',
          step: 'reserveInventory',
          data: { orderId: r.orderId, reservationId: r.reservationId, lines: [{ sku: 'SKU-MUG', quantity: 2 }] },
          time: r.createdAt,
        }),
      ];
      await expect(store.reserve(reservation, (r) => unstorable(updated(r)))).rejects.toThrow();
      expect(await store.stockLevels()).toEqual(before);
      expect(await store.findReservationByKey(reservation.idempotencyKey)).toBeUndefined();
      expect(await store.outbox.list()).toEqual([]);

      await store.reserve(reservation, updated);
      expect((await store.outbox.list()).map((r) => r.eventName)).toEqual(['InventoryUpdated']);
    });

    it('rolls an event back with a transaction that fails after writing it', async () => {
      /** A store whose one effect fails after its event was written, as an effect's last statement might. */
      class FailingStore extends ServiceStore<OutboxTables> {
        failAfterWriting(events: OutgoingEvent[]) {
          return this.transaction(async (_trx, write) => {
            await write(events);
            throw new Error('the effect failed after its event was written');
          });
        }
      }
      const location = await freshLocation();
      const store = track(
        new FailingStore(
          await openMigrated<OutboxTables>(location, 'probe', { '0001-outbox': outboxMigration }),
          'probe',
        ),
      );
      const stored = await openPaymentStore(location).then(track);
      const events = processed(await stored.recordCharge(charge));
      await expect(store.failAfterWriting(events)).rejects.toThrow('after its event');
      expect(await store.outbox.list()).toEqual([]);
    });

    it('writes an effect’s events only when the call stored the effect, even once the first row was pruned', async () => {
      const store = track(await openPaymentStore(await freshLocation()));
      await store.recordCharge(charge, processed);
      await store.outbox.db.deleteFrom('outbox').execute();
      await store.recordCharge({ ...charge, paymentId: 'pay-2' }, processed);
      expect(await store.outbox.list()).toEqual([]);
    });

    it('records an order-level fact once, with one outbox row', async () => {
      const store = track(await openOrderStore(await freshLocation()));
      const created = buildEvent({
        name: 'OrderCreated',
        workflowId: 'order-o1',
        step: 'OrderCreated',
        data: {
          orderId: 'o1',
          customerId: 'cust-1',
          status: 'PENDING',
          lines: [lineOf({ amount: 100, currency: 'EUR' })],
          total: { amount: 100, currency: 'EUR' },
        },
        time: at(0),
        sequence: 1,
      });
      expect(await store.recordOrderEvent(created, 'OrderCreated')).toBe(true);
      expect(await store.recordOrderEvent(created, 'OrderCreated')).toBe(false);
      expect(await store.factsOfOrder('o1')).toMatchObject([{ eventName: 'OrderCreated', sequence: 1 }]);
      expect(await store.outbox.list({ orderId: 'o1' })).toHaveLength(1);
    });
  });

  describe('migrations', () => {
    it('run once: re-opening a store keeps its data and migrates nothing again', async () => {
      const location = await freshLocation();
      const first = await openShippingStore(location);
      await first.createShipment(shipment0);
      await first.close();
      const again = track(await openShippingStore(location));
      expect(await again.findShipmentByKey(shipment0.idempotencyKey)).toMatchObject({ shipmentId: 'shp-0' });
    });

    it.runIf(engine === 'postgres')('put each service in its own schema, and none in public', async () => {
      const location = await freshLocation();
      track(await openPaymentStore(location));
      track(await openShippingStore(location));
      track(await openInventoryStore({ ...location, catalogue: demoCatalogue }));
      track(await openOrderStore(location));
      const client = new pg.Client({ connectionString: 'url' in location ? location.url : '' });
      await client.connect();
      try {
        const { rows } = await client.query<{ table_schema: string; table_name: string }>(
          `select table_schema, table_name from information_schema.tables
            where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
        );
        expect(rows.map((r) => `${r.table_schema}.${r.table_name}`)).toEqual([
          'inventory.inventory_migrations',
          'inventory.inventory_migrations_lock',
          'inventory.outbox',
          'inventory.outbox_relay',
          'inventory.pricings',
          'inventory.products',
          'inventory.reservation_lines',
          'inventory.reservations',
          'orders.order_events',
          'orders.orders_migrations',
          'orders.orders_migrations_lock',
          'orders.outbox',
          'orders.outbox_relay',
          'payments.charges',
          'payments.outbox',
          'payments.outbox_relay',
          'payments.payments_migrations',
          'payments.payments_migrations_lock',
          'shipping.outbox',
          'shipping.outbox_relay',
          'shipping.shipments',
          'shipping.shipping_migrations',
          'shipping.shipping_migrations_lock',
        ]);
      } finally {
        await client.end();
      }
    });

    it.runIf(engine === 'postgres')('let replicas that start together migrate the same schema safely', async () => {
      const location = await freshLocation();
      const replicas = await Promise.all([1, 2, 3].map(() => openPaymentStore(location)));
      replicas.forEach(track);
      const [a, b] = replicas;
      await a?.recordCharge({
        paymentId: 'p',
        idempotencyKey: 'k',
        orderId: 'o',
        customerId: 'c',
        amount: { amount: 1, currency: 'EUR' },
        status: 'captured',
        refundBlocked: false,
        at: at(0),
      });
      expect((await b?.findChargeByKey('k'))?.paymentId).toBe('p');
    });
  });
});

const shipment0: NewShipment = {
  shipmentId: 'shp-0',
  idempotencyKey: 'order-o0:createShipment',
  orderId: 'o0',
  carrier: 'DHL',
  trackingNumber: 'TRK-0',
  country: 'DE',
  itemCount: 1,
  address: { name: 'Lena', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
  at: at(0),
};
