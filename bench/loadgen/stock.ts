// Stock for a load run: a run of thousands of orders outlasts the demo catalogue's stock, which would turn successes into OutOfStock.
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { Config } from '../../src/config/env.js';
import { serviceDatabase } from '../../src/db/database.js';

export interface Shortfall {
  sku: string;
  needed: number;
  available: number;
}

/** What `GET /products` says is available, by SKU. */
export async function fetchAvailability(apiUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${apiUrl}/products`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok)
    throw new Error(`GET ${apiUrl}/products answered ${res.status}; is the API running with the inventory role?`);
  const { products } = (await res.json()) as { products: { sku: string; available: number }[] };
  return new Map(products.map((p) => [p.sku, p.available]));
}

/** SKUs the run reserves more of than is available (SKU-SOLDOUT is never reserved by the mixes). */
export function shortfalls(needed: ReadonlyMap<string, number>, available: ReadonlyMap<string, number>): Shortfall[] {
  return [...needed]
    .filter(([sku, n]) => n > (available.get(sku) ?? 0))
    .map(([sku, n]) => ({ sku, needed: n, available: available.get(sku) ?? 0 }));
}

/**
 * Tops up each short SKU through the inventory service's own store (the same DATA_DIR or DATABASE_URL as the system
 * under load), with 10% to spare. A development aid for the machine that runs the system: stock moves stay
 * conserved (restocked is its own column).
 */
export async function restock(
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>,
  short: readonly Shortfall[],
): Promise<void> {
  if (short.length === 0) return;
  const store = await openInventoryStore(serviceDatabase(config, 'inventory'));
  try {
    const at = new Date().toISOString();
    for (const { sku, needed, available } of short)
      await store.restock(sku, Math.ceil((needed - available) * 1.1) + 10, at);
  } finally {
    await store.close();
  }
}
