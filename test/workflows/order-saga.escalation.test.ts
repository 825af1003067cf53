// A compensation that keeps failing transiently parks the order after its window, and a parked order reminds until it is resolved (time skipped).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateStage } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryCompensationsUpdate } from '../../src/workflows/definitions.js';
import type { OrderHandle } from '../support/order-workflows.js';
import { eventNames, newOrder, startOrder, testSettings, waitForState } from '../support/order-workflows.js';
import { recordHistory } from '../support/histories.js';
import { startSagaHarness } from '../support/saga-harness.js';
import type { SagaHarness } from '../support/saga-harness.js';
import { expectStockSettled } from '../support/stock.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';
import { waitFor } from '../support/wait-for.js';

let env: TestWorkflowEnvironment;
let harness: SagaHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  harness = await startSagaHarness(env);
});

afterEach(() => harness.gates.endFailures());

afterAll(async () => {
  await harness?.stop();
  await env?.teardown();
});

/**
 * An order the poster's missing stock fails after payment, whose refund then cannot reach the payments service:
 * refundPayment fails transiently on every attempt, and is retried, until the outage ends.
 */
async function refundThatKeepsFailing(settings = testSettings): Promise<{ handle: OrderHandle; orderId: string }> {
  const order = newOrder({ items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }] });
  harness.gates.failWhile('refundPayment', order.orderId);
  const handle = await startOrder(env.client, order, settings);
  await waitForState(handle, (s) => s.status === 'COMPENSATING');
  return { handle, orderId: order.orderId };
}

const ofOrder = (orderId: string, name: 'CompensationFailed' | 'CompensationReminder') =>
  harness.publisher.ofName(name).filter((e) => e.subject === orderId);

describe('escalation of a compensation that keeps failing', () => {
  it('parks the order after COMPENSATION_ESCALATE_AFTER, reminds every interval, and retries for another window', async () => {
    const { handle, orderId } = await refundThatKeepsFailing();

    await env.sleep('61m');
    const parked = await waitForState(handle, (s) => s.status === 'COMPENSATION_FAILED');
    expect(parked.compensations.map((c) => [c.name, c.outcome, c.failure?.code])).toEqual([
      ['refundPayment', 'failed', 'COMPENSATION_ESCALATED'],
    ]);
    expect(parked.compensations[0]?.failure?.message).toMatch(/refundPayment of .* failed: its service is unreachable/);
    await waitFor(() => ofOrder(orderId, 'CompensationFailed').length === 1, { what: 'CompensationFailed' });
    const announced = ofOrder(orderId, 'CompensationFailed')[0]?.data;
    expect(announced).toMatchObject({ status: 'COMPENSATION_FAILED', reason: { code: 'COMPENSATION_ESCALATED' } });
    expect(announced?.reason.message).toMatch(/^refundPayment: still failing with transient errors/);
    expect(ofOrder(orderId, 'CompensationReminder')).toEqual([]);

    // Four hours parked: one reminder, numbered, with when the parking began; none before.
    await env.sleep('4h');
    await waitFor(() => ofOrder(orderId, 'CompensationReminder').length === 1, { what: 'the first reminder' });
    const [reminder] = ofOrder(orderId, 'CompensationReminder');
    expect(reminder?.data).toMatchObject({
      status: 'COMPENSATION_FAILED',
      reminder: 1,
      parkedAt: parked.updatedAt,
      reason: { code: 'COMPENSATION_ESCALATED' },
    });
    await env.sleep('4h');
    await waitFor(() => ofOrder(orderId, 'CompensationReminder').length === 2, { what: 'the second reminder' });
    expect(ofOrder(orderId, 'CompensationReminder')[1]?.data).toMatchObject({ reminder: 2 });

    // Retried with the cause still there: another window, then parked again (round 2), reminders numbered afresh.
    await handle.startUpdate(retryCompensationsUpdate, { args: [{}], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await waitForState(handle, (s) => s.status === 'COMPENSATING');
    await env.sleep('61m');
    await waitForState(handle, (s) => s.status === 'COMPENSATION_FAILED');
    await waitFor(() => ofOrder(orderId, 'CompensationFailed').length === 2, { what: 'the second CompensationFailed' });
    await env.sleep('4h');
    await waitFor(() => ofOrder(orderId, 'CompensationReminder').length === 3, { what: 'a reminder of round 2' });
    expect(ofOrder(orderId, 'CompensationReminder')[2]?.data).toMatchObject({ reminder: 1 });

    // The outage ends and the operator retries: the refund is made and announced, the order ends.
    harness.gates.endFailures();
    expect((await handle.executeUpdate(retryCompensationsUpdate, { args: [{}] })).status).toBe('FAILED');
    const result = await handle.result();
    expect(result.failure?.code).toBe('OutOfStock');
    expect(result.compensations.map((c) => [c.name, c.outcome])).toEqual([
      ['refundPayment', 'failed'],
      ['refundPayment', 'failed'],
      ['refundPayment', 'succeeded'],
    ]);
    expect(await harness.stores.payments.findChargeByOrder(orderId)).toMatchObject({ status: 'refunded' });
    expect(await eventNames(harness, orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdateFailed',
      'CompensationFailed',
      'CompensationReminder',
      'CompensationReminder',
      'CompensationsRetried',
      'CompensationFailed',
      'CompensationReminder',
      'CompensationsRetried',
      'PaymentRefunded',
      'OrderFailed',
    ]);
    await expectStockSettled(harness.stores);
    await recordHistory('compensation-escalated-reminded-retried', handle);
  });

  it('keeps retrying without end for a run whose input has no window (started before the setting existed)', async () => {
    const { approvalThreshold, approvalTimeout } = testSettings;
    const { handle, orderId } = await refundThatKeepsFailing({ approvalThreshold, approvalTimeout });

    await env.sleep('3h');
    const state = await waitForState(handle, (s) => s.status === 'COMPENSATING');
    expect(state.compensations.map((c) => [c.name, c.outcome])).toEqual([['refundPayment', 'running']]);
    expect(ofOrder(orderId, 'CompensationFailed')).toEqual([]);

    harness.gates.endFailures();
    expect((await handle.result()).status).toBe('FAILED');
    expect(await eventNames(harness, orderId)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdateFailed',
      'PaymentRefunded',
      'OrderFailed',
    ]);
  });
});
