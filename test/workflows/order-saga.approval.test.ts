// Orders above the approval threshold: approved, rejected, left to expire (24h skipped), and update validation around them.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveUpdate,
  confirmPlacementUpdate,
  rejectUpdate,
  retryCompensationsUpdate,
} from '../../src/workflows/definitions.js';
import { recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder, updateRefusal, waitForState } from '../support/order-workflows.js';
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

/** One laptop (189 900) is above the 100 000 test threshold. */
const laptopOrder = () => newOrder({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });

describe('orderSaga approval', () => {
  it('waits for approval above the threshold, then completes once approved', async () => {
    const order = laptopOrder();
    const before = await stockOf(harness.stores, 'SKU-LAPTOP');
    const handle = await startOrder(env.client, order);

    const placed = await handle.executeUpdate(confirmPlacementUpdate, { args: [{}] });
    expect(placed.total).toEqual({ amount: 189_900, currency: 'EUR' });
    const waiting = await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toBeUndefined();
    expect(waiting.steps.map((s) => s.name)).toEqual(['priceOrder']);
    expect(await updateRefusal(handle.executeUpdate(retryCompensationsUpdate, { args: [{}] }))).toMatch(
      /no failed compensation/,
    );

    const approved = await handle.executeUpdate(approveUpdate, { args: [{}] });
    expect(approved.status).not.toBe('AWAITING_APPROVAL');
    expect(approved.steps.find((s) => s.name === 'chargePayment')?.outcome).toBe('succeeded');

    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({
      status: 'captured',
      amount: { amount: 189_900 },
    });
    expect(await stockOf(harness.stores, 'SKU-LAPTOP')).toMatchObject({
      available: before.available - 1,
      shipped: before.shipped + 1,
    });
    await expectStockSettled(harness.stores);
    expect(await eventNames(harness, order.orderId)).toEqual([
      'OrderCreated',
      'OrderApproved',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
    await recordHistory('approval-granted', handle);
  });

  it('cancels with APPROVAL_REJECTED when an operator rejects, touching no service', async () => {
    const order = laptopOrder();
    const before = await stockOf(harness.stores, 'SKU-LAPTOP');
    const handle = await startOrder(env.client, order);
    await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');

    const rejected = await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'Suspicious order' }] });
    expect(rejected.status).toBe('CANCELLED');
    expect(rejected.failure).toEqual({ code: 'APPROVAL_REJECTED', message: 'Suspicious order' });
    expect(await updateRefusal(handle.executeUpdate(approveUpdate, { args: [{}] }))).toMatch(/not awaiting approval/);

    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.compensations).toEqual([]);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toBeUndefined();
    expect(await harness.stores.shipping.findShipmentByOrder(order.orderId)).toBeUndefined();
    expect(await stockOf(harness.stores, 'SKU-LAPTOP')).toEqual(before);
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderCreated', 'OrderCancelled']);
    await recordHistory('approval-rejected', handle);
  });

  it('cancels with APPROVAL_EXPIRED when nobody decides within the window (24h skipped)', async () => {
    const order = laptopOrder();
    const handle = await startOrder(env.client, order);
    const waiting = await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');

    const wallStart = Date.now();
    const result = await handle.result(); // awaiting the result lets the test server skip the 24h timer
    expect(Date.now() - wallStart).toBeLessThan(10_000);

    expect(result.status).toBe('CANCELLED');
    expect(result.failure).toEqual({ code: 'APPROVAL_EXPIRED', message: 'No approval decision within 24h' });
    const waitedMs = Date.parse(result.updatedAt) - Date.parse(waiting.updatedAt);
    expect(waitedMs).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    // OrderCreated v2 told the operator until when (patch order-created-approval-deadline), and that was the end.
    const [created] = (await outboxEvents(eachStore(harness.stores), order.orderId)).ofName('OrderCreated');
    expect(created?.type).toBe('com.ordersaga.OrderCreated.v2');
    const deadline = Date.parse(created?.data.approvalDeadline ?? '');
    expect(deadline - Date.parse(created?.time ?? '')).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000 - 1_000);
    expect(Date.parse(result.updatedAt) - deadline).toBeGreaterThanOrEqual(0);
    expect(Date.parse(result.updatedAt) - deadline).toBeLessThan(1_000);
    expect(await harness.stores.payments.findChargeByOrder(order.orderId)).toBeUndefined();
    expect(await eventNames(harness, order.orderId)).toEqual(['OrderCreated', 'OrderCancelled']);
    await recordHistory('approval-expired', handle);
  });

  it('refuses approve and reject for an order that never needed approval', async () => {
    const order = newOrder();
    const handle = await startOrder(env.client, order);
    expect(await updateRefusal(handle.executeUpdate(approveUpdate, { args: [{}] }))).toMatch(/not awaiting approval/);
    expect(await updateRefusal(handle.executeUpdate(rejectUpdate, { args: [{}] }))).toMatch(/not awaiting approval/);
    expect((await handle.result()).status).toBe('COMPLETED');
    const [created] = (await outboxEvents(eachStore(harness.stores), order.orderId)).ofName('OrderCreated');
    expect(created?.data).not.toHaveProperty('approvalDeadline');
  });
});
