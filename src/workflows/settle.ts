// Ends an order that cannot complete: runs its compensations (waiting for an operator if one fails for good), then FAILED or CANCELLED.
import { CancellationScope, log, patched } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import { summarizeCompensationFailure } from './failures.js';
import { actorEventsPatch, publishEvent } from './order-events.js';
import type { OrderRecord } from './order-record.js';
import type { OrderRequests } from './order-requests.js';
import type { OrderSagaSettings } from './order-saga-input.js';
import { waitForOperator } from './parked.js';
import type { Saga } from './saga.js';

/** Why the forward path stopped: `failed` ends FAILED, `cancelled` (cancel, rejection, expiry) ends CANCELLED. */
export interface Stop {
  kind: 'failed' | 'cancelled';
  code: string;
  message: string;
  /** Who asked for the stop (a cancel or a rejection), when someone did. */
  actor?: Actor;
}

/**
 * Runs in a non-cancellable scope: once an order is being unwound, cancelling the workflow must not leave
 * money captured or stock held. A compensation that fails for good (a non-retryable error, or transient ones past
 * its escalation window) parks the order in COMPENSATION_FAILED (announced with a CompensationFailed event, and
 * reminded of while it waits) until an operator fixes the cause and sends `retryCompensations`; the retry resumes
 * with the compensation that failed, for another window, never re-running finished ones.
 */
export async function settle(
  stop: Stop,
  record: OrderRecord,
  saga: Saga,
  requests: OrderRequests,
  settings: OrderSagaSettings,
): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    record.failedBecause(stop.code, stop.message);
    if (!saga.isEmpty) {
      record.moveTo('COMPENSATING');
      for (let round = 1; ; round++) {
        const outcome = await saga.compensate(record);
        if (outcome.done) break;
        const { code, message } = summarizeCompensationFailure(outcome.error);
        log.error('Compensation failed for good; waiting for an operator', { compensation: outcome.failed, code });
        record.moveTo('COMPENSATION_FAILED');
        const reason = { code, message: `${outcome.failed}: ${message}` };
        await publishEvent(record, 'CompensationFailed', { round, reason });
        await waitForOperator(record, requests, settings, { round, reason });
        requests.retryCompensations = false;
        record.moveTo('COMPENSATING');
        if (patched(actorEventsPatch)) {
          await publishEvent(record, 'CompensationsRetried', { round, actor: requests.retriedBy });
        }
      }
    }
    const failure = record.view.failure ?? { code: stop.code, message: stop.message };
    if (stop.kind === 'cancelled') {
      record.moveTo('CANCELLED');
      const actor = stop.actor !== undefined && patched(actorEventsPatch) ? stop.actor : undefined;
      await publishEvent(record, 'OrderCancelled', { reason: failure, actor });
    } else {
      record.moveTo('FAILED');
      await publishEvent(record, 'OrderFailed', { reason: failure });
    }
  });
}
