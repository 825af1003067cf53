// The order saga's forward path on the real test server and real activities: a plain order, and one whose payment is flaky.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { orderWorkflowId } from '../../src/shared/order.js';
import type { PlaceOrderInput } from '../../src/shared/order.js';
import { CustomerIdAttribute, OrderStatusAttribute, OrderTotalAttribute } from '../../src/shared/search-attributes.js';
import { TaskQueues } from '../../src/shared/task-queues.js';
import { confirmPlacementUpdate, getStateQuery } from '../../src/workflows/definitions.js';
import type { orderSaga } from '../../src/workflows/order-saga.js';
import { clearPayloads, recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder, testSettings } from '../support/order-workflows.js';
import { eachStore, startSagaHarness } from '../support/saga-harness.js';
import { outboxEvents } from '../support/outbox-events.js';
import type { SagaHarness } from '../support/saga-harness.js';
import { expectStockSettled, stockOf } from '../support/stock.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';

let env: TestWorkflowEnvironment;
let harness: SagaHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  harness = await startSagaHarness(env);
});

afterAll(async () => {
  await harness?.stop();
  await env?.teardown();
});

describe('orderSaga forward path', () => {
  it('completes an order: charged, stock shipped, shipment created, events in order', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-MUG', quantity: 3 }] });
    const before = await stockOf(harness.stores, 'SKU-MUG');

    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('COMPLETED');
    expect(result.total).toEqual({ amount: 3 * 1_250, currency: 'EUR' });
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['priceOrder', 'succeeded'],
      ['chargePayment', 'succeeded'],
      ['reserveInventory', 'succeeded'],
      ['createShipment', 'succeeded'],
      ['commitReservation', 'succeeded'],
    ]);
    expect(result.compensations).toEqual([]);
    expect(result.failure).toBeUndefined();
    expect(await handle.query(getStateQuery)).toEqual(result);
    // What a recording would commit: every payload encrypted with the suite's test keys, none in clear.
    const history = await handle.fetchHistory();
    expect(clearPayloads(history)).toEqual([]);

    const charge = await harness.stores.payments.findChargeByOrder(order.orderId);
    expect(charge).toMatchObject({ status: 'captured', amount: { amount: 3_750, currency: 'EUR' } });
    expect(result.steps[1]?.detail).toEqual({ paymentId: charge?.paymentId });
    const shipment = await harness.stores.shipping.findShipmentByOrder(order.orderId);
    expect(shipment).toMatchObject({ status: 'created', country: 'NL', itemCount: 3 });
    const after = await stockOf(harness.stores, 'SKU-MUG');
    expect(after.available).toBe(before.available - 3);
    expect(after.shipped).toBe(before.shipped + 3);
    expect(after.reserved).toBe(before.reserved);
    await expectStockSettled(harness.stores);

    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
    // The workflow numbers each event by its place in the saga (the relays publish each store's on their own).
    const committed = await outboxEvents(eachStore(harness.stores), order.orderId);
    expect(committed.published.map((e) => [e.ordersequence, e.source])).toEqual([
      [1, 'order-saga/orders'],
      [2, 'order-saga/payments'],
      [3, 'order-saga/inventory'],
      [4, 'order-saga/shipping'],
      [5, 'order-saga/orders'],
    ]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(OrderStatusAttribute)).toBe('COMPLETED');
    await recordHistory('happy-path', handle);
  });

  it('retries a flaky payment with backoff and completes, showing the attempts it took', async () => {
    const order = newOrder({ payment: { token: 'tok_flaky' } });
    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('COMPLETED');
    const charge = result.steps.find((s) => s.name === 'chargePayment');
    expect(charge).toMatchObject({ outcome: 'succeeded', attempts: 3 });
    expect(result.steps.filter((s) => s.name !== 'chargePayment').every((s) => s.attempts === 1)).toBe(true);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'captured' });
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toMatchObject({ status: 'created' });
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
    await recordHistory('flaky-payment', handle);
  });

  it('answers confirmPlacement sent with update-with-start with the priced order, or its pricing failure', async () => {
    const placeWith = async (order: PlaceOrderInput) =>
      env.client.workflow.executeUpdateWithStart(confirmPlacementUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof orderSaga>('orderSaga', {
          workflowId: orderWorkflowId(order.orderId),
          taskQueue: TaskQueues.orders,
          args: [{ order, settings: testSettings }],
          workflowIdConflictPolicy: 'FAIL',
        }),
      });

    const order = newOrder({
      items: [
        { sku: 'SKU-TSHIRT', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 2 },
      ],
    });
    const placed = await placeWith(order);
    expect(placed.status).toBe('PENDING');
    expect(placed.total).toEqual({ amount: 1_999 + 2 * 1_250, currency: 'EUR' });
    expect(placed.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['SKU-TSHIRT', 1],
      ['SKU-MUG', 2],
    ]);
    const handle = env.client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(order.orderId));
    expect((await handle.result()).status).toBe('COMPLETED');
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(CustomerIdAttribute)).toBe('cus_test');
    expect(attributes.get(OrderTotalAttribute)).toBe(4_499);

    const refused = await placeWith(newOrder({ items: [{ sku: 'SKU-TSHIRT', quantity: 0 }] }));
    expect(refused.status).toBe('FAILED');
    expect(refused.failure?.code).toBe('InvalidQuantity');
  });
});
