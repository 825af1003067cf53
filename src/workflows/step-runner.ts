// Runs one forward step of the saga: records its outcome on the order and forgets its undo when it was refused.
import type { StepName, StepRecord } from '../shared/order-state.js';
import { undoOf } from '../shared/saga-steps.js';
import { summarizeFailure } from './failures.js';
import type { FailureSummary } from './failures.js';
import type { OrderRecord } from './order-record.js';
import type { Saga } from './saga.js';

export type StepResult<T> = { ok: true; value: T } | { ok: false; failure: FailureSummary };

/**
 * Returns failures as values so the saga reads as a sequence of decisions rather than nested try/catch.
 * A business refusal (declined card, no stock...) means the step took no effect, so its undo, registered
 * before the call in case of a timeout, is dropped; any other failure keeps it, since the step may have
 * happened.
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
      record.stepFailed(stepRecord, failure);
      const undo = undoOf(name);
      if (failure.business && undo) saga.discard(undo);
      return { ok: false, failure };
    }
  };
}
