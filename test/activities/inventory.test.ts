// Inventory activities against a real SQLite store: pricing, all-or-nothing reservation, compensation, conservation, and the events in its outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryActivities } from '../../src/activities/inventory/activities.js';
import { demoCatalogue } from '../../src/activities/inventory/catalogue.js';
import { InvalidQuantityError, UnknownSkuError } from '../../src/activities/inventory/errors.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { KyselyInventoryStore, StockLevel } from '../../src/activities/inventory/store.js';
import { deterministicEventId } from '../../src/events/envelope.js';
import { outboxEvents } from '../support/outbox-events.js';
import type { OrderRefInput, PriceOrderInput, ReserveInventoryInput } from '../../src/shared/activity-contracts.js';
import type { OrderLineInput } from '../../src/shared/order.js';
import { expectNonRetryable, runActivity, steppingClock } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

let store: KyselyInventoryStore;
let activities: ReturnType<typeof createInventoryActivities>;
/** The events the activities wrote to the store's outbox (what its relay publishes). */
const outbox = () => outboxEvents([store]);

beforeEach(async () => {
  store = await openInventoryStore({ filename: ':memory:' });
  activities = createInventoryActivities({ store, clock: steppingClock() });
});
afterEach(async () => {
  await store.close();
});

const price = (items: OrderLineInput[]) =>
  runActivity('priceOrder', (i: PriceOrderInput) => activities.priceOrder(i), {}, { orderId: 'o-1', items });
const reserve = (lines: OrderLineInput[], orderId = 'o-1', options: StepOptions = {}, sequence?: number) =>
  runActivity(
    'reserveInventory',
    (i: ReserveInventoryInput) => activities.reserveInventory(i),
    { workflowId: `order-${orderId}`, ...options },
    { orderId, lines, ...(sequence === undefined ? {} : { sequence }) },
  );
const release = (orderId = 'o-1', options: StepOptions = {}, sequence?: number) =>
  runActivity(
    'releaseInventory',
    (i: OrderRefInput) => activities.releaseInventory(i),
    { workflowId: `order-${orderId}`, ...options },
    { orderId, ...(sequence === undefined ? {} : { sequence }) },
  );
const commit = (orderId = 'o-1', options: StepOptions = {}) =>
  runActivity(
    'commitReservation',
    (i: OrderRefInput) => activities.commitReservation(i),
    { workflowId: `order-${orderId}`, ...options },
    { orderId },
  );

async function level(sku: string): Promise<StockLevel | undefined> {
  return (await store.stockLevels()).find((l) => l.sku === sku);
}

async function expectConserved(): Promise<void> {
  for (const l of await store.stockLevels()) {
    expect(l.available + l.reserved + l.shipped, l.sku).toBe(l.seeded + l.restocked);
    expect(Math.min(l.available, l.reserved, l.shipped), l.sku).toBeGreaterThanOrEqual(0);
  }
}

describe('catalogue seeding', () => {
  it('seeds the demo catalogue with a sold-out SKU and one above the approval threshold', async () => {
    const levels = await store.stockLevels();
    expect(levels.map((l) => l.sku).sort()).toEqual(demoCatalogue.map((i) => i.sku).sort());
    expect(await level('SKU-SOLDOUT')).toMatchObject({ available: 0, seeded: 0 });
    expect(demoCatalogue.some((i) => i.unitPrice.amount > 100_000)).toBe(true);
    expect(demoCatalogue.every((i) => i.unitPrice.currency === 'EUR')).toBe(true);
  });

  it('does not reset stock when the store is reopened on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
    try {
      const filename = join(dir, 'inventory.sqlite');
      const first = await openInventoryStore({ filename });
      await first.restock('SKU-MUG', 5, '2025-01-01T00:00:00.000Z');
      await first.close();
      const second = await openInventoryStore({ filename });
      expect((await second.stockLevels()).find((l) => l.sku === 'SKU-MUG')).toMatchObject({
        available: 305,
        seeded: 300,
        restocked: 5,
      });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('priceOrder', () => {
  it('prices from the catalogue and merges duplicate SKU lines', async () => {
    const priced = await price([
      { sku: 'SKU-TSHIRT', quantity: 2 },
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-TSHIRT', quantity: 1 },
    ]);
    expect(priced).toEqual({
      lines: [
        {
          sku: 'SKU-TSHIRT',
          name: 'Organic cotton T-shirt',
          quantity: 3,
          unitPrice: { amount: 1_999, currency: 'EUR' },
          lineTotal: { amount: 5_997, currency: 'EUR' },
        },
        {
          sku: 'SKU-MUG',
          name: 'Ceramic coffee mug',
          quantity: 1,
          unitPrice: { amount: 1_250, currency: 'EUR' },
          lineTotal: { amount: 1_250, currency: 'EUR' },
        },
      ],
      total: { amount: 7_247, currency: 'EUR' },
      attempts: 1,
    });
    expect((await outbox()).published).toHaveLength(0);
  });

  it('prices the laptop above the 100000 approval threshold', async () => {
    const priced = await price([{ sku: 'SKU-LAPTOP', quantity: 1 }]);
    expect(priced.total.amount).toBeGreaterThan(100_000);
  });

  it('rejects unknown SKUs with UnknownSku naming every one of them', async () => {
    const failure = await expectNonRetryable(
      price([
        { sku: 'SKU-NOPE', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 1 },
        { sku: 'SKU-GONE', quantity: 2 },
      ]),
      'UnknownSku',
    );
    expect(failure.message).toBe('unknown SKUs: SKU-NOPE, SKU-GONE');
    expect(failure.details).toEqual([{ skus: ['SKU-NOPE', 'SKU-GONE'], attempts: 1 }]);
  });

  it.each([
    ['zero', [{ sku: 'SKU-MUG', quantity: 0 }]],
    ['negative', [{ sku: 'SKU-MUG', quantity: -1 }]],
    ['fractional', [{ sku: 'SKU-MUG', quantity: 1.5 }]],
    ['over 100', [{ sku: 'SKU-MUG', quantity: 101 }]],
    [
      'over 100 once merged',
      [
        { sku: 'SKU-MUG', quantity: 60 },
        { sku: 'SKU-MUG', quantity: 41 },
      ],
    ],
    ['empty', []],
  ])('rejects a %s quantity with InvalidQuantity', async (_label, items) => {
    await expectNonRetryable(price(items), 'InvalidQuantity');
  });

  it('accepts the boundaries 1 and 100', async () => {
    const priced = await price([
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-TSHIRT', quantity: 100 },
    ]);
    expect(priced.lines.map((l) => l.quantity)).toEqual([1, 100]);
  });
});

describe('priceOrder per order', () => {
  const priceOf = (workflowId: string, items: OrderLineInput[], attempt = 1) =>
    runActivity(
      'priceOrder',
      (i: PriceOrderInput) => activities.priceOrder(i),
      { workflowId, attempt },
      { orderId: workflowId.replace(/^order-/, ''), items },
    );

  it('prices an order again (a retry, a new run after a reset) as it was first priced, whatever the catalogue says now', async () => {
    const first = await priceOf('order-o-7', [
      { sku: 'SKU-MUG', quantity: 2 },
      { sku: 'SKU-TSHIRT', quantity: 1 },
    ]);
    expect(first.total).toEqual({ amount: 4_499, currency: 'EUR' });
    await store.setUnitPrice('SKU-MUG', 1_500, '2025-01-02T00:00:00.000Z');

    // The same units per SKU, split and in another order, are the same items.
    const again = await priceOf(
      'order-o-7',
      [
        { sku: 'SKU-TSHIRT', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 1 },
      ],
      2,
    );
    expect(again).toEqual({ ...first, attempts: 2 });
    expect(await store.findPricingByKey('order-o-7:priceOrder')).toMatchObject({
      orderId: 'o-7',
      units: [
        ['SKU-MUG', 2],
        ['SKU-TSHIRT', 1],
      ],
    });
    // Another order pays the new price.
    expect((await priceOf('order-o-8', [{ sku: 'SKU-MUG', quantity: 2 }])).total.amount).toBe(3_000);
  });

  it('refuses other items under the key with IdempotencyMismatch, before any effect, and keeps the first pricing', async () => {
    const first = await priceOf('order-o-7', [{ sku: 'SKU-MUG', quantity: 2 }]);
    const failure = await expectNonRetryable(
      priceOf('order-o-7', [{ sku: 'SKU-MUG', quantity: 3 }]),
      'IdempotencyMismatch',
    );
    expect(failure.details).toEqual([
      {
        idempotencyKey: 'order-o-7:priceOrder',
        orderId: 'o-7',
        differences: [{ field: 'items', stored: [['SKU-MUG', 2]], requested: [['SKU-MUG', 3]] }],
        attempts: 1,
      },
    ]);
    expect((await store.findPricingByKey('order-o-7:priceOrder'))?.pricing).toEqual({
      lines: first.lines,
      total: first.total,
    });
    expect((await outbox()).published).toHaveLength(0);
  });

  it('stores nothing for a refused pricing (an unknown SKU), so the order can be priced once the SKU exists', async () => {
    await expectNonRetryable(priceOf('order-o-7', [{ sku: 'SKU-NOPE', quantity: 1 }]), 'UnknownSku');
    expect(await store.findPricingByKey('order-o-7:priceOrder')).toBeUndefined();
  });
});

describe('reserveInventory', () => {
  it('reserves every line and writes InventoryUpdated with the reservation', async () => {
    const { reservationId } = await reserve([
      { sku: 'SKU-TSHIRT', quantity: 2 },
      { sku: 'SKU-LAPTOP', quantity: 1 },
    ]);
    expect(reservationId).toMatch(/^res_/);
    expect(await level('SKU-TSHIRT')).toMatchObject({ available: 498, reserved: 2 });
    expect(await level('SKU-LAPTOP')).toMatchObject({ available: 9, reserved: 1 });
    const [event] = (await outbox()).ofName('InventoryUpdated');
    expect(event).toMatchObject({
      id: deterministicEventId('order-o-1', 'reserveInventory', 'InventoryUpdated'),
      source: 'order-saga/inventory',
      subject: 'o-1',
      data: {
        orderId: 'o-1',
        reservationId,
        lines: [
          { sku: 'SKU-TSHIRT', quantity: 2 },
          { sku: 'SKU-LAPTOP', quantity: 1 },
        ],
      },
    });
    await expectConserved();
  });

  it('is idempotent: a retry reserves nothing more and writes no second event', async () => {
    const first = await reserve([{ sku: 'SKU-HOODIE', quantity: 3 }], 'o-1', {}, 3);
    const second = await reserve([{ sku: 'SKU-HOODIE', quantity: 3 }], 'o-1', { attempt: 2 }, 3);
    expect(second).toEqual({ ...first, attempts: 2 });
    expect(await level('SKU-HOODIE')).toMatchObject({ available: 117, reserved: 3 });
    expect((await outbox()).published).toMatchObject([{ ordersequence: 3 }]);
  });

  it('is all-or-nothing: one short line leaves every SKU untouched and names the short SKU', async () => {
    const before = await store.stockLevels();
    const failure = await expectNonRetryable(
      reserve([
        { sku: 'SKU-TSHIRT', quantity: 2 },
        { sku: 'SKU-SOLDOUT', quantity: 1 },
        { sku: 'SKU-LAPTOP', quantity: 11 },
      ]),
      'OutOfStock',
    );
    expect(failure.details).toEqual([
      {
        skus: ['SKU-SOLDOUT', 'SKU-LAPTOP'],
        shortages: [
          { sku: 'SKU-SOLDOUT', requested: 1, available: 0 },
          { sku: 'SKU-LAPTOP', requested: 11, available: 10 },
        ],
        attempts: 1,
      },
    ]);
    expect(failure.message).toContain('SKU-SOLDOUT');
    expect(await store.stockLevels()).toEqual(before);
    const [event] = (await outbox()).ofName('InventoryUpdateFailed');
    expect(event?.id).toBe(deterministicEventId('order-o-1', 'reserveInventory', 'InventoryUpdateFailed'));
    expect(event?.data).toMatchObject({
      orderId: 'o-1',
      reason: { code: 'OutOfStock' },
      shortages: [{ sku: 'SKU-SOLDOUT' }, { sku: 'SKU-LAPTOP' }],
    });
    expect(event?.data.reservationId).toMatch(/^res_/);
    expect((await outbox()).ofName('InventoryUpdated')).toHaveLength(0);
  });

  it('replays an out-of-stock rejection on retry even if stock arrived meanwhile', async () => {
    await expectNonRetryable(reserve([{ sku: 'SKU-SOLDOUT', quantity: 1 }]), 'OutOfStock');
    await store.restock('SKU-SOLDOUT', 5, '2025-01-02T00:00:00.000Z');
    await expectNonRetryable(reserve([{ sku: 'SKU-SOLDOUT', quantity: 1 }], 'o-1', { attempt: 2 }), 'OutOfStock');
    expect(await level('SKU-SOLDOUT')).toMatchObject({ available: 5, reserved: 0 });
    expect((await outbox()).names).toEqual(['InventoryUpdateFailed']);
  });

  it('rejects unknown SKUs with UnknownSku and writes InventoryUpdateFailed without a reservation', async () => {
    await expectNonRetryable(reserve([{ sku: 'SKU-NOPE', quantity: 1 }], 'o-1', {}, 3), 'UnknownSku');
    expect(await store.findReservationByKey('order-o-1:reserveInventory')).toBeUndefined();
    const [event] = (await outbox()).ofName('InventoryUpdateFailed');
    expect(event?.data).toEqual({
      orderId: 'o-1',
      lines: [{ sku: 'SKU-NOPE', quantity: 1 }],
      reason: { code: 'UnknownSku', message: 'unknown SKU: SKU-NOPE' },
    });
    expect(event?.ordersequence).toBe(3);
    await expectConserved();
  });

  it('rejects a bad quantity with InvalidQuantity', async () => {
    await expectNonRetryable(reserve([{ sku: 'SKU-MUG', quantity: 0 }]), 'InvalidQuantity');
    expect((await outbox()).ofName('InventoryUpdateFailed')).toHaveLength(1);
  });
});

describe('releaseInventory', () => {
  it('is a no-op when nothing was reserved', async () => {
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    expect((await outbox()).published).toHaveLength(0);
  });

  it('is a no-op after a rejected reservation', async () => {
    await expectNonRetryable(reserve([{ sku: 'SKU-SOLDOUT', quantity: 1 }]), 'OutOfStock');
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    expect((await outbox()).ofName('InventoryReleased')).toHaveLength(0);
  });

  it('returns the reserved stock once, even when retried, with one event', async () => {
    const { reservationId } = await reserve([{ sku: 'SKU-SNEAKERS', quantity: 4 }]);
    expect(await release('o-1', {}, 5)).toEqual({ applied: true, attempts: 1 });
    expect(await release('o-1', { attempt: 2 }, 5)).toEqual({ applied: true, attempts: 2 });
    expect(await level('SKU-SNEAKERS')).toMatchObject({ available: 60, reserved: 0, shipped: 0 });
    const events = (await outbox()).ofName('InventoryReleased');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: deterministicEventId('order-o-1', 'releaseInventory', 'InventoryReleased'),
      ordersequence: 5,
      data: { orderId: 'o-1', reservationId, lines: [{ sku: 'SKU-SNEAKERS', quantity: 4 }] },
    });
    await expectConserved();
  });

  it('does not release stock that was already committed to a shipment', async () => {
    await reserve([{ sku: 'SKU-MUG', quantity: 2 }]);
    expect(await commit()).toEqual({ applied: true, attempts: 1 });
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    expect(await level('SKU-MUG')).toMatchObject({ available: 298, reserved: 0, shipped: 2 });
  });
});

describe('commitReservation', () => {
  it('is a no-op when nothing was reserved', async () => {
    expect(await commit()).toEqual({ applied: false, attempts: 1 });
  });

  it('moves reserved stock to shipped once, even when retried', async () => {
    await reserve([{ sku: 'SKU-LAPTOP', quantity: 2 }]);
    expect(await commit()).toEqual({ applied: true, attempts: 1 });
    expect(await commit('o-1', { attempt: 2 })).toEqual({ applied: true, attempts: 2 });
    expect(await level('SKU-LAPTOP')).toMatchObject({ available: 8, reserved: 0, shipped: 2 });
    await expectConserved();
  });

  it('does not commit a released reservation', async () => {
    await reserve([{ sku: 'SKU-LAPTOP', quantity: 2 }]);
    await release();
    expect(await commit()).toEqual({ applied: false, attempts: 1 });
    expect(await level('SKU-LAPTOP')).toMatchObject({ available: 10, reserved: 0, shipped: 0 });
  });
});

describe('stock conservation', () => {
  it('holds after a mix of reservations, rejections, releases, commits and restocks', async () => {
    const skus = ['SKU-LAPTOP', 'SKU-SNEAKERS', 'SKU-SOLDOUT', 'SKU-MUG'];
    for (let n = 0; n < 40; n += 1) {
      const orderId = `mix-${n}`;
      const lines = [
        { sku: skus[n % skus.length] ?? 'SKU-MUG', quantity: (n % 3) + 1 },
        { sku: skus[(n + 1) % skus.length] ?? 'SKU-MUG', quantity: (n % 5) + 1 },
      ];
      const reserved = await reserve(lines, orderId).then(
        () => true,
        () => false,
      );
      if (reserved && n % 3 === 0) await release(orderId);
      if (reserved && n % 3 === 1) await commit(orderId);
      if (n % 7 === 0) await store.restock('SKU-LAPTOP', 1, '2025-01-03T00:00:00.000Z');
      if (n % 11 === 0) await release(orderId, { attempt: 2 });
      await expectConserved();
    }
    const laptop = await level('SKU-LAPTOP');
    expect(laptop?.restocked).toBe(6);
    expect(laptop?.shipped).toBeGreaterThan(0);
  });
});

describe('restock', () => {
  it('adds to available and to restocked', async () => {
    expect(await store.restock('SKU-SOLDOUT', 3, '2025-01-01T00:00:00.000Z')).toMatchObject({
      sku: 'SKU-SOLDOUT',
      available: 3,
      restocked: 3,
    });
    await expectConserved();
  });

  it('refuses unknown SKUs and non-positive quantities', async () => {
    await expect(store.restock('SKU-NOPE', 1, '2025-01-01T00:00:00.000Z')).rejects.toBeInstanceOf(UnknownSkuError);
    await expect(store.restock('SKU-MUG', 0, '2025-01-01T00:00:00.000Z')).rejects.toBeInstanceOf(InvalidQuantityError);
  });
});
