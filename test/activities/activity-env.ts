// Test helpers: run an activity in a MockActivityEnvironment with a chosen workflow, step and attempt.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { expect } from 'vitest';

export interface StepOptions {
  workflowId?: string;
  attempt?: number;
}

/**
 * Runs `fn` as the activity `activityType` of `workflowId` (default `order-o-1`) on `attempt` (default 1),
 * which is everything the idempotency key and the flaky token depend on.
 */
export function runActivity<A extends unknown[], R>(
  activityType: string,
  fn: (...args: A) => Promise<R>,
  options: StepOptions,
  ...args: A
): Promise<R> {
  const env = new MockActivityEnvironment(
    {
      activityType,
      attempt: options.attempt ?? 1,
      workflowExecution: { workflowId: options.workflowId ?? 'order-o-1', runId: 'run-1' },
    },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(fn, ...args);
}

/** Awaits a rejection and checks it is a non-retryable `ApplicationFailure` of `type` (how business failures leave activities). */
export async function expectNonRetryable(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

/** A clock that advances one second per call, so stored timestamps are distinct and predictable. */
export function steppingClock(start = '2025-01-01T00:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 1_000;
    return now;
  };
}
