// Turns whatever an activity threw into the code and message the order records, and says if it was a business refusal.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import { FailureTypes } from '../shared/failure-types.js';

export interface FailureSummary {
  code: string;
  message: string;
  /** A service refused on business grounds (declined card, unknown SKU...): the step certainly took no effect. */
  business: boolean;
  /** Attempts the activity reported in its failure details, when it did. */
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
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'ApplicationFailure';
    const attempts = attemptsFromDetails(cause.details);
    return {
      code: type,
      message: cause.message,
      business: businessTypes.has(type),
      ...(attempts === undefined ? {} : { attempts }),
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: 'STEP_TIMED_OUT', message: `The step timed out (${cause.timeoutType})`, business: false };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code: 'STEP_FAILED', message, business: false };
}

/** Activities may put `{ attempts }` first in the failure's details; anything else is ignored. */
function attemptsFromDetails(details: unknown[] | undefined | null): number | undefined {
  const first: unknown = details?.[0];
  if (typeof first !== 'object' || first === null || !('attempts' in first)) return undefined;
  return typeof first.attempts === 'number' ? first.attempts : undefined;
}
