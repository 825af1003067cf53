// Row types of the order read model (the API's list and detail queries).
import type { ReadModelBaseTables } from '../generation.js';

/** One row per order and generation; fields are merged so any delivery order gives the same row. */
export interface OrdersTable {
  generation: number;
  order_id: string;
  /** Null until an event that names the customer (inventory and shipping events do not). */
  customer_id: string | null;
  status: string | null;
  /** Minor units. */
  total: number | null;
  currency: string | null;
  /** The earliest event time seen for the order (OrderCreated's, once it is in). */
  created_at: string;
  /** The priced lines (JSON) from the order event that carries them (OrderCreated). */
  lines: string | null;
  /** OrderCreated v2's approval deadline (ISO-8601); null for orders without one and for v1 events. */
  approval_deadline: string | null;
  /** The reason of the latest order-level event that states one (OrderFailed, OrderCancelled, CompensationFailed). */
  failure_code: string | null;
  failure_message: string | null;
  failure_position: number;
  /** Time and name of the latest event of the order (the highest `orderPosition`: src/events/order-sequence.ts). */
  updated_at: string;
  last_event: string;
  last_position: number;
  /** The `orderPosition` of the event the status came from (bigint on PostgreSQL). */
  status_position: number;
}

export interface OrderReadModelTables extends ReadModelBaseTables {
  orders: OrdersTable;
}
