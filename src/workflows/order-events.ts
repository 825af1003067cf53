// Publishes the order-level domain events through the orders task queue, built from the order's current state.
import type { OrderEventName } from '../shared/activity-contracts.js';
import { publishOrderEvent } from './activities.js';
import { sequenced } from './event-sequence.js';
import type { OrderRecord } from './order-record.js';

/**
 * `step` doubles as the event's idempotency key within the workflow, so a retried publish is deduplicated;
 * events that can happen more than once (CompensationFailed after an operator retry) pass a round number.
 */
export async function publishEvent(
  record: OrderRecord,
  name: OrderEventName,
  options: { reason?: { code: string; message: string }; round?: number } = {},
): Promise<void> {
  const { orderId, customerId, status, total, lines } = record.view;
  await publishOrderEvent(
    sequenced(record, {
      name,
      step: options.round === undefined ? name : `${name}-${options.round}`,
      orderId,
      customerId,
      status,
      ...(total === undefined ? {} : { total }),
      ...(name === 'OrderCreated' ? { lines } : {}),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    }),
  );
}
