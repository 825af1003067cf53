// Reads stock levels from the inventory store and checks them against the facts: the reservations and the shipments.
import { expect } from 'vitest';
import type { ReservedUnits, StockLevel } from '../../src/activities/inventory/store.js';
import type { SagaStores } from './saga-harness.js';

export async function stockOf(stores: SagaStores, sku: string): Promise<StockLevel> {
  const level = (await stores.inventory.stockLevels()).find((l) => l.sku === sku);
  if (!level) throw new Error(`No stock level for ${sku}`);
  return level;
}

/**
 * The stock columns agree with the reservations, at any moment (each move changes a reservation's status and its
 * stock in one transaction): `reserved` is exactly the units of the open (`reserved`) reservations, `shipped` those
 * of the committed ones, and no unit appeared or vanished. Conservation alone cannot fail (every move shifts units
 * between columns); comparing with the reservations catches a stranded reservation, a release that moved no stock,
 * or stock shipped without a reservation.
 */
export async function expectStockMatchesFacts(stores: SagaStores): Promise<void> {
  const lines = await stores.inventory.reservedUnits();
  for (const l of await stores.inventory.stockLevels()) {
    expect(l.available + l.reserved + l.shipped, `${l.sku}: units conserved`).toBe(l.seeded + l.restocked);
    expect(l.reserved, `${l.sku}: reserved = units of open reservations`).toBe(unitsOf(lines, l.sku, 'reserved'));
    expect(l.shipped, `${l.sku}: shipped = units of committed reservations`).toBe(unitsOf(lines, l.sku, 'committed'));
  }
}

/**
 * Once every order has ended, besides {@link expectStockMatchesFacts}: nothing is reserved any more, and goods left
 * exactly for the orders whose stock was committed: every live (not cancelled) shipment has its order's committed
 * reservation with as many units as it carries, and every committed reservation has its shipment.
 */
export async function expectStockSettled(stores: SagaStores): Promise<void> {
  await expectStockMatchesFacts(stores);
  const lines = await stores.inventory.reservedUnits();
  for (const l of await stores.inventory.stockLevels()) expect(l.reserved, `${l.sku}: left reserved`).toBe(0);
  expect(
    lines.filter((l) => l.status === 'reserved').map((l) => l.orderId),
    'orders with an open reservation',
  ).toEqual([]);

  const committed = new Map<string, number>();
  for (const l of lines.filter((l) => l.status === 'committed')) {
    committed.set(l.orderId, (committed.get(l.orderId) ?? 0) + l.quantity);
  }
  const shipped = new Map<string, number>();
  for (const s of await stores.shipping.listShipments()) {
    if (s.status === 'created') shipped.set(s.orderId, (shipped.get(s.orderId) ?? 0) + s.itemCount);
  }
  expect(sorted(shipped), 'units shipped per order = units committed per order').toEqual(sorted(committed));
}

function unitsOf(lines: readonly ReservedUnits[], sku: string, status: ReservedUnits['status']): number {
  return lines.filter((l) => l.sku === sku && l.status === status).reduce((sum, l) => sum + l.quantity, 0);
}

function sorted(units: Map<string, number>): [string, number][] {
  return [...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
