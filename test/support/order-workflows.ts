// Starts order workflows on a test server and reads back their state and events, for workflow and API tests.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { outboxEvents } from './outbox-events.js';
import { eachStore } from './saga-harness.js';
import type { SagaStores } from './saga-harness.js';
import type { PlaceOrderInput } from '../../src/shared/order.js';
import { orderWorkflowId } from '../../src/shared/order.js';
import type { OrderState } from '../../src/shared/order-state.js';
import { TaskQueues } from '../../src/shared/task-queues.js';
import { getStateQuery } from '../../src/workflows/definitions.js';
import type { OrderSagaSettings } from '../../src/workflows/order-saga-input.js';
import type { orderSaga } from '../../src/workflows/order-saga.js';

export type OrderHandle = WorkflowHandle<typeof orderSaga>;

/**
 * The demo catalogue's laptop (189 900) is above the threshold, everything else in small quantities is below; the
 * escalation window and reminder interval are the configuration's defaults.
 */
export const testSettings: OrderSagaSettings = {
  approvalThreshold: 100_000,
  approvalTimeout: '24h',
  compensationEscalateAfter: '1h',
  compensationReminderInterval: '4h',
};

/** A valid order for two T-shirts to the Netherlands paid with a card that works, with a fresh order ID. */
export function newOrder(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    orderId: randomUUID(),
    customerId: 'cus_test',
    items: [{ sku: 'SKU-TSHIRT', quantity: 2 }],
    payment: { token: 'tok_ok' },
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: 'Damrak 1',
      city: 'Amsterdam',
      postalCode: '1012 LG',
      country: 'NL',
    },
    ...overrides,
  };
}

export async function startOrder(
  client: Client,
  order: PlaceOrderInput,
  settings: OrderSagaSettings = testSettings,
): Promise<OrderHandle> {
  return client.workflow.start<typeof orderSaga>('orderSaga', {
    taskQueue: TaskQueues.orders,
    workflowId: orderWorkflowId(order.orderId),
    args: [{ order, settings }],
  });
}

/** Polls the state query (it never touches time skipping) until `done` holds, for tests that must act mid-saga. */
export async function waitForState(
  handle: OrderHandle,
  done: (state: OrderState) => boolean,
  timeoutMs = 15_000,
): Promise<OrderState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(getStateQuery);
    if (done(state)) return state;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; order is ${state.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The names of the events the activities committed for one order, in saga order (by `ordersequence`): each once,
 * whatever the retries, since an event's outbox row is keyed by its ID and written only with its effect.
 */
export async function eventNames(harness: { stores: SagaStores }, orderId: string): Promise<string[]> {
  return (await outboxEvents(eachStore(harness.stores), orderId)).names;
}

/**
 * The reason a workflow gave for refusing an update. The client wraps it in a generic "Workflow Update
 * failed" error; the validator's own message is its cause.
 */
export async function updateRefusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? error.message;
    throw error;
  }
  throw new Error('Expected the update to be refused, but it succeeded');
}
