// Runs a forward step at most once per idempotency key, and never after its compensation has taken the key.
import { FailureTypes } from '../shared/failure-types.js';
import { BusinessError } from './business-error.js';
import type { StepContext } from './step-context.js';
import type { StoredStep } from './step-rows.js';

/**
 * Finds the step's row by key; with none, `perform` acts and stores one (unless the key is taken) and returns what
 * is stored under the key. A retry so replays the stored outcome (result or refusal, and the same event) without
 * acting again. A tombstone, found at once or stored by the compensation between the lookup and the insert, means
 * the compensation already ran having found nothing: the step refuses with StepAlreadyCompensated.
 */
export async function idempotentStep<R extends Pick<StoredStep, 'tombstone'>>(
  step: StepContext,
  orderId: string,
  find: (idempotencyKey: string) => Promise<R | undefined>,
  perform: () => Promise<R>,
): Promise<R> {
  const stored = (await find(step.idempotencyKey)) ?? (await perform());
  if (stored.tombstone) throw new StepAlreadyCompensatedError(step, { orderId });
  return stored;
}

/**
 * A forward step whose compensation already ran, having found nothing to undo: a stalled attempt that outlived
 * the step's deadline, or a retry after the undo. Taking effect now would never be undone, so the step refuses,
 * non-retryably; by then the workflow no longer waits for its result.
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
