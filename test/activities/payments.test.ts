// Payment activities against a real (in-memory) SQLite store: every token outcome, idempotency, refunds.
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPaymentActivities } from '../../src/activities/payments/activities.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { KyselyPaymentStore } from '../../src/activities/payments/store.js';
import { deterministicEventId } from '../../src/events/envelope.js';
import { MemoryEventPublisher } from '../support/memory-event-publisher.js';
import type { ChargePaymentInput } from '../../src/shared/activity-contracts.js';
import { expectNonRetryable, runActivity, steppingClock } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

let store: KyselyPaymentStore;
let publisher: MemoryEventPublisher;
let activities: ReturnType<typeof createPaymentActivities>;

beforeEach(async () => {
  store = await openPaymentStore({ filename: ':memory:' });
  publisher = new MemoryEventPublisher();
  activities = createPaymentActivities({ store, publisher, clock: steppingClock() });
});
afterEach(async () => {
  await store.close();
});

const chargeInput = (token: string, orderId = 'o-1'): ChargePaymentInput => ({
  orderId,
  customerId: 'c-1',
  token,
  amount: { amount: 4_998, currency: 'EUR' },
});
const charge = (input: ChargePaymentInput, options: StepOptions = {}) =>
  runActivity('chargePayment', (i: ChargePaymentInput) => activities.chargePayment(i), options, input);
const refund = (orderId = 'o-1', options: StepOptions = {}) =>
  runActivity('refundPayment', (i: { orderId: string }) => activities.refundPayment(i), options, { orderId });

describe('chargePayment', () => {
  it('captures tok_ok and publishes PaymentProcessed after the row is stored', async () => {
    const result = await charge(chargeInput('tok_ok'));
    expect(result.paymentId).toMatch(/^pay_/);
    expect(result.amount).toEqual({ amount: 4_998, currency: 'EUR' });

    const stored = await store.findChargeByOrder('o-1');
    expect(stored).toMatchObject({
      paymentId: result.paymentId,
      status: 'captured',
      idempotencyKey: 'order-o-1:chargePayment',
    });
    expect(publisher.published).toHaveLength(1);
    const [event] = publisher.ofName('PaymentProcessed');
    expect(event).toMatchObject({
      id: deterministicEventId('order-o-1', 'chargePayment', 'PaymentProcessed'),
      source: 'order-saga/payments',
      type: 'com.ordersaga.PaymentProcessed.v1',
      subject: 'o-1',
      time: stored?.createdAt,
      data: {
        orderId: 'o-1',
        customerId: 'c-1',
        paymentId: result.paymentId,
        amount: { amount: 4_998, currency: 'EUR' },
      },
    });
  });

  it('is idempotent: a retry returns the stored charge and republishes the identical event', async () => {
    const first = await charge(chargeInput('tok_ok'));
    const second = await charge(chargeInput('tok_ok'), { attempt: 2 });
    expect(second).toEqual({ ...first, attempts: 2 });
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]).toEqual(publisher.published[0]);
  });

  it('charges separately for different workflows', async () => {
    const a = await charge(chargeInput('tok_ok', 'o-1'), { workflowId: 'order-o-1' });
    const b = await charge(chargeInput('tok_ok', 'o-2'), { workflowId: 'order-o-2' });
    expect(a.paymentId).not.toBe(b.paymentId);
    expect(new Set(publisher.published.map((e) => e.id)).size).toBe(2);
  });

  it.each([
    ['tok_declined', 'PaymentDeclined', 'card declined by issuer'],
    ['tok_insufficient_funds', 'InsufficientFunds', 'insufficient funds'],
    ['tok_made_up', 'PaymentDeclined', 'unknown payment token'],
  ])(
    'fails %s with non-retryable %s, records the attempt and publishes PaymentFailed',
    async (token, type, message) => {
      const failure = await expectNonRetryable(charge(chargeInput(token)), type);
      expect(failure.message).toBe(message);

      const stored = await store.findChargeByOrder('o-1');
      expect(stored).toMatchObject({ status: 'declined', failure: { code: type, message } });
      expect(failure.details).toEqual([{ orderId: 'o-1', paymentId: stored?.paymentId, attempts: 1 }]);
      const [event] = publisher.ofName('PaymentFailed');
      expect(event?.id).toBe(deterministicEventId('order-o-1', 'chargePayment', 'PaymentFailed'));
      expect(event?.data).toMatchObject({ orderId: 'o-1', customerId: 'c-1', reason: { code: type, message } });
      expect(publisher.ofName('PaymentProcessed')).toHaveLength(0);
    },
  );

  it('replays a decline on retry: same failure, same event, no second row', async () => {
    await expectNonRetryable(charge(chargeInput('tok_declined')), 'PaymentDeclined');
    const retried = await expectNonRetryable(charge(chargeInput('tok_declined'), { attempt: 2 }), 'PaymentDeclined');
    expect(retried.details?.[0]).toMatchObject({ attempts: 2 });
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]).toEqual(publisher.published[0]);
  });

  it('fails tok_flaky transiently on attempts 1 and 2, then captures on attempt 3', async () => {
    for (const attempt of [1, 2]) {
      const error: unknown = await charge(chargeInput('tok_flaky'), { attempt }).catch((e: unknown) => e);
      // Retryable, as the SDK would make of the error, but saying which attempt it was (the step's record shows it).
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({
        type: 'GatewayUnavailableError',
        nonRetryable: false,
        message: `payment provider timed out (attempt ${attempt})`,
        details: [{ attempts: attempt }],
      });
    }
    expect(await store.findChargeByOrder('o-1')).toBeUndefined();
    expect(publisher.published).toHaveLength(0);

    const result = await charge(chargeInput('tok_flaky'), { attempt: 3 });
    expect(result.paymentId).toMatch(/^pay_/);
    expect(result.attempts).toBe(3);
    expect(publisher.ofName('PaymentProcessed')).toHaveLength(1);
  });

  it('republishes on retry when publishing failed after the commit, without charging twice', async () => {
    publisher.failNext();
    await expect(charge(chargeInput('tok_ok'))).rejects.toThrow('publish failed');
    const stored = await store.findChargeByOrder('o-1');
    expect(stored?.status).toBe('captured');
    expect(publisher.published).toHaveLength(0);

    const result = await charge(chargeInput('tok_ok'), { attempt: 2 });
    expect(result.paymentId).toBe(stored?.paymentId);
    expect(publisher.ofName('PaymentProcessed')).toHaveLength(1);
  });
});

describe('refundPayment', () => {
  it('is a no-op when the order was never charged', async () => {
    expect(await refund()).toEqual({ applied: false, attempts: 1 });
    expect(publisher.published).toHaveLength(0);
  });

  it('is a no-op when the charge was declined', async () => {
    await expectNonRetryable(charge(chargeInput('tok_declined')), 'PaymentDeclined');
    expect(await refund()).toEqual({ applied: false, attempts: 1 });
    expect(publisher.ofName('PaymentRefunded')).toHaveLength(0);
  });

  it('refunds the captured charge once and publishes PaymentRefunded', async () => {
    const { paymentId } = await charge(chargeInput('tok_ok'));
    expect(await refund()).toEqual({ applied: true, attempts: 1 });
    const stored = await store.findChargeByOrder('o-1');
    expect(stored).toMatchObject({ status: 'refunded', refundKey: 'order-o-1:refundPayment' });
    const [event] = publisher.ofName('PaymentRefunded');
    expect(event).toMatchObject({
      id: deterministicEventId('order-o-1', 'refundPayment', 'PaymentRefunded'),
      time: stored?.refundedAt,
      data: { orderId: 'o-1', customerId: 'c-1', paymentId, amount: { amount: 4_998, currency: 'EUR' } },
    });
  });

  it('is idempotent: a retried refund replays its result and event without refunding twice', async () => {
    await charge(chargeInput('tok_ok'));
    const first = await refund();
    const refundedAt = (await store.findChargeByOrder('o-1'))?.refundedAt;
    const second = await refund('o-1', { attempt: 2 });
    expect(second).toEqual({ ...first, attempts: 2 });
    expect((await store.findChargeByOrder('o-1'))?.refundedAt).toBe(refundedAt);
    const events = publisher.ofName('PaymentRefunded');
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
  });

  it('reports applied: false when another workflow already refunded the charge', async () => {
    await charge(chargeInput('tok_ok'));
    await refund();
    expect(await refund('o-1', { workflowId: 'order-o-1-other' })).toEqual({ applied: false, attempts: 1 });
  });

  it('rejects a tok_refund_blocked refund until an operator unblocks it, then refunds', async () => {
    const { paymentId } = await charge(chargeInput('tok_refund_blocked'));
    const failure = await expectNonRetryable(refund(), 'RefundRejected');
    expect(failure.details).toEqual([{ orderId: 'o-1', paymentId, attempts: 1 }]);
    expect(await store.findChargeByOrder('o-1')).toMatchObject({ status: 'captured', refundBlocked: true });
    await expectNonRetryable(refund('o-1', { attempt: 2 }), 'RefundRejected');
    expect(publisher.ofName('PaymentRefunded')).toHaveLength(0);

    expect(await store.unblockRefund('o-1')).toBe(true);
    expect(await store.unblockRefund('o-1')).toBe(false);
    expect(await refund()).toEqual({ applied: true, attempts: 1 });
    expect(await store.findChargeByOrder('o-1')).toMatchObject({ status: 'refunded', refundBlocked: false });
    expect(publisher.ofName('PaymentRefunded')).toHaveLength(1);
  });
});
