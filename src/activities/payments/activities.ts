// The payments service's activities: charge a customer, refund the charge as the saga's compensation.
import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '../../events/publisher.js';
import type {
  ChargePaymentInput,
  ChargePaymentResult,
  CompensationResult,
  PaymentActivities,
  RefundPaymentInput,
} from '../../shared/activity-contracts.js';
import { withActivityFailures } from '../business-error.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { emitEvent } from '../emit-event.js';
import { StepAlreadyCompensatedError, currentStep, forwardStepKey } from '../step-context.js';
import { InsufficientFundsError, PaymentDeclinedError, RefundRejectedError } from './errors.js';
import { authorizeCharge } from './gateway.js';
import type { Charge, PaymentStore } from './store.js';

export interface PaymentActivityDeps {
  store: PaymentStore;
  publisher: EventPublisher;
  clock?: Clock;
}

/**
 * Builds the payment activities around their dependencies (so tests and workers wire them differently).
 * A retried `chargePayment` finds its stored row by idempotency key and replays it (result or failure,
 * and the same event) without asking the provider again; declined attempts are stored too. A refund that found
 * nothing to refund leaves a tombstone under the charge's key: a charge attempt that comes later (stalled past
 * its deadline, or retried) finds it and fails with StepAlreadyCompensated, charging and publishing nothing.
 */
export function createPaymentActivities({
  store,
  publisher,
  clock = systemClock,
}: PaymentActivityDeps): PaymentActivities {
  return {
    chargePayment: (input: ChargePaymentInput): Promise<ChargePaymentResult> =>
      withActivityFailures(async () => {
        const step = currentStep();
        let charge = await store.findChargeByKey(step.idempotencyKey);
        if (charge?.tombstone) throw new StepAlreadyCompensatedError(step, { orderId: input.orderId });
        if (charge === undefined) {
          const decision = authorizeCharge(input.token, step.attempt);
          charge = await store.recordCharge({
            paymentId: `pay_${randomUUID()}`,
            idempotencyKey: step.idempotencyKey,
            orderId: input.orderId,
            customerId: input.customerId,
            amount: input.amount,
            status: decision.outcome,
            ...(decision.outcome === 'declined'
              ? { failure: { code: decision.code, message: decision.message }, refundBlocked: false }
              : { refundBlocked: decision.refundBlocked }),
            at: clock().toISOString(),
          });
          // The refund's tombstone may have taken the key between the lookup and the insert.
          if (charge.tombstone) throw new StepAlreadyCompensatedError(step, { orderId: input.orderId });
        }
        const payment = paymentData(charge);
        if (charge.failure !== undefined) {
          await emitEvent(publisher, {
            name: 'PaymentFailed',
            workflowId: step.workflowId,
            step: step.activityType,
            data: { ...payment, reason: charge.failure },
            time: charge.createdAt,
          });
          throw declineError(charge, charge.failure);
        }
        await emitEvent(publisher, {
          name: 'PaymentProcessed',
          workflowId: step.workflowId,
          step: step.activityType,
          data: payment,
          time: charge.createdAt,
        });
        return { paymentId: charge.paymentId, amount: charge.amount, attempts: step.attempt };
      }),

    refundPayment: (input: RefundPaymentInput): Promise<CompensationResult> =>
      withActivityFailures(async () => {
        const step = currentStep();
        const outcome = await store.refund({
          orderId: input.orderId,
          idempotencyKey: step.idempotencyKey,
          forwardKey: forwardStepKey(step.workflowId, 'refundPayment'),
          at: clock().toISOString(),
        });
        if (outcome.kind === 'none') return { applied: false, attempts: step.attempt };
        if (outcome.kind === 'blocked') {
          throw new RefundRejectedError('payment provider rejected the refund; an operator must unblock it', {
            orderId: input.orderId,
            paymentId: outcome.charge.paymentId,
          });
        }
        if (!outcome.applied) return { applied: false, attempts: step.attempt };
        await emitEvent(publisher, {
          name: 'PaymentRefunded',
          workflowId: step.workflowId,
          step: step.activityType,
          data: paymentData(outcome.charge),
          time: outcome.charge.refundedAt ?? outcome.charge.createdAt,
        });
        return { applied: true, attempts: step.attempt };
      }),
  };
}

function paymentData(charge: Charge): {
  orderId: string;
  customerId: string;
  paymentId: string;
  amount: Charge['amount'];
} {
  return { orderId: charge.orderId, customerId: charge.customerId, paymentId: charge.paymentId, amount: charge.amount };
}

function declineError(charge: Charge, failure: { code: string; message: string }): Error {
  const details = { orderId: charge.orderId, paymentId: charge.paymentId };
  return failure.code === 'InsufficientFunds'
    ? new InsufficientFundsError(failure.message, details)
    : new PaymentDeclinedError(failure.message, details);
}
