// The order saga's failure paths on the real test server and real activities: refusals, compensations, and an operator's retry.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryCompensationsUpdate } from '../../src/workflows/definitions.js';
import { recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder, waitForState } from '../support/order-workflows.js';
import { outboxEvents } from '../support/outbox-events.js';
import { eachStore, startSagaHarness } from '../support/saga-harness.js';
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

describe('orderSaga failures', () => {
  it('fails an order with an unknown SKU at pricing, with nothing to compensate', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-NOPE', quantity: 1 }] });
    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('UnknownSku');
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([['priceOrder', 'failed']]);
    expect(result.compensations).toEqual([]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toBeUndefined();
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderFailed']);
    await recordHistory('unknown-sku', handle);
  });

  it('fails a declined payment without compensating a charge that never happened', async () => {
    const order = newOrder({ payment: { token: 'tok_declined' } });
    const before = await stockOf(harness.stores, 'SKU-TSHIRT');
    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('FAILED');
    expect(result.failure).toEqual({ code: 'PaymentDeclined', message: 'card declined by issuer' });
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['priceOrder', 'succeeded'],
      ['chargePayment', 'failed'],
    ]);
    expect(result.compensations).toEqual([]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'declined' });
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toBeUndefined();
    expect(await stockOf(harness.stores, 'SKU-TSHIRT')).toEqual(before);
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderCreated', 'PaymentFailed', 'OrderFailed']);
    await recordHistory('payment-declined', handle);
  });

  it('refunds the payment when stock is short', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }] });
    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('OutOfStock');
    expect(result.compensations.map((c) => [c.name, c.outcome, c.applied])).toEqual([
      ['refundPayment', 'succeeded', true],
    ]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'refunded' });
    expect(await stockOf(harness.stores, 'SKU-SOLDOUT')).toMatchObject({ available: 0, reserved: 0, shipped: 0 });
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdateFailed',
      'PaymentRefunded',
      'OrderFailed',
    ]);
    await recordHistory('out-of-stock', handle);
  });

  it('releases the stock, then refunds, when the address is rejected', async () => {
    const order = newOrder({
      items: [{ sku: 'SKU-HOODIE', quantity: 2 }],
      shippingAddress: { name: 'Kenji', line1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', country: 'JP' },
    });
    const before = await stockOf(harness.stores, 'SKU-HOODIE');
    const handle = await startOrder(env.client, order);
    const result = await handle.result();

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('AddressRejected');
    expect(result.steps.at(-1)).toMatchObject({ name: 'createShipment', outcome: 'failed' });
    expect(result.compensations.map((c) => [c.name, c.outcome, c.applied])).toEqual([
      ['releaseInventory', 'succeeded', true],
      ['refundPayment', 'succeeded', true],
    ]);
    expect(await stockOf(harness.stores, 'SKU-HOODIE')).toEqual(before);
    await expectStockSettled(harness.stores);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'refunded' });
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toBeUndefined();
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'InventoryReleased',
      'PaymentRefunded',
      'OrderFailed',
    ]);
    // createShipment (4) announced nothing, and its undo was dropped: a gap, then the compensations in their order.
    const committed = await outboxEvents(eachStore(harness.stores), order.orderId);
    expect(committed.published.map((e) => e.ordersequence)).toEqual([1, 2, 3, 5, 6, 7]);
    await recordHistory('address-rejected', handle);
  });

  it('parks the order in COMPENSATION_FAILED when a refund fails for good, and resumes on an operator retry', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }], payment: { token: 'tok_refund_blocked' } });
    const handle = await startOrder(env.client, order);

    const parked = await waitForState(handle, (s) => s.status === 'COMPENSATION_FAILED');
    expect(parked.failure?.code).toBe('OutOfStock');
    expect(parked.compensations.map((c) => [c.name, c.outcome, c.failure?.code])).toEqual([
      ['refundPayment', 'failed', 'RefundRejected'],
    ]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'captured' });
    await waitFor(async () => (await eventNames(harness, order.orderId)).includes('CompensationFailed'));
    const [failedEvent] = (await outboxEvents(eachStore(harness.stores), order.orderId)).ofName('CompensationFailed');
    expect(failedEvent?.data).toMatchObject({ status: 'COMPENSATION_FAILED', reason: { code: 'RefundRejected' } });

    expect(await harness.stores.payments.unblockRefund(order.orderId)).toBe(true);
    const retried = await handle.executeUpdate(retryCompensationsUpdate, { args: [{}] });
    expect(retried.status).toBe('FAILED');

    const result = await handle.result();
    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('OutOfStock');
    expect(result.compensations.map((c) => [c.name, c.outcome])).toEqual([
      ['refundPayment', 'failed'],
      ['refundPayment', 'succeeded'],
    ]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({ status: 'refunded' });
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdateFailed',
      'CompensationFailed',
      'CompensationsRetried',
      'PaymentRefunded',
      'OrderFailed',
    ]);
    await recordHistory('compensation-failed-then-retried', handle);
  });
});

async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
