// Derives the idempotency key (and the rest of what an activity needs to know about its step) from Temporal.
import { Context } from '@temporalio/activity';

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

/** The attempt running now (1-based); activities report it so the order's step record can show retries. */
export function currentAttempt(): number {
  return Context.current().info.attempt;
}

export function idempotencyKey(workflowId: string, activityType: string): string {
  return `${workflowId}:${activityType}`;
}
