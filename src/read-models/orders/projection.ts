// The order read model's projection: one row per order, merged from every event in any order, "latest" by the order's sequence.
import type { ParsedEvent } from '../../events/envelope.js';
import { orderPosition } from '../../events/order-sequence.js';
import { defineReadModel } from '../generation.js';
import { customerOfEvent, eventTime, statusOfEvent } from '../status-of-event.js';
import type { OrderReadModelTables, OrdersTable } from './tables.js';

/** The positions that decide which event's value a "latest" field keeps. */
type PositionColumn = 'last_position' | 'status_position' | 'failure_position';
type MergedColumn = Exclude<keyof OrdersTable, 'generation' | 'order_id'>;

/** The durable consumer of the order read model, separate from analytics so each can be rebuilt and re-driven alone. */
export const ORDER_READ_MODEL_CONSUMER = 'order-read-model';

/** The amount an event states for the whole order: the order total, or the amount charged. */
function totalOfEvent(event: ParsedEvent): { amount: number; currency: string } | undefined {
  if (event.name === 'PaymentProcessed') return event.envelope.data.amount;
  const data = event.envelope.data;
  return 'total' in data ? data.total : undefined;
}

/** The order-level reason an event states: the order's failure or cancellation (service failures only lead to one). */
function failureOfEvent(event: ParsedEvent): { code: string; message: string } | undefined {
  if (event.envelope.source !== 'order-saga/orders') return undefined;
  const data = event.envelope.data;
  return 'reason' in data ? data.reason : undefined;
}

function linesOfEvent(event: ParsedEvent): string | null {
  const data = event.envelope.data;
  return 'lines' in data && data.lines !== undefined && event.envelope.source === 'order-saga/orders'
    ? JSON.stringify(data.lines)
    : null;
}

/** The deadline only OrderCreated v2 states (the upcaster leaves it absent on v1). */
function approvalDeadlineOfEvent(event: ParsedEvent): string | null {
  return event.name === 'OrderCreated' ? (event.envelope.data.approvalDeadline ?? null) : null;
}

/** The CQRS query side for the API's order list: orders by status and customer, newest first. */
export const orderProjection = defineReadModel<OrderReadModelTables>({
  name: 'orders',
  consumer: ORDER_READ_MODEL_CONSUMER,

  /**
   * One atomic upsert: replicas apply an order's events concurrently (PostgreSQL, read committed), and a read of the
   * row followed by a write would let the later of two events be overwritten by the earlier one (a PaymentRefunded
   * landing after its OrderCancelled left the order COMPENSATING). Every column is merged in SQL from the row as it
   * is when the upsert takes its lock, the same rule in every delivery order: a field that is "latest" takes the
   * event's value only when its position is above the row's; first-known fields keep what they have; the creation
   * time is the earliest.
   */
  async apply(db, generation, event, meta) {
    // The event's place in the order's saga, never its place in the stream (see orderPosition).
    const position = orderPosition(event, meta.position);
    const time = eventTime(event);
    const status = statusOfEvent(event) ?? null;
    const total = totalOfEvent(event);
    const failure = failureOfEvent(event);
    await db
      .insertInto('orders')
      .values({
        generation,
        order_id: event.envelope.data.orderId,
        customer_id: customerOfEvent(event) ?? null,
        status,
        total: total?.amount ?? null,
        currency: total?.currency ?? null,
        lines: linesOfEvent(event),
        approval_deadline: approvalDeadlineOfEvent(event),
        failure_code: failure?.code ?? null,
        failure_message: failure?.message ?? null,
        failure_position: failure ? position : 0,
        created_at: time,
        updated_at: time,
        last_event: event.name,
        last_position: position,
        // 0 when the event implies no status (or states no failure): never above the row's, so it changes nothing.
        status_position: status === null ? 0 : position,
      })
      .onConflict((oc) =>
        oc.columns(['generation', 'order_id']).doUpdateSet((eb) => {
          /** The event's value of `column` when its `by` position is above the row's, else the row's. */
          const latest = <C extends MergedColumn>(by: PositionColumn, column: C) =>
            eb
              .case()
              .when(eb.ref(`excluded.${by}`), '>', eb.ref(`orders.${by}`))
              .then(eb.ref(`excluded.${column}`))
              .else(eb.ref(`orders.${column}`))
              .end()
              .$castTo<OrdersTable[C]>();
          /** The row's value of `column` once known, else the event's. */
          const known = <C extends MergedColumn>(column: C) =>
            eb.fn.coalesce(eb.ref(`orders.${column}`), eb.ref(`excluded.${column}`)).$castTo<OrdersTable[C]>();
          return {
            customer_id: known('customer_id'),
            total: known('total'),
            currency: known('currency'),
            lines: known('lines'),
            approval_deadline: known('approval_deadline'),
            created_at: eb
              .case()
              .when(eb.ref('excluded.created_at'), '<', eb.ref('orders.created_at'))
              .then(eb.ref('excluded.created_at'))
              .else(eb.ref('orders.created_at'))
              .end(),
            updated_at: latest('last_position', 'updated_at'),
            last_event: latest('last_position', 'last_event'),
            last_position: latest('last_position', 'last_position'),
            status: latest('status_position', 'status'),
            status_position: latest('status_position', 'status_position'),
            failure_code: latest('failure_position', 'failure_code'),
            failure_message: latest('failure_position', 'failure_message'),
            failure_position: latest('failure_position', 'failure_position'),
          };
        }),
      )
      .execute();
  },

  async dropGeneration(db, generation) {
    await db.deleteFrom('orders').where('generation', '=', generation).execute();
  },
});
