// Reads stock levels from the inventory store and checks they are conserved, for saga tests that move stock.
import { expect } from 'vitest';
import type { StockLevel } from '../../src/activities/inventory/store.js';
import type { SagaStores } from './saga-harness.js';

export async function stockOf(stores: SagaStores, sku: string): Promise<StockLevel> {
  const level = (await stores.inventory.stockLevels()).find((l) => l.sku === sku);
  if (!level) throw new Error(`No stock level for ${sku}`);
  return level;
}

/** Every unit is somewhere: available, reserved or shipped, and nothing appeared or vanished. */
export async function expectStockConserved(stores: SagaStores): Promise<void> {
  for (const l of await stores.inventory.stockLevels()) {
    expect(l.available + l.reserved + l.shipped, l.sku).toBe(l.seeded + l.restocked);
  }
}
