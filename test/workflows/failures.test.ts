// The failure summary on the failure chains Temporal hands the workflow: attempts read through timeouts, escalations told apart.
import { ApplicationFailure, DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { ProtoFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  compensationEscalatedCode,
  escalatedCompensation,
  summarizeCompensationFailure,
  summarizeFailure,
} from '../../src/workflows/failures.js';

const { RetryState, TimeoutType } = proto.temporal.api.enums.v1;
const converter = new DefaultFailureConverter();

/** An attempt's failure as the activity boundary sends it: a retryable ApplicationFailure saying which attempt. */
function attemptFailure(attempts: number): ProtoFailure {
  const error = ApplicationFailure.create({
    type: 'GatewayUnavailableError',
    message: `payment provider timed out (attempt ${attempts})`,
    details: [{ attempts }],
  });
  return converter.errorToFailure(error, defaultPayloadConverter);
}

function timeout(type: proto.temporal.api.enums.v1.TimeoutType, cause?: ProtoFailure): ProtoFailure {
  return { message: 'activity timeout', timeoutFailureInfo: { timeoutType: type }, ...(cause ? { cause } : {}) };
}

/** The ActivityFailure the workflow sees, with `cause` and the retry state the server reported. */
function activityFailure(cause: ProtoFailure, retryState: proto.temporal.api.enums.v1.RetryState): Error {
  return converter.failureToError(
    {
      message: 'Activity task failed',
      activityFailureInfo: { activityType: { name: 'refundPayment' }, activityId: '3', retryState },
      cause,
    },
    defaultPayloadConverter,
  );
}

describe('summarizeFailure', () => {
  it('reads the attempts of the last attempt when the step gave up between attempts', () => {
    const error = activityFailure(attemptFailure(7), RetryState.RETRY_STATE_TIMEOUT);
    expect(summarizeFailure(error)).toMatchObject({ code: 'GatewayUnavailableError', business: false, attempts: 7 });
  });

  it('counts the attempt in flight when the deadline passed during it', () => {
    const scheduleToClose = timeout(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, attemptFailure(4));
    const summary = summarizeFailure(activityFailure(scheduleToClose, RetryState.RETRY_STATE_TIMEOUT));
    expect(summary).toMatchObject({ code: 'STEP_TIMED_OUT', attempts: 5 });
    expect(summary.message).toMatch(/SCHEDULE_TO_CLOSE.*payment provider timed out \(attempt 4\)/);
  });

  it('counts one attempt when the first was still running, and at least two after an attempt that timed out', () => {
    const first = timeout(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    expect(summarizeFailure(activityFailure(first, RetryState.RETRY_STATE_TIMEOUT)).attempts).toBe(1);
    const afterHang = timeout(
      TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE,
      timeout(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE),
    );
    expect(summarizeFailure(activityFailure(afterHang, RetryState.RETRY_STATE_TIMEOUT)).attempts).toBe(2);
  });
});

describe('summarizeCompensationFailure', () => {
  it('names a compensation that ran out of its escalation window, with its last error', () => {
    const between = activityFailure(attemptFailure(12), RetryState.RETRY_STATE_TIMEOUT);
    const during = activityFailure(
      timeout(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, attemptFailure(12)),
      RetryState.RETRY_STATE_TIMEOUT,
    );
    for (const error of [between, during]) {
      expect(escalatedCompensation(error)).toBe(true);
      const summary = summarizeCompensationFailure(error);
      expect(summary.code).toBe(compensationEscalatedCode);
      expect(summary.message).toMatch(/escalation window ran out \(last error: payment provider timed out/);
    }
  });

  it('leaves a non-retryable refusal as it is', () => {
    const refused = converter.errorToFailure(
      ApplicationFailure.create({ type: 'RefundRejected', message: 'refused', nonRetryable: true }),
      defaultPayloadConverter,
    );
    const error = activityFailure(refused, RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    expect(escalatedCompensation(error)).toBe(false);
    expect(summarizeCompensationFailure(error)).toEqual({ code: 'RefundRejected', message: 'refused' });
  });
});
