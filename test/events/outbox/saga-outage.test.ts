// Orders through the real workers, outboxes, relays and JetStream publisher while nats-server is stopped for longer than a step's deadline: they complete, and every event arrives once NATS is back, in saga order.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { approveUpdate } from '../../../src/workflows/definitions.js';
import { eventNames, newOrder, startOrder, waitForState } from '../../support/order-workflows.js';
import { eachStore, startSagaHarness } from '../../support/saga-harness.js';
import type { SagaHarness } from '../../support/saga-harness.js';
import { expectStockSettled } from '../../support/stock.js';
import { createTimeSkippingEnv } from '../../support/time-skipping.js';
import { waitFor } from '../../support/wait-for.js';
import { orderEventsInSagaOrder, startEventsServer } from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';

let env: TestWorkflowEnvironment;
let harness: SagaHarness;
let events: EventsServer;

beforeAll(async () => {
  events = await startEventsServer();
  env = await createTimeSkippingEnv();
  // The production path: each store's relay publishes through the JetStream publisher, acknowledged or not.
  const jetStream = new JetStreamEventPublisher(await events.connect('saga-relays'), { timeoutMs: 500 });
  harness = await startSagaHarness(env, { publishTo: jetStream });
});

afterAll(async () => {
  await harness?.stop();
  await env?.teardown();
  await events?.stop();
});

const completed = ['OrderCreated', 'PaymentProcessed', 'InventoryUpdated', 'OrderShipped', 'OrderCompleted'];
/** An order above the approval threshold also announces its approval (with the approving operator). */
const approvedAndCompleted = ['OrderCreated', 'OrderApproved', ...completed.slice(1)];

/** The events waiting in the four stores' outboxes. */
async function pending(): Promise<number> {
  let total = 0;
  for (const store of eachStore(harness.stores)) total += (await store.outbox.backlog()).pending;
  return total;
}

describe('a NATS outage longer than a step deadline', () => {
  it('does not touch the orders: they complete, and their events arrive once NATS is back, once each, in saga order', async () => {
    await events.halt();

    // An order above the approval threshold waits, with NATS down, for longer than chargePayment's 5-minute
    // schedule-to-close deadline (the time-skipping server moves the workflow's clock); then it is approved and
    // runs every step, still with NATS down. Before the outbox, each step's publish failed on every attempt,
    // the skipped retry backoff reached the deadline in seconds, and the order was compensated.
    const laptop = newOrder({ customerId: 'cus-outage', items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });
    const laptopHandle = await startOrder(env.client, laptop);
    await waitForState(laptopHandle, (s) => s.status === 'AWAITING_APPROVAL');
    await env.sleep('6m');
    await laptopHandle.executeUpdate(approveUpdate, { args: [{}] });
    // And one that runs straight through while NATS is away.
    const mugs = newOrder({ customerId: 'cus-outage', items: [{ sku: 'SKU-MUG', quantity: 2 }] });
    const mugsHandle = await startOrder(env.client, mugs);

    for (const handle of [laptopHandle, mugsHandle]) {
      const result = await handle.result();
      expect(result.status, result.failure?.message).toBe('COMPLETED');
      expect(result.steps.every((s) => s.outcome === 'succeeded')).toBe(true);
      expect(result.compensations).toEqual([]);
    }
    await expectStockSettled(harness.stores);
    // Everything the orders announced is committed and waiting for NATS.
    expect(await eventNames(harness, laptop.orderId)).toEqual(approvedAndCompleted);
    expect(await eventNames(harness, mugs.orderId)).toEqual(completed);
    expect(await pending()).toBe(11);

    await events.restart();
    await waitFor(async () => (await pending()) === 0, { timeoutMs: 30_000, what: 'the relays to catch up' });
    for (const [order, names] of [
      [laptop, approvedAndCompleted],
      [mugs, completed],
    ] as const) {
      // The test's own connection reconnects on its own schedule, maybe after the relays': retry its reads.
      const stored = await waitFor(() => orderEventsInSagaOrder(events.nc, order.orderId), { what: 'the stream' });
      expect(stored.map((e) => e.name)).toEqual(names);
      expect(stored.map((e) => e.envelope.ordersequence)).toEqual(names.map((_, i) => i + 1));
      expect(new Set(stored.map((e) => e.envelope.id)).size).toBe(names.length);
    }
  });
});
