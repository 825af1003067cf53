// The base of every service's business errors, and their translation into Temporal failures.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
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
 * pointless) become non-retryable failures; anything else passes through and Temporal retries it.
 * The first detail always carries `attempts`, which the workflow shows in the order's step record.
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
  return error;
}

/** Runs an activity body with {@link toActivityFailure} applied to whatever it throws. */
export async function withActivityFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toActivityFailure(error, Context.current().info.attempt);
  }
}
