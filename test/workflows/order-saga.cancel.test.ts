// Cancelling orders at different points of the saga, held in place by test-only activity gates around the real activities.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateStage } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cancelUpdate } from '../../src/workflows/definitions.js';
import { recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder, updateRefusal, waitForState } from '../support/order-workflows.js';
import type { OrderHandle } from '../support/order-workflows.js';
import { startSagaHarness } from '../support/saga-harness.js';
import type { SagaHarness } from '../support/saga-harness.js';
import { expectStockSettled, stockOf } from '../support/stock.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';

let env: TestWorkflowEnvironment;
let harness: SagaHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  harness = await startSagaHarness(env);
});

afterEach(() => harness.gates.releaseAll());

afterAll(async () => {
  await harness?.stop();
  await env?.teardown();
});

describe('orderSaga cancel', () => {
  it('cancels an order awaiting approval without touching any service', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });
    const handle = await startOrder(env.client, order);
    await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');

    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'Changed my mind' }] });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.failure).toEqual({ code: 'CANCELLED', message: 'Changed my mind' });
    expect(cancelled.compensations).toEqual([]);

    expect((await handle.result()).status).toBe('CANCELLED');
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toBeUndefined();
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderCreated', 'OrderCancelled']);
    await recordHistory('cancel-awaiting-approval', handle);
  });

  it('refuses a malformed reason in the validator, and the order goes on untouched', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });
    const handle = await startOrder(env.client, order);
    await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');

    // Clients outside the API (Web UI, CLI) can send anything; a bad payload must not reach the order's events.
    const bad = [{ reason: 123 }, { reason: 'x'.repeat(501) }, 'not an object'];
    for (const arg of bad) {
      const args = [arg] as unknown as [{ reason: string }];
      expect(await updateRefusal(handle.executeUpdate(cancelUpdate, { args }))).toMatch(
        /reason must be|must be an object/,
      );
    }
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'a string is fine' }] });
    expect(cancelled.status).toBe('CANCELLED');
    // The update answers at CANCELLED; the OrderCancelled event is published after that, before the run ends.
    expect((await handle.result()).status).toBe('CANCELLED');
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderCreated', 'OrderCancelled']);
  });

  it('cancels after payment: the reservation that was under way is released and the payment refunded', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-SNEAKERS', quantity: 1 }] });
    const before = await stockOf(harness.stores, 'SKU-SNEAKERS');
    const gate = harness.gates.hold('reserveInventory', order.orderId);
    const handle = await startOrder(env.client, order);
    await gate.reached;
    expect((await waitForState(handle, (s) => s.status === 'PAYMENT_CAPTURED')).status).toBe('PAYMENT_CAPTURED');

    const update = await handle.startUpdate(cancelUpdate, {
      args: [{}],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    gate.release();
    const cancelled = await update.result();

    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.failure?.code).toBe('CANCELLED');
    expect(cancelled.compensations.map((c) => [c.name, c.outcome, c.applied])).toEqual([
      ['releaseInventory', 'succeeded', true],
      ['refundPayment', 'succeeded', true],
    ]);
    expect((await handle.result()).status).toBe('CANCELLED');
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'refunded' });
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toBeUndefined();
    expect(await stockOf(harness.stores, 'SKU-SNEAKERS')).toEqual(before);
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'InventoryReleased',
      'PaymentRefunded',
      'OrderCancelled',
    ]);
    await recordHistory('cancel-after-payment', handle);
  });

  it('refuses to cancel once the order has shipped, and the order completes', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-MUG', quantity: 1 }] });
    const gate = harness.gates.hold('commitReservation', order.orderId);
    const handle = await startOrder(env.client, order);
    await gate.reached;
    await waitForState(handle, (s) => s.status === 'SHIPPED');

    expect(await updateRefusal(handle.executeUpdate(cancelUpdate, { args: [{}] }))).toMatch(/already shipped/);
    gate.release();

    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.failure).toBeUndefined();
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
    const history = await handle.fetchHistory();
    const updateEvents = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updateEvents).toEqual([]); // the validator refused it before anything reached history
    await recordHistory('cancel-refused-after-shipping', handle);
  });

  it('treats cancelling the workflow itself like the cancel update: the running step finishes, then all is undone', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-HOODIE', quantity: 1 }] });
    const before = await stockOf(harness.stores, 'SKU-HOODIE');
    const gate = harness.gates.hold('createShipment', order.orderId);
    const handle = await startOrder(env.client, order);
    await gate.reached;

    await handle.cancel();
    await cancelSeen(handle);
    gate.release();
    const result = await handle.result();

    expect(result.status).toBe('CANCELLED');
    expect(result.failure?.code).toBe('CANCELLED');
    expect(result.compensations.map((c) => c.name)).toEqual(['cancelShipment', 'releaseInventory', 'refundPayment']);
    expect(result.compensations.every((c) => c.outcome === 'succeeded' && c.applied)).toBe(true);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'refunded' });
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toMatchObject({ status: 'cancelled' });
    expect(await stockOf(harness.stores, 'SKU-HOODIE')).toEqual(before);
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'ShipmentCancelled',
      'InventoryReleased',
      'PaymentRefunded',
      'OrderCancelled',
    ]);
    await recordHistory('workflow-cancelled', handle);
  });
});

/** Waits until a workflow task has completed after the cancel request, i.e. the workflow has seen it. */
async function cancelSeen(handle: OrderHandle): Promise<void> {
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const requested = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
    if (requested >= 0 && events.slice(requested).some((e) => e.workflowTaskCompletedEventAttributes)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
