// The running step as an activity sees it (workflow, step, attempt), and the idempotency keys derived from it.
import { Context } from '@temporalio/activity';
import type { CompensationName } from '../shared/order-state.js';
import { stepUndoneBy } from '../shared/saga-steps.js';
import { withActivityFailures } from './business-error.js';
import type { UndoInput } from './tombstone.js';

/** Where the running activity sits in its workflow. */
export interface StepContext {
  workflowId: string;
  /** The activity's registered name (`chargePayment`...), used as the step name. */
  activityType: string;
  /** 1 on the first try, incremented by Temporal on every retry. */
  attempt: number;
  /** `<workflowId>:<activityType>`; identical for every attempt of the step. */
  idempotencyKey: string;
}

/**
 * The only place the idempotency key is derived. The workflow ID is `order-<orderId>` and each step runs
 * once per workflow, so the key is stable across retries (and across worker restarts), yet distinct for
 * every step of every order. The run ID is deliberately left out: a reset or continued workflow must not
 * charge again. Must be called inside an activity.
 */
export function currentStep(): StepContext {
  const info = Context.current().info;
  const workflowId = info.workflowExecution?.workflowId;
  if (workflowId === undefined) {
    throw new Error(`activity ${info.activityType} runs outside a workflow: no idempotency key can be derived`);
  }
  return {
    workflowId,
    activityType: info.activityType,
    attempt: info.attempt,
    idempotencyKey: idempotencyKey(workflowId, info.activityType),
  };
}

/** Runs an activity body as the current step, with its failures translated for Temporal (see withActivityFailures). */
export function inStep<T>(body: (step: StepContext) => Promise<T>): Promise<T> {
  return withActivityFailures(() => body(currentStep()));
}

/** The attempt running now (1-based); activities report it so the order's step record can show retries. */
export function currentAttempt(): number {
  return Context.current().info.attempt;
}

export function idempotencyKey(workflowId: string, activityType: string): string {
  return `${workflowId}:${activityType}`;
}

/**
 * The idempotency key of the forward step that `compensation` undoes, in the same workflow. A compensation that
 * finds nothing to undo stores a tombstone under this key, so a late or retried attempt of the forward step finds
 * its key taken and does nothing (see `idempotentStep`).
 */
export function forwardStepKey(workflowId: string, compensation: CompensationName): string {
  return idempotencyKey(workflowId, stepUndoneBy(compensation));
}

/** What a compensation hands its store: the order, the compensation's own key, its forward step's key, and when. */
export function undoInput(step: StepContext, orderId: string, compensation: CompensationName, at: string): UndoInput {
  return {
    orderId,
    idempotencyKey: step.idempotencyKey,
    forwardKey: forwardStepKey(step.workflowId, compensation),
    at,
  };
}
