// The stock checks the saga tests use can fail: a stranded reservation, stock shipped without a reservation, a shipment without its stock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOrderStore } from '../../src/activities/orders/store.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { SagaStores } from './saga-harness.js';
import { expectStockMatchesFacts, expectStockSettled } from './stock.js';

let stores: SagaStores;
beforeEach(async () => {
  stores = {
    orders: await openOrderStore({ filename: ':memory:' }),
    payments: await openPaymentStore({ filename: ':memory:' }),
    inventory: await openInventoryStore({ filename: ':memory:' }),
    shipping: await openShippingStore({ filename: ':memory:' }),
  };
});
afterEach(async () => {
  await Promise.all([
    stores.orders.close(),
    stores.payments.close(),
    stores.inventory.close(),
    stores.shipping.close(),
  ]);
});

const at = '2026-01-01T00:00:00.000Z';
const reserve = (orderId: string, quantity = 2) =>
  stores.inventory.reserve({
    reservationId: `res-${orderId}`,
    idempotencyKey: `order-${orderId}:reserveInventory`,
    orderId,
    lines: [{ sku: 'SKU-TSHIRT', quantity }],
    at,
  });
const move = (orderId: string, to: 'release' | 'commit') =>
  stores.inventory[to]({ orderId, idempotencyKey: `order-${orderId}:${to}`, at });
const ship = (orderId: string, itemCount = 2) =>
  stores.shipping.createShipment({
    shipmentId: `shp-${orderId}`,
    idempotencyKey: `order-${orderId}:createShipment`,
    orderId,
    carrier: 'PostNL',
    trackingNumber: `TRK-${orderId}`,
    country: 'NL',
    itemCount,
    address: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
    at,
  });

describe('expectStockMatchesFacts and expectStockSettled', () => {
  it('pass for orders that completed (reserved, shipped, committed) and orders that were released', async () => {
    await reserve('done');
    await ship('done');
    await move('done', 'commit');
    await reserve('undone');
    await move('undone', 'release');
    await expectStockSettled(stores);
  });

  it('accept an open reservation mid-flight, but not once the system is quiet', async () => {
    await reserve('stranded');
    await expectStockMatchesFacts(stores);
    await expect(expectStockSettled(stores)).rejects.toThrow(/left reserved/);
  });

  it('refuse goods shipped for an order whose stock was released (a replayed success after its undo)', async () => {
    await reserve('reset');
    await move('reset', 'release');
    await ship('reset');
    await expectStockMatchesFacts(stores);
    await expect(expectStockSettled(stores)).rejects.toThrow(/units shipped per order/);
  });

  it('refuse stock committed for an order that has no shipment, or a shipment of other units', async () => {
    await reserve('lost');
    await move('lost', 'commit');
    await expect(expectStockSettled(stores)).rejects.toThrow(/units shipped per order/);
    await ship('lost', 3);
    await expect(expectStockSettled(stores)).rejects.toThrow(/units shipped per order/);
  });
});
