// The product catalogue port over the inventory service's SQLite database, opened read-only.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { InventoryTables } from '../../activities/inventory/tables.js';
import { ApiError } from '../errors.js';
import type { CatalogueProduct, ProductCatalogue } from '../ports/product-catalogue.js';

/**
 * Reads prices and `available` stock straight from the inventory service's `products` table. A read port
 * over its database (rather than a call into the inventory worker) keeps the catalogue page cheap and
 * needs no new service endpoint; the connection is opened with SQLite's read-only flag, so the API cannot
 * write to a database it does not own even by mistake, and WAL lets it read while the worker writes.
 * The file is opened on first use: the API may start before the inventory worker has created it.
 */
export class SqliteProductCatalogue implements ProductCatalogue {
  private db: Kysely<InventoryTables> | undefined;
  private sqlite: SqliteDatabase | undefined;

  constructor(private readonly filename: string) {}

  async listProducts(): Promise<CatalogueProduct[]> {
    const rows = await this.open()
      .selectFrom('products')
      .select(['sku', 'name', 'unit_price', 'currency', 'available'])
      .orderBy('sku')
      .execute();
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
    this.sqlite = undefined;
  }

  private open(): Kysely<InventoryTables> {
    if (this.db) return this.db;
    if (!existsSync(this.filename)) {
      throw new ApiError('UNAVAILABLE', 'The catalogue is not available yet: the inventory service has not started');
    }
    this.sqlite = new Database(this.filename, { readonly: true, fileMustExist: true, timeout: 2_000 });
    this.db = new Kysely<InventoryTables>({ dialect: new SqliteDialect({ database: this.sqlite }) });
    return this.db;
  }
}
