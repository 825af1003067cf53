// An order's first pricing, kept under its step's idempotency key so a new run of the order (a reset) pays what the first run priced.
import type { Kysely } from 'kysely';
import type { PricedLine, PricedOrder } from '../../shared/order.js';
import type { InventoryTables } from './tables.js';

/** The units asked for, one entry per SKU, sorted by SKU: what "the same items" means, whatever their order or split. */
export type UnitsBySku = [string, number][];

/** The pricing stored under `<workflowId>:priceOrder`, with the items it priced. */
export interface StoredPricing {
  idempotencyKey: string;
  orderId: string;
  units: UnitsBySku;
  pricing: PricedOrder;
  createdAt: string;
}

type Db = Kysely<InventoryTables>;

export async function findPricingByKey(db: Db, idempotencyKey: string): Promise<StoredPricing | undefined> {
  const row = await db
    .selectFrom('pricings')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    idempotencyKey: row.idempotency_key,
    orderId: row.order_id,
    units: JSON.parse(row.units) as UnitsBySku,
    pricing: {
      lines: JSON.parse(row.lines) as PricedLine[],
      total: { amount: row.total_amount, currency: row.currency },
    },
    createdAt: row.created_at,
  };
}

/**
 * Stores `pricing` unless its key already holds one (a concurrent attempt's), and returns what the key holds. One
 * insert, so no transaction is needed: the key is the primary key.
 */
export async function storePricing(db: Db, pricing: StoredPricing): Promise<StoredPricing> {
  await db
    .insertInto('pricings')
    .values({
      idempotency_key: pricing.idempotencyKey,
      order_id: pricing.orderId,
      units: JSON.stringify(pricing.units),
      lines: JSON.stringify(pricing.pricing.lines),
      total_amount: pricing.pricing.total.amount,
      currency: pricing.pricing.total.currency,
      created_at: pricing.createdAt,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  const stored = await findPricingByKey(db, pricing.idempotencyKey);
  if (stored === undefined) throw new Error(`pricing ${pricing.idempotencyKey} vanished after it was stored`);
  return stored;
}

/** Merges lines by SKU and sorts them: the items of an order as pricing and reserving compare them. */
export function unitsBySku(lines: readonly { sku: string; quantity: number }[]): UnitsBySku {
  const units = new Map<string, number>();
  for (const { sku, quantity } of lines) units.set(sku, (units.get(sku) ?? 0) + quantity);
  return [...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
