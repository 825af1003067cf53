// Port: the order read model the API reads for lists and for orders whose workflow is gone.
import type { Money, PricedLine } from '../../shared/order.js';
import type { OrderStatus } from '../../shared/order-status.js';

/**
 * One order as the read model knows it, built from the order's domain events (OrderCreated carries the
 * lines and total, the terminal events the reason). Deliberately a subset of the workflow's `OrderState`:
 * steps and compensations live only in the workflow's history.
 */
export interface OrderSummary {
  orderId: string;
  /** Absent while only events without a customer (inventory, shipping) have been seen. */
  customerId?: string;
  /** Rows whose status no event has stated yet are left out of the port, or shown as PENDING. */
  status: OrderStatus;
  /** Absent when the read model does not keep the lines; the API then shows none. */
  lines?: PricedLine[];
  total?: Money;
  /** When an order awaiting approval stops waiting; absent when no event stated one (OrderCreated v1). */
  approvalDeadline?: string;
  failure?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

export interface ListOrdersQuery {
  status?: OrderStatus;
  customerId?: string;
  /** 1..100, already validated by the API. */
  limit: number;
  /** Opaque: only ever a `nextCursor` this read model returned. */
  cursor?: string;
}

export interface OrderPage {
  /** Newest first (by `createdAt`, ties broken by `orderId`). */
  orders: OrderSummary[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/**
 * Implemented over the order read model's store (src/api/adapters/order-read-model.ts); the API never writes
 * through it.
 * A cursor the implementation cannot decode must be refused by throwing an error whose `code` is
 * `InvalidCursor`; the API answers that with 400 instead of a 500.
 */
export interface OrderReadModel {
  listOrders(query: ListOrdersQuery): Promise<OrderPage>;
  /** `undefined` when the read model has never seen the order. */
  getOrder(orderId: string): Promise<OrderSummary | undefined>;
}

/** The `code` a read model puts on the error it throws for a cursor it did not issue. */
export const invalidCursorCode = 'InvalidCursor';
