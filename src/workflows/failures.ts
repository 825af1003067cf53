// Turns whatever an activity threw into the code, message and attempts the order records, and says if it was a business refusal.
import { RetryState, defaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  TemporalFailure,
  TimeoutFailure,
  isCancellation,
} from '@temporalio/workflow';
import { FailureTypes } from '../shared/failure-types.js';

export interface FailureSummary {
  code: string;
  message: string;
  /** A service refused on business grounds (declined card, unknown SKU...): the step certainly took no effect. */
  business: boolean;
  /** Attempts Temporal made, as far as the failure tells (see `attemptsOf`). */
  attempts?: number;
}

const businessTypes: ReadonlySet<string> = new Set(Object.values(FailureTypes));

/**
 * Reads `failure.cause.type`. The SDK's failure classes use symbol-based `instanceof`
 * (`SymbolBasedInstanceOfError`), so these checks hold across realms, unlike `instanceof` on classes an
 * activity module might define; the branching itself is on the stable `type` string.
 */
export function summarizeFailure(error: unknown): FailureSummary {
  if (isCancellation(error)) {
    return { code: 'CANCELLED', message: 'The workflow was cancelled', business: false };
  }
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const attempts = attemptsOf(cause);
  const counted = attempts === undefined ? {} : { attempts };
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'ApplicationFailure';
    return { code: type, message: cause.message, business: businessTypes.has(type), ...counted };
  }
  if (cause instanceof TimeoutFailure) {
    const before = attemptBefore(cause);
    const last = before === undefined ? '' : `; the last attempt failed with: ${before.message}`;
    return {
      code: 'STEP_TIMED_OUT',
      message: `The step timed out (${cause.timeoutType})${last}`,
      business: false,
      ...counted,
    };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code: 'STEP_FAILED', message, business: false };
}

/**
 * The attempts Temporal made, read from the failure chain (the workflow is never told the count itself):
 *
 * - an attempt's own failure says which attempt it was, in its first detail (`toActivityFailure` puts it there for
 *   business and transient errors alike), and a step that gave up after it failed reports just that failure;
 * - a step whose deadline (SCHEDULE_TO_CLOSE) passed while an attempt was running fails with a TimeoutFailure whose
 *   cause is the failure of the attempt before it (none while the first one ran): one more than that attempt.
 *
 * An attempt that itself timed out (START_TO_CLOSE) carries no number; it then counts as one, so the result is a
 * lower bound, never more than were made.
 */
function attemptsOf(failure: unknown): number | undefined {
  if (failure instanceof ApplicationFailure) return attemptsFromDetails(failure.details);
  if (failure instanceof TimeoutFailure && failure.timeoutType === 'SCHEDULE_TO_CLOSE') {
    const before = attemptBefore(failure);
    return before === undefined ? 1 : (attemptsOf(before) ?? 1) + 1;
  }
  return undefined;
}

/**
 * The failure of the attempt before a timeout, which the server sends as the TimeoutFailure's cause. The SDK's
 * failure converter does not decode a timeout's cause (1.24 builds TimeoutFailure without one) but keeps the failure
 * as received, so it is decoded here, with the default converters the workers use.
 */
function attemptBefore(timeout: TimeoutFailure): Error | undefined {
  if (timeout.cause !== undefined) return timeout.cause;
  const raw = timeout.failure?.cause;
  return raw ? defaultFailureConverter.failureToError(raw, defaultPayloadConverter) : undefined;
}

/** Activities may put `{ attempts }` first in the failure's details; anything else is ignored. */
function attemptsFromDetails(details: unknown[] | undefined | null): number | undefined {
  const first: unknown = details?.[0];
  if (typeof first !== 'object' || first === null || !('attempts' in first)) return undefined;
  return typeof first.attempts === 'number' ? first.attempts : undefined;
}

/** The code an order records for a compensation that ran out of its escalation window (`escalatedCompensation`). */
export const compensationEscalatedCode = 'COMPENSATION_ESCALATED';

/**
 * A compensation that kept failing with transient errors until its schedule-to-close deadline (the escalation
 * window) passed: Temporal stops retrying it (retry state TIMEOUT), whether the deadline passed between attempts or
 * during one. Only an escalating compensation has such a deadline.
 */
export function escalatedCompensation(error: unknown): boolean {
  if (!(error instanceof ActivityFailure)) return false;
  return (
    error.retryState === RetryState.TIMEOUT ||
    (error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'SCHEDULE_TO_CLOSE')
  );
}

/**
 * How a failed compensation is recorded and announced: an escalation says so (COMPENSATION_ESCALATED, with the last
 * transient error), anything else as `summarizeFailure` says.
 */
export function summarizeCompensationFailure(error: unknown): { code: string; message: string } {
  const { code, message } = summarizeFailure(error);
  if (!escalatedCompensation(error)) return { code, message };
  const cause = error instanceof TemporalFailure ? error.cause : undefined;
  const last = cause instanceof TimeoutFailure ? attemptBefore(cause) : cause;
  const reason = last === undefined ? message : `${last.message}`;
  return {
    code: compensationEscalatedCode,
    message: `still failing with transient errors when its escalation window ran out (last error: ${reason})`,
  };
}
