// Row types of the orders service's database, as Kysely sees them.
import type { OutboxTables } from '../../events/outbox/schema.js';

/**
 * One row per order-level fact the workflow announced (OrderCreated, OrderCompleted, CompensationFailed...): the
 * orders service's own record, written in the same transaction as the event's outbox row. It outlives the outbox row
 * (which is pruned once sent), so a retried publishOrderEvent never announces a fact twice.
 */
export interface OrderEventsTable {
  /** The event's ID (from workflow, step and name): the fact's key. */
  event_id: string;
  order_id: string;
  event_name: string;
  /** The workflow's step name for it (`OrderCreated`, `CompensationFailed-2`...). */
  step: string;
  /** The order status the fact states. */
  status: string;
  /** Its place among the order's events; null for a run recorded before the workflow numbered them. */
  sequence: number | null;
  recorded_at: string;
}

export interface OrderTables extends OutboxTables {
  order_events: OrderEventsTable;
}
