// The read routes: order list pages, the catalogue from the inventory database, notifications and analytics.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { InventoryProductCatalogue } from '../../src/api/adapters/inventory-product-catalogue.js';
import type { OrderSummary } from '../../src/api/ports/order-read-model.js';
import { serviceDatabaseFile } from '../../src/db/sqlite.js';
import { buildTestApi, testClient } from './support/api-fixture.js';
import type { TestApi } from './support/api-fixture.js';

// The order, notification and analytics ports are in-memory stand-ins here (route unit tests only);
// the product catalogue is the real read-only adapter over a real inventory database.
let dir: string;
let catalogue: InventoryProductCatalogue;
let api: TestApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'api-reads-'));
  const inventory = await openInventoryStore({ filename: serviceDatabaseFile(dir, 'inventory') });
  await inventory.restock('SKU-MUG', 7, new Date().toISOString());
  await inventory.close();
  catalogue = new InventoryProductCatalogue({ filename: serviceDatabaseFile(dir, 'inventory') });
  api = buildTestApi(testClient().client, { products: catalogue });
});

afterAll(async () => {
  await catalogue?.close();
  await rm(dir, { recursive: true, force: true });
});

function summary(i: number, overrides: Partial<OrderSummary> = {}): OrderSummary {
  const at = new Date(Date.UTC(2025, 0, 1, 12, 0, i)).toISOString();
  return {
    orderId: `ord-${String(i).padStart(3, '0')}`,
    customerId: i % 3 === 0 ? 'cus_three' : 'cus_other',
    status: i % 2 === 0 ? 'COMPLETED' : 'FAILED',
    total: { amount: 1_000 + i, currency: 'EUR' },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('GET /orders', () => {
  beforeAll(() => {
    api.readModel.add(...Array.from({ length: 25 }, (_, i) => summary(i)));
  });

  it('pages through every order, newest first, until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const query: string = cursor === null ? '?limit=10' : `?limit=10&cursor=${encodeURIComponent(cursor)}`;
      const res = await api.app.request(`/orders${query}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        orders: { orderId: string; links: { self: string } }[];
        nextCursor: string | null;
      };
      sizes.push(page.orders.length);
      seen.push(...page.orders.map((o) => o.orderId));
      expect(page.orders[0]?.links.self).toBe(`/orders/${page.orders[0]?.orderId}`);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `ord-${String(24 - i).padStart(3, '0')}`));
  });

  it('filters by status and customer, and defaults to 20 a page', async () => {
    const res = await api.app.request('/orders?status=COMPLETED&customerId=cus_three');
    const page = (await res.json()) as {
      orders: { orderId: string; status: string; customerId: string }[];
      nextCursor: null;
    };
    expect(page.orders.map((o) => o.orderId)).toEqual(['ord-024', 'ord-018', 'ord-012', 'ord-006', 'ord-000']);
    expect(page.nextCursor).toBeNull();
    const all = (await (await api.app.request('/orders')).json()) as { orders: unknown[]; nextCursor: string };
    expect(all.orders).toHaveLength(20);
    expect(all.nextCursor).toEqual(expect.any(String));
  });
});

describe('GET /products', () => {
  it('lists the catalogue with prices and current availability, by SKU', async () => {
    const res = await api.app.request('/products');
    expect(res.status).toBe(200);
    const { products } = (await res.json()) as { products: { sku: string; available: number; unitPrice: unknown }[] };
    expect(products.map((p) => p.sku)).toEqual([
      'SKU-HOODIE',
      'SKU-LAPTOP',
      'SKU-MUG',
      'SKU-SNEAKERS',
      'SKU-SOLDOUT',
      'SKU-TSHIRT',
    ]);
    expect(products.find((p) => p.sku === 'SKU-MUG')).toEqual({
      sku: 'SKU-MUG',
      name: 'Ceramic coffee mug',
      unitPrice: { amount: 1_250, currency: 'EUR' },
      available: 307,
    });
    expect(products.find((p) => p.sku === 'SKU-SOLDOUT')?.available).toBe(0);
  });
});

describe('GET /customers/{customerId}/notifications', () => {
  it('lists a customer’s notifications newest first, and none for a stranger', async () => {
    api.notifications.notifications.push(
      {
        id: 'n1',
        customerId: 'cus_ada',
        orderId: 'o1',
        event: 'OrderCreated',
        message: 'We got your order',
        createdAt: '2025-01-01T10:00:00Z',
      },
      {
        id: 'n2',
        customerId: 'cus_ada',
        orderId: 'o1',
        event: 'OrderShipped',
        message: 'On its way',
        createdAt: '2025-01-01T11:00:00Z',
      },
      {
        id: 'n3',
        customerId: 'cus_bob',
        orderId: 'o2',
        event: 'OrderCreated',
        message: 'We got your order',
        createdAt: '2025-01-01T12:00:00Z',
      },
    );
    const ada = (await (await api.app.request('/customers/cus_ada/notifications')).json()) as {
      notifications: { id: string }[];
    };
    expect(ada.notifications.map((n) => n.id)).toEqual(['n2', 'n1']);
    const none = await api.app.request('/customers/cus_nobody/notifications');
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ notifications: [] });
  });
});

describe('GET /analytics/summary', () => {
  it('answers the analytics read model’s summary', async () => {
    api.analytics.current = {
      ordersByStatus: { COMPLETED: 3, FAILED: 1 },
      revenue: [{ amount: 12_345, currency: 'EUR' }],
      failuresByReason: { PaymentDeclined: 1 },
      eventsProcessed: 17,
      updatedAt: '2025-01-01T12:00:00.000Z',
    };
    const res = await api.app.request('/analytics/summary');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(api.analytics.current);
  });
});
