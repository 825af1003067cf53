// The base of every service's business errors, and their translation into Temporal failures.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { InvalidEventError } from '../events/envelope.js';
import type { FailureType } from '../shared/failure-types.js';

/**
 * A failure that retrying cannot fix (a declined card, a missing SKU). Services throw these; the activity
 * boundary turns them into non-retryable `ApplicationFailure`s whose `type` is the stable `code`, which is
 * what the workflow branches on.
 */
export abstract class BusinessError extends Error {
  abstract readonly code: FailureType;

  constructor(
    message: string,
    readonly details: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Maps an error leaving an activity: business errors and malformed events (a bug, so retrying is
 * pointless) become non-retryable failures; any other error becomes the retryable failure the SDK would make of
 * it (same type, message, cause and stack), and Temporal retries it. The first detail always carries `attempts`,
 * which the workflow shows in the order's step record: a step that gives up after its deadline reports the failure
 * of its last attempt, so a transient failure must say which attempt it was too. Temporal's own failures
 * (cancellation) pass through untouched.
 */
export function toActivityFailure(error: unknown, attempts: number): unknown {
  if (error instanceof BusinessError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: true,
      details: [{ ...error.details, attempts }],
    });
  }
  if (error instanceof InvalidEventError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: true,
      details: [{ attempts }],
    });
  }
  if (error instanceof TemporalFailure || !(error instanceof Error)) return error;
  const failure = ApplicationFailure.create({
    type: error.constructor.name,
    message: error.message,
    nonRetryable: false,
    details: [{ attempts }],
    ...(error.cause instanceof Error ? { cause: error.cause } : {}),
  });
  failure.stack = error.stack ?? '';
  return failure;
}

/** Runs an activity body with {@link toActivityFailure} applied to whatever it throws. */
export async function withActivityFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toActivityFailure(error, Context.current().info.attempt);
  }
}
