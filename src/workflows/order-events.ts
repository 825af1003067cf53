// Publishes the order-level domain events through the orders task queue, built from the order's current state.
import type { Actor } from '../shared/actor.js';
import type { OrderEventName } from '../shared/activity-contracts.js';
import { publishOrderEvent } from './activities.js';
import { sequenced } from './event-sequence.js';
import type { OrderRecord } from './order-record.js';

/**
 * The patch (`patched()`, docs/versioning.md) under which the saga publishes who acted: OrderApproved and
 * CompensationsRetried, and the `actor` of an OrderCancelled that a customer or an operator asked for. Runs that
 * replay a history recorded before it publish neither.
 */
export const actorEventsPatch = 'operator-actions-as-events';

/**
 * The patch under which an order that needs approval computes its approval deadline before OrderCreated, passes it
 * to publishOrderEvent (OrderCreated v2's `approvalDeadline`) and waits until exactly that time. Runs recorded
 * before it wait the approval timeout from after the publish, as they always did, and announce no deadline.
 */
export const approvalDeadlinePatch = 'order-created-approval-deadline';

/**
 * `step` doubles as the event's idempotency key within the workflow, so a retried publish is deduplicated;
 * events that can happen more than once (CompensationFailed after an operator retry) pass a round number, and a
 * CompensationReminder its number within the round too.
 */
export async function publishEvent(
  record: OrderRecord,
  name: OrderEventName,
  options: {
    reason?: { code: string; message: string };
    round?: number;
    reminder?: { count: number; parkedAt: string };
    actor?: Actor | undefined;
    approvalDeadline?: string | undefined;
  } = {},
): Promise<void> {
  const { orderId, customerId, status, total, lines } = record.view;
  const { round, reminder } = options;
  const occurrence = [round, reminder?.count].filter((n) => n !== undefined);
  await publishOrderEvent(
    sequenced(record, {
      name,
      step: [name, ...occurrence].join('-'),
      orderId,
      customerId,
      status,
      ...(total === undefined ? {} : { total }),
      ...(name === 'OrderCreated' ? { lines } : {}),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(reminder === undefined ? {} : { reminder: reminder.count, parkedAt: reminder.parkedAt }),
      ...(options.actor === undefined ? {} : { actor: options.actor }),
      ...(options.approvalDeadline === undefined ? {} : { approvalDeadline: options.approvalDeadline }),
    }),
  );
}
