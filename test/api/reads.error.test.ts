// Read routes refusing bad queries, and answering 503 when what backs them is missing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventoryProductCatalogue } from '../../src/api/adapters/inventory-product-catalogue.js';
import { buildTestApi, expectErrorShape, testClient } from './support/api-fixture.js';

// In-memory read ports (route unit tests only), from buildTestApi.
const api = buildTestApi(testClient().client);

describe('GET /orders query validation', () => {
  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['status=SHIPPING', 'query.status'],
    ['customerId=a%20b', 'query.customerId'],
    [`cursor=${'x'.repeat(513)}`, 'query.cursor'],
    ['cursor=0', 'query.cursor'],
    ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ['cursor=2026-12-01T10:00:00Z~a%20b', 'query.cursor'],
  ])('refuses %s', async (query, path) => {
    const error = await expectErrorShape(await api.app.request(`/orders?${query}`), 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual([expect.objectContaining({ path })]);
  });

  it('takes any position in the documented format as a cursor: orders created before it', async () => {
    const response = await api.app.request(`/orders?cursor=${encodeURIComponent('1999-01-01T00:00:00.000Z~zzz')}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orders: [], nextCursor: null });
  });
});

describe('missing backing stores', () => {
  it('answers 503 for the catalogue before the inventory database exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'api-reads-error-'));
    const catalogue = new InventoryProductCatalogue({ filename: join(dir, 'inventory.sqlite') });
    try {
      const noInventory = buildTestApi(testClient().client, { products: catalogue });
      const error = await expectErrorShape(await noInventory.app.request('/products'), 503, 'UNAVAILABLE');
      expect(error.message).toMatch(/inventory service has not started/);
    } finally {
      await catalogue.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a customer ID that is not one', async () => {
    await expectErrorShape(await api.app.request('/customers/%F0%9F%98%80/notifications'), 400, 'VALIDATION_FAILED');
  });
});
