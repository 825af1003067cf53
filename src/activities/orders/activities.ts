// The order worker's activity: record an order-level fact on the workflow's behalf, with its event in the outbox.
import { buildEvent } from '../../events/envelope.js';
import { orderDuration, ordersEnded, ordersStarted } from '../../metrics/series.js';
import type { OrderActivities, OrderEventName, PublishOrderEventInput } from '../../shared/activity-contracts.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { sequenceOf, traceOf } from '../step-event.js';
import { inStep } from '../step-context.js';
import type { OrderStore } from './store.js';

export interface OrderActivityDeps extends ServiceActivityDeps<OrderStore> {
  /** The OrderCreated version to publish (`EVENTS_ORDER_CREATED_VERSION`); the current version when absent. */
  orderCreatedVersion?: number;
}

/**
 * Workflows cannot do I/O, so order-level events (OrderCreated, OrderCompleted...) are recorded through this
 * activity: the fact and its outbox row in one transaction of the orders store, and the orders role's relay
 * publishes it. The event ID comes from the workflow ID, the caller's `step` and the event name, so a retried
 * attempt finds the fact recorded and writes nothing; the event keeps the time of the attempt that recorded it.
 */
export function createOrderActivities({
  store,
  clock = systemClock,
  orderCreatedVersion,
}: OrderActivityDeps): OrderActivities {
  return {
    publishOrderEvent: (input: PublishOrderEventInput): Promise<void> =>
      inStep(async ({ workflowId }) => {
        const { name, step, orderId, customerId, status, total, lines, reason, reminder, parkedAt, actor } = input;
        const { approvalDeadline } = input;
        const event = buildEvent({
          name,
          workflowId,
          step,
          data: {
            orderId,
            customerId,
            status,
            ...(total && { total }),
            ...(lines && { lines }),
            ...(reason && { reason }),
            ...(reminder !== undefined && { reminder }),
            ...(parkedAt !== undefined && { parkedAt }),
            ...(actor && { actor }),
            ...(approvalDeadline !== undefined && { approvalDeadline }),
          },
          time: clock().toISOString(),
          ...sequenceOf(input),
          ...traceOf(),
          // Only OrderCreated has versions to choose from; every other event goes out at its current version.
          ...(name === 'OrderCreated' && orderCreatedVersion !== undefined ? { version: orderCreatedVersion } : {}),
        });
        if (await store.recordOrderEvent(event, step)) await countOrder(store, input, event.envelope.time);
      }),
  };
}

/** The facts that end an order, or park it for an operator (COMPENSATION_FAILED). */
const endings: ReadonlySet<OrderEventName> = new Set([
  'OrderCompleted',
  'OrderFailed',
  'OrderCancelled',
  'CompensationFailed',
]);

/**
 * Counted from the facts, once each (only the attempt that recorded one), since the workflow may not measure
 * anything. The order's duration runs from its OrderCreated as recorded in this store.
 */
async function countOrder(store: OrderStore, input: PublishOrderEventInput, time: string): Promise<void> {
  if (input.name === 'OrderCreated') {
    ordersStarted.inc();
    return;
  }
  if (!endings.has(input.name)) return;
  ordersEnded.inc({ status: input.status, failure_type: input.reason?.code ?? 'none' });
  const created = (await store.factsOfOrder(input.orderId)).find((f) => f.eventName === 'OrderCreated');
  if (created !== undefined) {
    orderDuration.observe({ status: input.status }, (Date.parse(time) - Date.parse(created.recordedAt)) / 1000);
  }
}
