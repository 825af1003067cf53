// The API's order read-model port over the order read model's store.
import type { OrderReadModelStore, StoredOrder } from '../../read-models/orders/store.js';
import { OrderStatuses } from '../../shared/order-status.js';
import type { OrderStatus } from '../../shared/order-status.js';
import type { OrderReadModel, OrderSummary } from '../ports/order-read-model.js';

/**
 * Maps rows to the port's `OrderSummary`. A row no event has given a status yet (only inventory or shipping
 * events seen, briefly, under competing consumers) is shown as PENDING. The store's InvalidCursorError already
 * carries the code `InvalidCursor` the API maps to 400.
 */
export function orderReadModelPort(store: OrderReadModelStore): OrderReadModel {
  return {
    async listOrders(query) {
      const page = await store.listOrders(query);
      return { orders: page.items.map(toSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
    async getOrder(orderId) {
      const view = await store.getOrder(orderId);
      return view && toSummary(view);
    },
  };
}

function isOrderStatus(value: string): value is OrderStatus {
  return (OrderStatuses as readonly string[]).includes(value);
}

function toSummary(view: StoredOrder): OrderSummary {
  return {
    orderId: view.orderId,
    ...(view.customerId === null ? {} : { customerId: view.customerId }),
    status: view.status !== null && isOrderStatus(view.status) ? view.status : 'PENDING',
    ...(view.lines === null ? {} : { lines: view.lines }),
    ...(view.total === null || view.currency === null
      ? {}
      : { total: { amount: view.total, currency: view.currency } }),
    ...(view.approvalDeadline === null ? {} : { approvalDeadline: view.approvalDeadline }),
    ...(view.failure === null ? {} : { failure: view.failure }),
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
