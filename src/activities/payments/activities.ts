// The payments service's activities: charge a customer, refund the charge as the saga's compensation.
import { randomUUID } from 'node:crypto';
import type {
  ChargePaymentInput,
  ChargePaymentResult,
  CompensationResult,
  EventSequence,
  PaymentActivities,
  RefundPaymentInput,
} from '../../shared/activity-contracts.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { differenceIn, idempotentStep } from '../idempotent-step.js';
import type { InputDifference } from '../idempotent-step.js';
import { inStep, undoInput } from '../step-context.js';
import type { StepContext } from '../step-context.js';
import { stepEvent } from '../step-event.js';
import { InsufficientFundsError, PaymentDeclinedError, RefundRejectedError } from './errors.js';
import { authorizeCharge } from './gateway.js';
import type { Charge, PaymentStore } from './store.js';

export type PaymentActivityDeps = ServiceActivityDeps<PaymentStore>;

/**
 * Builds the payment activities around their dependencies (so tests and workers wire them differently).
 * A charge attempt is stored with its event (PaymentProcessed, or PaymentFailed when declined) in one transaction;
 * a retried `chargePayment` finds its stored row by idempotency key and replays the outcome without asking the
 * provider again or writing the event again. A refund that found nothing to refund leaves a tombstone under the
 * charge's key: a charge attempt that comes later (stalled past its deadline, or retried) finds it and fails with
 * StepAlreadyCompensated, charging and announcing nothing; so does one that finds its charge refunded (a new run of
 * the order, after a reset). A stored charge of another amount or customer fails with IdempotencyMismatch.
 */
export function createPaymentActivities({ store, clock = systemClock }: PaymentActivityDeps): PaymentActivities {
  return {
    chargePayment: (input: ChargePaymentInput): Promise<ChargePaymentResult> =>
      inStep(async (step) => {
        const events = (charge: Charge) => [chargeEvent(step, input, charge)];
        const charge = await idempotentStep(step, input.orderId, {
          find: (key) => store.findChargeByKey(key),
          perform: () => {
            const decision = authorizeCharge(input.token, step.attempt);
            return store.recordCharge(
              {
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
              },
              events,
            );
          },
          undone: (stored) => stored.status === 'refunded',
          differences: (stored) => chargeDifferences(stored, input),
        });
        await store.outbox.backfill(events(charge));
        if (charge.failure !== undefined) throw declineError(charge, charge.failure);
        return { paymentId: charge.paymentId, amount: charge.amount, attempts: step.attempt };
      }),

    refundPayment: (input: RefundPaymentInput): Promise<CompensationResult> =>
      inStep(async (step) => {
        const at = clock().toISOString();
        const events = (charge: Charge) => [
          stepEvent(step, input, {
            name: 'PaymentRefunded',
            data: paymentData(charge),
            time: charge.refundedAt ?? charge.createdAt,
          }),
        ];
        const outcome = await store.refund(undoInput(step, input.orderId, 'refundPayment', at), events);
        if (outcome.kind === 'none') return { applied: false, attempts: step.attempt };
        if (outcome.kind === 'blocked') {
          throw new RefundRejectedError('payment provider rejected the refund; an operator must unblock it', {
            orderId: input.orderId,
            paymentId: outcome.charge.paymentId,
          });
        }
        if (!outcome.applied) return { applied: false, attempts: step.attempt };
        await store.outbox.backfill(events(outcome.charge));
        return { applied: true, attempts: step.attempt };
      }),
  };
}

/** The event a stored charge attempt announces: PaymentFailed with its reason when declined, else PaymentProcessed. */
function chargeEvent(step: StepContext, order: EventSequence, charge: Charge) {
  const time = charge.createdAt;
  if (charge.failure !== undefined) {
    return stepEvent(step, order, {
      name: 'PaymentFailed',
      data: { ...paymentData(charge), reason: charge.failure },
      time,
    });
  }
  return stepEvent(step, order, { name: 'PaymentProcessed', data: paymentData(charge), time });
}

/**
 * The same charge request is the same customer paying the same amount in the same currency; the card token is not
 * stored (and a new token for the same charge is still the same charge).
 */
function chargeDifferences(stored: Charge, input: ChargePaymentInput): InputDifference[] {
  return [
    ...differenceIn('amount', stored.amount, { amount: input.amount.amount, currency: input.amount.currency }),
    ...differenceIn('customerId', stored.customerId, input.customerId),
  ];
}

function paymentData(charge: Charge): Pick<Charge, 'orderId' | 'customerId' | 'paymentId' | 'amount'> {
  return { orderId: charge.orderId, customerId: charge.customerId, paymentId: charge.paymentId, amount: charge.amount };
}

function declineError(charge: Charge, failure: { code: string; message: string }): Error {
  const details = { orderId: charge.orderId, paymentId: charge.paymentId };
  return failure.code === 'InsufficientFunds'
    ? new InsufficientFundsError(failure.message, details)
    : new PaymentDeclinedError(failure.message, details);
}
