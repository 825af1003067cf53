// The order worker's activity: publish order-level events on the workflow's behalf.
import type { OrderActivities, PublishOrderEventInput } from '../../shared/activity-contracts.js';
import { systemClock } from '../clock.js';
import type { ActivityDeps } from '../activity-deps.js';
import { emitEvent } from '../emit-event.js';
import { inStep } from '../step-context.js';

export type OrderActivityDeps = ActivityDeps;

/**
 * Workflows cannot do I/O, so order-level events (OrderCreated, OrderCompleted...) go out through this
 * activity. There is no store: the event ID comes from the workflow ID, the caller's `step` and the event
 * name, so a retried publish carries the same ID and the broker drops the duplicate.
 */
export function createOrderActivities({ publisher, clock = systemClock }: OrderActivityDeps): OrderActivities {
  return {
    publishOrderEvent: (input: PublishOrderEventInput): Promise<void> =>
      inStep(async ({ workflowId }) => {
        const { name, step, orderId, customerId, status, total, lines, reason, reminder, parkedAt, actor } = input;
        await emitEvent(publisher, {
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
          },
          time: clock().toISOString(),
        });
      }),
  };
}
