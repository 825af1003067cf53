// The order read model's projection: one row per order, merged from every event in any order, "latest" by the order's sequence.
import type { ParsedEvent } from '../../events/envelope.js';
import { orderPosition } from '../../events/order-sequence.js';
import { defineReadModel } from '../generation.js';
import { customerOfEvent, eventTime, statusOfEvent } from '../status-of-event.js';
import type { OrderReadModelTables, OrdersTable } from './tables.js';

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

/** The CQRS query side for the API's order list: orders by status and customer, newest first. */
export const orderProjection = defineReadModel<OrderReadModelTables>({
  name: 'orders',
  consumer: ORDER_READ_MODEL_CONSUMER,

  async apply(db, generation, event, meta) {
    const orderId = event.envelope.data.orderId;
    // The event's place in the order's saga, never its place in the stream (see orderPosition).
    const position = orderPosition(event, meta.position);
    const time = eventTime(event);
    const status = statusOfEvent(event) ?? null;
    const total = totalOfEvent(event);
    const failure = failureOfEvent(event);
    const lines = linesOfEvent(event);
    const existing = await db
      .selectFrom('orders')
      .selectAll()
      .where('generation', '=', generation)
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (existing === undefined) {
      await db
        .insertInto('orders')
        .values({
          generation,
          order_id: orderId,
          customer_id: customerOfEvent(event) ?? null,
          status,
          total: total?.amount ?? null,
          currency: total?.currency ?? null,
          lines,
          failure_code: failure?.code ?? null,
          failure_message: failure?.message ?? null,
          failure_position: failure ? position : 0,
          created_at: time,
          updated_at: time,
          last_event: event.name,
          last_position: position,
          status_position: status === null ? 0 : position,
        })
        .execute();
      return;
    }
    const update: Partial<OrdersTable> = {
      customer_id: existing.customer_id ?? customerOfEvent(event) ?? null,
      total: existing.total ?? total?.amount ?? null,
      currency: existing.currency ?? total?.currency ?? null,
      lines: existing.lines ?? lines,
      created_at: time < existing.created_at ? time : existing.created_at,
    };
    // PostgreSQL's bigint comes back as text.
    if (position > Number(existing.last_position)) {
      Object.assign(update, { updated_at: time, last_event: event.name, last_position: position });
    }
    if (status !== null && position > Number(existing.status_position)) {
      Object.assign(update, { status, status_position: position });
    }
    if (failure !== undefined && position > Number(existing.failure_position)) {
      Object.assign(update, {
        failure_code: failure.code,
        failure_message: failure.message,
        failure_position: position,
      });
    }
    await db
      .updateTable('orders')
      .set(update)
      .where('generation', '=', generation)
      .where('order_id', '=', orderId)
      .execute();
  },

  async dropGeneration(db, generation) {
    await db.deleteFrom('orders').where('generation', '=', generation).execute();
  },
});
