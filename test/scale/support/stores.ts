// Reads the services' own SQLite files after a run and checks that no effect happened twice and stock is conserved.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Selectable } from 'kysely';
import { expect } from 'vitest';
import type { InventoryTables } from '../../../src/activities/inventory/tables.js';
import type { PaymentTables } from '../../../src/activities/payments/tables.js';
import type { ShippingTables } from '../../../src/activities/shipping/tables.js';
import type { NotificationTables } from '../../../src/read-models/notifications/tables.js';
import { AnalyticsStore } from '../../../src/read-models/analytics/store.js';
import type { AnalyticsFigures } from '../../../src/read-models/analytics/store.js';
import type { AnalyticsTables } from '../../../src/read-models/analytics/tables.js';
import type { PlacedOrder } from './orders.js';

/** Read-only, as the API opens the catalogue: the test must not change what it checks. */
function readOnly<DB>(filename: string): Kysely<DB> {
  const sqlite = new Database(filename, { readonly: true, fileMustExist: true, timeout: 5_000 });
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

async function withDb<DB, T>(filename: string, use: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  const db = readOnly<DB>(filename);
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** Rows per order of a table: every order at most once, and the orders that have one. */
function onePerOrder(rows: readonly { order_id: string }[], what: string): Set<string> {
  const seen = new Set<string>();
  const twice = rows.filter((r) => (seen.has(r.order_id) ? true : (seen.add(r.order_id), false)));
  expect(
    twice.map((r) => r.order_id),
    `orders with more than one ${what}`,
  ).toEqual([]);
  return seen;
}

/**
 * A compensation that found nothing to undo leaves a tombstone under the forward step's key (`tombstone = 1`), so a
 * late forward attempt does nothing; it records no effect and is left out.
 */
const effects = <Row extends { tombstone: number }>(rows: readonly Row[]): Row[] =>
  rows.filter((r) => r.tombstone !== 1);

const idsOf = (orders: readonly PlacedOrder[], ...kinds: PlacedOrder['kind'][]) =>
  new Set(orders.filter((o) => kinds.includes(o.kind)).map((o) => o.orderId));

/**
 * One charge per order (captured and kept, declined, or refunded as its fate says); one reservation per order that
 * got that far; one shipment per completed order and none for the others; every SKU's units all accounted for, with
 * exactly the completed orders' quantities shipped and nothing left reserved.
 */
export async function expectStoresConsistent(file: (service: string) => string, orders: readonly PlacedOrder[]) {
  const completed = idsOf(orders, 'ok');

  const charges = effects(
    await withDb<PaymentTables, Selectable<PaymentTables['charges']>[]>(file('payments'), (db) =>
      db.selectFrom('charges').selectAll().execute(),
    ),
  );
  expect(onePerOrder(charges, 'charge')).toEqual(new Set(orders.map((o) => o.orderId)));
  const chargeStatus = new Map(charges.map((c) => [c.order_id, c.status]));
  const wantCharge = { ok: 'captured', declined: 'declined', soldout: 'refunded', unserved: 'refunded' } as const;
  const wrongCharges = orders.filter((o) => chargeStatus.get(o.orderId) !== wantCharge[o.kind]);
  expect(wrongCharges.map((o) => `${o.kind}:${chargeStatus.get(o.orderId)}`)).toEqual([]);

  const { reservations, products } = await withDb<InventoryTables, Inventory>(file('inventory'), async (db) => ({
    reservations: effects(await db.selectFrom('reservations').selectAll().execute()),
    products: await db.selectFrom('products').selectAll().execute(),
  }));
  expect(onePerOrder(reservations, 'reservation')).toEqual(idsOf(orders, 'ok', 'soldout', 'unserved'));
  const wantReservation = { ok: 'committed', soldout: 'rejected', unserved: 'released', declined: undefined };
  const reservationStatus = new Map(reservations.map((r) => [r.order_id, r.status]));
  const wrongReservations = orders.filter((o) => reservationStatus.get(o.orderId) !== wantReservation[o.kind]);
  expect(wrongReservations.map((o) => `${o.kind}:${reservationStatus.get(o.orderId)}`)).toEqual([]);

  const shippedUnits = new Map<string, number>();
  for (const o of orders.filter((o) => o.kind === 'ok')) {
    for (const { sku, quantity } of o.body.items) shippedUnits.set(sku, (shippedUnits.get(sku) ?? 0) + quantity);
  }
  for (const p of products) {
    expect(p.available + p.reserved + p.shipped, `${p.sku} conserved`).toBe(p.seeded + p.restocked);
    expect(p.reserved, `${p.sku} left reserved`).toBe(0);
    expect(p.shipped, `${p.sku} shipped`).toBe(shippedUnits.get(p.sku) ?? 0);
  }

  const shipments = effects(
    await withDb<ShippingTables, Selectable<ShippingTables['shipments']>[]>(file('shipping'), (db) =>
      db.selectFrom('shipments').selectAll().execute(),
    ),
  );
  const shipped = onePerOrder(shipments, 'shipment');
  expect(shipped).toEqual(completed);
  expect(shipments.every((s) => s.status === 'created')).toBe(true);
}

interface Inventory {
  reservations: Selectable<InventoryTables['reservations']>[];
  products: Selectable<InventoryTables['products']>[];
}

/** Notifications per event name: the notifications service's rows, keyed by event ID. */
export async function notificationsPerEvent(file: (service: string) => string): Promise<Record<string, number>> {
  return withDb<NotificationTables, Record<string, number>>(file('notifications'), async (db) => {
    const rows = await db
      .selectFrom('notifications')
      .select(['event_name', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('event_name')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.event_name, Number(r.n)]));
  });
}

/** The analytics model in full (events per name, money captured and refunded), beyond what the API summarises. */
export async function analyticsModel(file: (service: string) => string): Promise<AnalyticsFigures> {
  return withDb<AnalyticsTables, AnalyticsFigures>(file('analytics'), (db) => new AnalyticsStore(db).summary());
}
