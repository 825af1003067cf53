// The demo catalogue the inventory service seeds on start: what can be ordered, at what price, with how much stock.
import type { Money } from '../../shared/order.js';

export interface CatalogueItem {
  sku: string;
  name: string;
  unitPrice: Money;
  /** Initial stock; seeding never overwrites an existing SKU, so restarts keep the current levels. */
  stock: number;
}

/**
 * Chosen to exercise the saga: `SKU-SOLDOUT` has no stock (OutOfStock path), `SKU-LAPTOP` is scarce and
 * costs more than the 100000-minor-unit approval threshold on its own, the rest are plentiful.
 */
export const demoCatalogue: readonly CatalogueItem[] = [
  { sku: 'SKU-TSHIRT', name: 'Organic cotton T-shirt', unitPrice: { amount: 1_999, currency: 'EUR' }, stock: 500 },
  { sku: 'SKU-MUG', name: 'Ceramic coffee mug', unitPrice: { amount: 1_250, currency: 'EUR' }, stock: 300 },
  { sku: 'SKU-HOODIE', name: 'Zip-up hoodie', unitPrice: { amount: 4_999, currency: 'EUR' }, stock: 120 },
  { sku: 'SKU-SNEAKERS', name: 'Canvas sneakers', unitPrice: { amount: 7_950, currency: 'EUR' }, stock: 60 },
  { sku: 'SKU-LAPTOP', name: 'Developer laptop 14"', unitPrice: { amount: 189_900, currency: 'EUR' }, stock: 10 },
  { sku: 'SKU-SOLDOUT', name: 'Limited-edition poster', unitPrice: { amount: 2_500, currency: 'EUR' }, stock: 0 },
];
