// The product catalogue port over the inventory service's database, on either engine, used only to read.
import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { InventoryTables } from '../../activities/inventory/tables.js';
import { openDatabase, resolveLocation } from '../../db/database.js';
import { isMissingTableError } from '../../db/errors.js';
import type { DatabaseLocation } from '../../db/database.js';
import { ApiError } from '../errors.js';
import type { CatalogueProduct, ProductCatalogue } from '../ports/product-catalogue.js';

/** The API cannot reach a PostgreSQL server (down, restarting, not resolvable). */
function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '57P03';
}

const notStarted = () =>
  new ApiError('UNAVAILABLE', 'The catalogue is not available yet: the inventory service has not started');

/**
 * Reads prices and `available` stock straight from the inventory service's `products` table, where
 * `DATABASE_URL` (or, unset, `DATA_DIR`) says the service keeps it: its SQLite file, or its `inventory` schema
 * in PostgreSQL. A read port over its database (rather than a call into the inventory worker) keeps the
 * catalogue page cheap and needs no new service endpoint. It only ever selects; on PostgreSQL, give the API a
 * login role that may read the inventory schema and nothing more. A SQLite file is never created here: until
 * the inventory service has created its database, the catalogue answers 503. Opened on first use, since the API
 * may start before the inventory worker.
 */
export class InventoryProductCatalogue implements ProductCatalogue {
  private db: Kysely<InventoryTables> | undefined;

  constructor(private readonly location: DatabaseLocation) {}

  async listProducts(): Promise<CatalogueProduct[]> {
    let rows;
    try {
      rows = await this.open()
        .selectFrom('products')
        .select(['sku', 'name', 'unit_price', 'currency', 'available'])
        .orderBy('sku')
        .execute();
    } catch (error) {
      if (isMissingTableError(error)) throw notStarted();
      if (isUnreachable(error)) {
        throw new ApiError(
          'UNAVAILABLE',
          'The catalogue is not available: the inventory database does not answer',
          undefined,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    return rows.map((r) => ({
      sku: r.sku,
      name: r.name,
      unitPrice: { amount: r.unit_price, currency: r.currency },
      available: r.available,
    }));
  }

  async close(): Promise<void> {
    await this.db?.destroy();
    this.db = undefined;
  }

  private open(): Kysely<InventoryTables> {
    if (this.db) return this.db;
    const resolved = resolveLocation(this.location);
    // Opening a SQLite file that is not there would create it (an empty database the inventory service then finds).
    if (
      resolved.engine === 'sqlite' &&
      resolved.options.filename !== ':memory:' &&
      !existsSync(resolved.options.filename)
    ) {
      throw notStarted();
    }
    this.db = openDatabase<InventoryTables>(this.location, 'inventory');
    return this.db;
  }
}
