// Row types of the inventory database, as Kysely sees them.
import type { OutboxTables } from '../../events/outbox/schema.js';

/**
 * One row per SKU. Stock is split by state so it is conserved by construction:
 * available + reserved + shipped = seeded + restocked, and every move is a transfer between columns.
 */
export interface ProductsTable {
  sku: string;
  name: string;
  /** Minor units. */
  unit_price: number;
  currency: string;
  available: number;
  reserved: number;
  shipped: number;
  seeded: number;
  restocked: number;
  updated_at: string;
}

export interface ReservationsTable {
  reservation_id: string;
  /** `<workflowId>:reserveInventory`; unique, so a retried reservation finds its row. */
  idempotency_key: string;
  order_id: string;
  status: ReservationStatus;
  created_at: string;
  release_key: string | null;
  released_at: string | null;
  commit_key: string | null;
  committed_at: string | null;
  /**
   * 1 for a tombstone: releaseInventory found nothing reserved and took the reservation's key (status `released`,
   * no lines), so a late reserveInventory attempt cannot reserve any more. Holds no stock; release and commit skip it.
   */
  tombstone: number;
}

/** `rejected` records an out-of-stock attempt, so the InventoryUpdateFailed event is backed by state. */
export type ReservationStatus = 'reserved' | 'rejected' | 'released' | 'committed';

export interface ReservationLinesTable {
  reservation_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  /** Stock available when the reservation was attempted: shows why a rejected one was short. */
  available_before: number;
}

/**
 * The first pricing of each order, under `<workflowId>:priceOrder`: a new run of the order (a workflow reset) is
 * priced as the first run was, whatever the catalogue says now, so it pays the amount already charged.
 */
export interface PricingsTable {
  idempotency_key: string;
  order_id: string;
  /** The items priced, as JSON `[sku, units][]` merged by SKU and sorted. */
  units: string;
  /** The priced lines, as JSON `PricedLine[]`. */
  lines: string;
  /** Minor units (bigint on PostgreSQL). */
  total_amount: number;
  currency: string;
  created_at: string;
}

export interface InventoryTables extends OutboxTables {
  products: ProductsTable;
  pricings: PricingsTable;
  reservations: ReservationsTable;
  reservation_lines: ReservationLinesTable;
}
