// Runs one forward step of the saga: records its outcome on the order and forgets its undo when it was refused.
import { patched } from '@temporalio/workflow';
import { FailureTypes } from '../shared/failure-types.js';
import type { StepName, StepRecord } from '../shared/order-state.js';
import { undoOf } from '../shared/saga-steps.js';
import { summarizeFailure } from './failures.js';
import type { FailureSummary } from './failures.js';
import type { OrderRecord } from './order-record.js';
import type { Saga } from './saga.js';

export type StepResult<T> = { ok: true; value: T } | { ok: false; failure: FailureSummary };

/**
 * The patch (`patched()`, docs/versioning.md) under which an IdempotencyMismatch drops every pending undo. Before it,
 * the saga did not know the failure type and compensated as after any other failure; a run replaying a history
 * recorded so keeps doing that.
 */
export const mismatchPatch = 'idempotency-mismatch-undoes-nothing';

/**
 * Returns failures as values so the saga reads as a sequence of decisions rather than nested try/catch.
 * A business refusal (declined card, no stock...) means the step took no effect, so its undo, registered
 * before the call in case of a timeout, is dropped; any other failure keeps it, since the step may have
 * happened.
 *
 * An IdempotencyMismatch drops every pending undo, not just the step's: the step's key holds another request's row,
 * so this order ID was used before for another order (an Idempotency-Key reused after the retention) and every step
 * before this one replayed that order's rows. A step that acted for this run would have had no row to replay, and
 * then no later step could find one either. Undoing them would refund, release or cancel the other order's effects.
 */
export function stepRunner(record: OrderRecord, saga: Saga) {
  return async function step<T extends { attempts?: number }>(
    name: StepName,
    call: () => Promise<T>,
    detail?: (value: T) => StepRecord['detail'],
  ): Promise<StepResult<T>> {
    const stepRecord = record.stepStarted(name);
    try {
      const value = await call();
      record.stepSucceeded(stepRecord, value.attempts, detail?.(value));
      return { ok: true, value };
    } catch (error) {
      const failure = summarizeFailure(error);
      if (failure.code === FailureTypes.IdempotencyMismatch) {
        if (patched(mismatchPatch)) saga.discardAll();
        else failure.business = false;
      }
      record.stepFailed(stepRecord, failure);
      const undo = undoOf(name);
      if (failure.business && undo) saga.discard(undo);
      return { ok: false, failure };
    }
  };
}
