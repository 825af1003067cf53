// The steps' deadlines come from the run's input when it has them, and are today's defaults when it has none.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrder, startOrder, testSettings } from '../support/order-workflows.js';
import { startSagaHarness } from '../support/saga-harness.js';
import type { SagaHarness } from '../support/saga-harness.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';

const { EventType } = proto.temporal.api.enums.v1;

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

/** The server records an activity without an overall deadline as ten years. */
const seconds = (d: { seconds?: unknown } | null | undefined) => {
  const s = Number(d?.seconds ?? 0);
  return s > 365 * 24 * 3600 ? 'unbounded' : s;
};

/** Each scheduled activity's timeouts, in seconds, as the history recorded them. */
async function scheduled(workflowId: string) {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((e) => e.activityTaskScheduledEventAttributes)
    .map((a) => ({
      activity: a?.activityType?.name,
      scheduleToClose: seconds(a?.scheduleToCloseTimeout),
      startToClose: seconds(a?.startToCloseTimeout),
    }));
}

describe('step deadlines', () => {
  it('a run without deadline settings keeps the defaults (so every earlier history replays unchanged)', async () => {
    // The settings of a run started before any of the optional ones existed: no deadlines, no escalation window.
    const { approvalThreshold, approvalTimeout } = testSettings;
    const handle = await startOrder(
      env.client,
      newOrder({ shippingAddress: { ...newOrder().shippingAddress, country: 'JP' } }),
      { approvalThreshold, approvalTimeout },
    );
    expect((await handle.result()).status).toBe('FAILED');
    expect(await scheduled(handle.workflowId)).toEqual([
      { activity: 'priceOrder', scheduleToClose: 120, startToClose: 10 },
      { activity: 'publishOrderEvent', scheduleToClose: 'unbounded', startToClose: 30 },
      { activity: 'chargePayment', scheduleToClose: 300, startToClose: 30 },
      { activity: 'reserveInventory', scheduleToClose: 120, startToClose: 10 },
      { activity: 'createShipment', scheduleToClose: 300, startToClose: 30 },
      { activity: 'releaseInventory', scheduleToClose: 'unbounded', startToClose: 30 },
      { activity: 'refundPayment', scheduleToClose: 'unbounded', startToClose: 30 },
      { activity: 'publishOrderEvent', scheduleToClose: 'unbounded', startToClose: 30 },
    ]);
  });

  it('a run with stepDeadline and attemptTimeout uses them for every step and compensation', async () => {
    const order = newOrder({ shippingAddress: { ...newOrder().shippingAddress, country: 'JP' } });
    const handle = await startOrder(env.client, order, { ...testSettings, stepDeadline: '20s', attemptTimeout: '7s' });
    expect((await handle.result()).status).toBe('FAILED');
    expect(await scheduled(handle.workflowId)).toEqual([
      { activity: 'priceOrder', scheduleToClose: 20, startToClose: 7 },
      { activity: 'publishOrderEvent', scheduleToClose: 'unbounded', startToClose: 30 },
      { activity: 'chargePayment', scheduleToClose: 20, startToClose: 7 },
      { activity: 'reserveInventory', scheduleToClose: 20, startToClose: 7 },
      { activity: 'createShipment', scheduleToClose: 20, startToClose: 7 },
      // Compensations keep their escalation window (testSettings' 1h), with the run's attempt timeout.
      { activity: 'releaseInventory', scheduleToClose: 3600, startToClose: 7 },
      { activity: 'refundPayment', scheduleToClose: 3600, startToClose: 7 },
      { activity: 'publishOrderEvent', scheduleToClose: 'unbounded', startToClose: 30 },
    ]);
  });
});
