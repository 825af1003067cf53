// A run that meets another request's rows under its order ID undoes nothing of them, and a step that timed out reports every attempt it took.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaceOrderInput } from '../../src/shared/order.js';
import { recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder } from '../support/order-workflows.js';
import { startSagaHarness } from '../support/saga-harness.js';
import type { SagaHarness } from '../support/saga-harness.js';
import { expectStockSettled } from '../support/stock.js';
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

/** Everything the services hold for one order, to compare before and after. */
async function factsOf(orderId: string) {
  const { payments, inventory, shipping } = harness.stores;
  return {
    charge: await payments.findChargeByOrder(orderId),
    reservations: (await inventory.reservedUnits()).filter((u) => u.orderId === orderId),
    shipment: await shipping.findShipmentByOrder(orderId),
    stock: await inventory.stockLevels(),
  };
}

/**
 * Completes `first`, then starts a second run under the same order ID with `second` (what a client reusing an
 * Idempotency-Key after the retention gets past an API that no longer knows the order) and returns its result.
 */
async function reuseOrderId(first: PlaceOrderInput, second: PlaceOrderInput, history: string) {
  expect((await (await startOrder(env.client, first)).result()).status).toBe('COMPLETED');
  const before = await factsOf(first.orderId);
  const handle = await startOrder(env.client, second);
  const result = await handle.result();
  await recordHistory(history, handle);
  return { before, result };
}

describe('orderSaga with another request’s rows under its order ID', () => {
  it('fails at the pricing of other items with IdempotencyMismatch, before any effect, and nothing moves', async () => {
    // The order ID's first pricing is kept under its key, so other items are refused before anything is charged.
    const first = newOrder({ items: [{ sku: 'SKU-MUG', quantity: 2 }] });
    const other = { ...first, items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }] };
    const { before, result } = await reuseOrderId(first, other, 'idempotency-mismatch-pricing');

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('IdempotencyMismatch');
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([['priceOrder', 'failed']]);
    expect(result.compensations).toEqual([]);
    expect(await factsOf(first.orderId)).toEqual(before);
    expect(before.charge).toMatchObject({ status: 'captured' });
    expect(await eventNames(harness, first.orderId)).not.toContain('PaymentRefunded');
    await expectStockSettled(harness.stores);
  });

  it('fails at the charge of another customer with IdempotencyMismatch, and nothing moves', async () => {
    const first = newOrder();
    const other = { ...first, customerId: 'cus_someone_else' };
    const { before, result } = await reuseOrderId(first, other, 'idempotency-mismatch-charge');

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('IdempotencyMismatch');
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['priceOrder', 'succeeded'],
      ['chargePayment', 'failed'],
    ]);
    expect(result.compensations).toEqual([]);
    expect(await factsOf(first.orderId)).toEqual(before);
    await expectStockSettled(harness.stores);
  });

  it('fails at the shipment to another address, leaving the other order shipped and paid', async () => {
    const first = newOrder();
    const elsewhere = { ...first.shippingAddress, line1: 'Damrak 99' };
    const other = { ...first, shippingAddress: elsewhere };
    const { before, result } = await reuseOrderId(first, other, 'idempotency-mismatch-shipment');

    expect(result.status).toBe('FAILED');
    expect(result.failure?.code).toBe('IdempotencyMismatch');
    expect(result.steps.at(-1)).toMatchObject({ name: 'createShipment', outcome: 'failed' });
    expect(result.compensations).toEqual([]);
    expect(await factsOf(first.orderId)).toEqual(before);
    expect(before.shipment).toMatchObject({ status: 'created', address: first.shippingAddress });
    const names = await eventNames(harness, first.orderId);
    for (const undo of ['PaymentRefunded', 'InventoryReleased', 'ShipmentCancelled']) expect(names).not.toContain(undo);
    await expectStockSettled(harness.stores);
  });
});

describe('a step that runs out of time', () => {
  it('reports the attempts Temporal made, not the first one', async () => {
    // The provider never answers: chargePayment fails transiently until its 5-minute deadline (skipped) passes.
    const order = newOrder({ payment: { token: 'tok_unavailable' } });
    const handle = await startOrder(env.client, order);
    const result = await handle.result();
    await recordHistory('step-timed-out', handle);

    expect(result.status).toBe('FAILED');
    const charge = result.steps.find((s) => s.name === 'chargePayment');
    const made = harness.gates.callsOf('chargePayment', order.orderId);
    expect(made).toBeGreaterThan(3);
    expect(charge).toMatchObject({ outcome: 'failed', attempts: made });
    expect(charge?.failure?.message).toMatch(/payment provider timed out/);
    // It may have charged before failing: its undo ran, found nothing, and left the key to a tombstone.
    expect(result.compensations.map((c) => [c.name, c.outcome, c.applied])).toEqual([
      ['refundPayment', 'succeeded', false],
    ]);
  });
});
