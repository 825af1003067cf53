// Runs a forward step at most once per idempotency key, and never replays a stored row that was undone or asked for other things.
import { FailureTypes } from '../shared/failure-types.js';
import { BusinessError } from './business-error.js';
import type { StepContext } from './step-context.js';
import type { StoredStep } from './step-rows.js';

/** One field where the stored row and this attempt's input disagree. */
export interface InputDifference {
  field: string;
  stored: unknown;
  requested: unknown;
}

/** How one service runs its forward step, and what it counts as undone and as "the same input". */
export interface StepSpec<R extends StoredStep> {
  /** The row stored under the key, if any. */
  find(idempotencyKey: string): Promise<R | undefined>;
  /** Acts and stores the row (unless the key is taken meanwhile); returns what is stored under the key. */
  perform(): Promise<R>;
  /** The stored row was undone by the step's compensation (refunded, released, cancelled). */
  undone(row: R): boolean;
  /** What of this attempt's input the stored row contradicts: empty when the row answers this very request. */
  differences(row: R): InputDifference[];
}

/**
 * Finds the step's row by key; with none, `perform` acts and stores one (unless the key is taken) and the row stored
 * under the key is checked either way. A retry so replays the stored outcome (result or refusal, and the same event)
 * without acting again, but only an outcome that is still true for this very request:
 *
 * - a tombstone (the compensation ran having found nothing, at once or between the lookup and the insert) or a row
 *   the compensation undid fails with StepAlreadyCompensated: replaying it as a success would report money taken,
 *   stock held or goods sent that are not (a workflow reset to its start, a key reused after the retention);
 * - a row stored for a different amount, lines or address fails with IdempotencyMismatch: the key names another
 *   request, and this one was never decided.
 *
 * Both are non-retryable and mean nothing new happened.
 */
export async function idempotentStep<R extends StoredStep>(
  step: StepContext,
  orderId: string,
  spec: StepSpec<R>,
): Promise<R> {
  const stored = (await spec.find(step.idempotencyKey)) ?? (await spec.perform());
  if (stored.tombstone) throw new StepAlreadyCompensatedError(step, { orderId });
  if (spec.undone(stored)) throw new StepAlreadyCompensatedError(step, { orderId, undone: true });
  const differences = spec.differences(stored);
  if (differences.length > 0) throw new IdempotencyMismatchError(step, orderId, differences);
  return stored;
}

/**
 * A forward step whose compensation already ran: having found nothing to undo (a stalled attempt that outlived the
 * step's deadline, or a retry after the undo), or having undone the stored row (a new run of the same order, after a
 * workflow reset). Taking effect now would never be undone, and replaying the row would report an effect that was
 * reversed, so the step refuses, non-retryably.
 */
export class StepAlreadyCompensatedError extends BusinessError {
  override readonly name = 'StepAlreadyCompensatedError';
  readonly code = FailureTypes.StepAlreadyCompensated;

  constructor(step: StepContext, details: Record<string, unknown> = {}) {
    super(`${step.activityType} of ${step.workflowId} was already compensated; it will not take effect`, {
      idempotencyKey: step.idempotencyKey,
      ...details,
    });
  }
}

/**
 * The step's key already holds a row stored for different input (an Idempotency-Key reused for another order body,
 * say): the stored outcome does not answer this request, and acting under the taken key is impossible, so the step
 * refuses, non-retryably, and nothing happens.
 */
export class IdempotencyMismatchError extends BusinessError {
  override readonly name = 'IdempotencyMismatchError';
  readonly code = FailureTypes.IdempotencyMismatch;

  constructor(step: StepContext, orderId: string, differences: InputDifference[]) {
    super(
      `${step.activityType} of ${step.workflowId} was already done for a different ` +
        `${differences.map((d) => d.field).join(', ')}; it will not take effect`,
      { idempotencyKey: step.idempotencyKey, orderId, differences },
    );
  }
}

/** A difference when `stored` and `requested` are not equal (compared as JSON), else none. */
export function differenceIn(field: string, stored: unknown, requested: unknown): InputDifference[] {
  return JSON.stringify(stored) === JSON.stringify(requested) ? [] : [{ field, stored, requested }];
}
