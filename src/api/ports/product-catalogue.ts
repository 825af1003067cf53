// Port: the product catalogue with prices and what is available to order right now.
import type { Money } from '../../shared/order.js';

export interface CatalogueProduct {
  sku: string;
  name: string;
  unitPrice: Money;
  /** Units not reserved or shipped; a snapshot, so an order may still find it short. */
  available: number;
}

/**
 * Read-only. The API's implementation queries the inventory service's database, SQLite or PostgreSQL
 * (src/api/adapters/inventory-product-catalogue.ts); a separate inventory service would answer
 * the same port over HTTP. The list is ordered by SKU.
 */
export interface ProductCatalogue {
  listProducts(): Promise<CatalogueProduct[]>;
}
