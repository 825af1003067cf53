// The catalogue's products and their stock: seeding, reading, restocking, and moving stock between its states.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Money } from '../../shared/order.js';
import type { CatalogueItem } from './catalogue.js';
import { InvalidQuantityError, UnknownSkuError } from './errors.js';
import type { InventoryTables, ProductsTable } from './tables.js';

/** What pricing needs of a catalogue product: its name and unit price. */
export interface ProductPrice {
  sku: string;
  name: string;
  unitPrice: Money;
}

/** Per-SKU stock by state; `available + reserved + shipped === seeded + restocked` always holds. */
export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
  shipped: number;
  seeded: number;
  restocked: number;
}

type Db = Kysely<InventoryTables>;

/** Inserts catalogue items that are missing; existing SKUs (and their stock) are left alone. */
export async function seedCatalogue(db: Db, items: readonly CatalogueItem[], at: string): Promise<void> {
  if (items.length === 0) return;
  await db
    .insertInto('products')
    .values(
      items.map((item) => ({
        sku: item.sku,
        name: item.name,
        unit_price: item.unitPrice.amount,
        currency: item.unitPrice.currency,
        available: item.stock,
        reserved: 0,
        shipped: 0,
        seeded: item.stock,
        restocked: 0,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.column('sku').doNothing())
    .execute();
}

export async function findProducts(db: Db, skus: readonly string[]): Promise<ProductPrice[]> {
  if (skus.length === 0) return [];
  const rows = await db.selectFrom('products').selectAll().where('sku', 'in', skus).execute();
  return rows.map((r) => ({ sku: r.sku, name: r.name, unitPrice: { amount: r.unit_price, currency: r.currency } }));
}

export async function stockLevels(db: Db): Promise<StockLevel[]> {
  const rows = await db.selectFrom('products').selectAll().orderBy('sku').execute();
  return rows.map(toLevel);
}

/** Adds stock to `available`; UnknownSku / InvalidQuantity on bad input. */
export async function restock(db: Db, sku: string, quantity: number, at: string): Promise<StockLevel> {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new InvalidQuantityError(`restock quantity must be a positive whole number: ${quantity}`, [
      { sku, quantity },
    ]);
  }
  const row = await db
    .updateTable('products')
    .set((eb) => ({
      available: eb('available', '+', quantity),
      restocked: eb('restocked', '+', quantity),
      updated_at: at,
    }))
    .where('sku', '=', sku)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw new UnknownSkuError([sku]);
  return toLevel(row);
}

/**
 * Changes a SKU's unit price (minor units, a whole number of at least 0). Orders priced before keep their pricing
 * (src/activities/inventory/pricings.ts); only orders priced from now on pay the new price.
 */
export async function setUnitPrice(db: Db, sku: string, amount: number, at: string): Promise<void> {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`unit price must be a whole number of minor units, at least 0: ${amount}`);
  }
  const result = await db
    .updateTable('products')
    .set({ unit_price: amount, updated_at: at })
    .where('sku', '=', sku)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new UnknownSkuError([sku]);
}

type StockColumn = 'available' | 'reserved' | 'shipped';

/**
 * Transfers each line's quantity between two stock columns, refusing to drive the source negative. Rows are locked
 * in one global order (by SKU), so two transactions moving stock of the same SKUs on PostgreSQL queue behind each
 * other instead of deadlocking. SQLite takes one lock for the whole database and needs none.
 */
export async function moveStock(
  trx: Transaction<InventoryTables>,
  lines: readonly { sku: string; quantity: number }[],
  from: StockColumn,
  to: StockColumn,
  at: string,
): Promise<void> {
  for (const line of inSkuOrder(lines)) await moveLineStock(trx, line, from, to, at);
}

function inSkuOrder<L extends { sku: string }>(lines: readonly L[]): L[] {
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

async function moveLineStock(
  trx: Transaction<InventoryTables>,
  line: { sku: string; quantity: number },
  from: StockColumn,
  to: StockColumn,
  at: string,
): Promise<void> {
  const result = await trx
    .updateTable('products')
    .set((eb) => ({
      [from]: eb(from, '-', line.quantity),
      [to]: eb(to, '+', line.quantity),
      updated_at: at,
    }))
    .where('sku', '=', line.sku)
    .where(from, '>=', line.quantity)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    // Another writer changed the row between our read and this update: roll back; the activity retries.
    throw new Error(`stock of ${line.sku} changed concurrently (${from} -> ${to} x ${line.quantity})`);
  }
}

function toLevel(row: Selectable<ProductsTable>): StockLevel {
  const { sku, available, reserved, shipped, seeded, restocked } = row;
  return { sku, available, reserved, shipped, seeded, restocked };
}
