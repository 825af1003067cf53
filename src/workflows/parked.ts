// A parked order (COMPENSATION_FAILED) waiting for an operator's retry, reminding everyone from a workflow timer that it still waits.
import { condition, patched } from '@temporalio/workflow';
import { publishEvent } from './order-events.js';
import type { OrderRecord } from './order-record.js';
import type { OrderRequests } from './order-requests.js';
import type { OrderSagaSettings } from './order-saga-input.js';

/**
 * The patch (`patched()`, docs/versioning.md) under which a parked order sends a CompensationReminder event every
 * `compensationReminderInterval`. Runs that replay a history recorded before it, and runs whose input has no interval,
 * wait silently, as before.
 */
export const reminderPatch = 'compensation-reminders';

/** Which parking this is (the round of compensations that failed) and why, as its CompensationFailed said. */
export interface Parking {
  round: number;
  reason: { code: string; message: string };
}

/**
 * Waits until an operator sends `retryCompensations`. Nothing else moves a parked order, so a stuck one would otherwise
 * be seen only by someone who looks: every interval without a retry publishes a CompensationReminder (numbered from 1
 * within the parking, with the time the parking began) and waits again.
 */
export async function waitForOperator(
  record: OrderRecord,
  requests: OrderRequests,
  settings: OrderSagaSettings,
  parking: Parking,
): Promise<void> {
  const retried = () => requests.retryCompensations;
  const every = settings.compensationReminderInterval;
  if (every === undefined || !patched(reminderPatch)) {
    await condition(retried);
    return;
  }
  // Workflow time, replay-safe: when the order moved to COMPENSATION_FAILED.
  const parkedAt = record.view.updatedAt;
  for (let reminder = 1; !(await condition(retried, every)); reminder++) {
    await publishEvent(record, 'CompensationReminder', {
      round: parking.round,
      reason: parking.reason,
      reminder: { count: reminder, parkedAt },
    });
  }
}
