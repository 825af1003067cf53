// The benchmark's baseline workflow: the successful saga's seven activities in the same order, on the same four kinds of queue, doing nothing.
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities, BaselineQueues } from './baseline-activities.js';

/**
 * priceOrder, publishOrderEvent (OrderCreated), chargePayment, reserveInventory, createShipment, commitReservation,
 * publishOrderEvent (OrderCompleted): what `orderSaga` runs for an order that goes through (src/workflows/order-saga.ts),
 * with the same timeouts. No search attributes, no handlers, no state: the cost of the workflow engine alone.
 */
export async function benchBaseline(queues: BaselineQueues): Promise<string> {
  const on = (taskQueue: string, startToCloseTimeout: '10s' | '30s') =>
    proxyActivities<BaselineActivities>({ taskQueue, startToCloseTimeout, retry: { initialInterval: '1s' } });
  const inventory = on(queues.inventory, '10s');
  const orders = on(queues.orders, '30s');
  const payments = on(queues.payments, '30s');
  const shipping = on(queues.shipping, '30s');
  await inventory.priceOrder();
  await orders.publishOrderEvent();
  await payments.chargePayment();
  await inventory.reserveInventory();
  await shipping.createShipment();
  await inventory.commitReservation();
  await orders.publishOrderEvent();
  return 'COMPLETED';
}
