// The idempotency key derivation shared by every activity.
import { describe, expect, it } from 'vitest';
import { currentStep, idempotencyKey } from '../../src/activities/step-context.js';
import { runActivity } from './activity-env.js';

describe('currentStep', () => {
  it('derives the key from the workflow ID and the activity type, not the attempt', async () => {
    const step = (attempt: number) => runActivity('chargePayment', () => Promise.resolve(currentStep()), { attempt });
    const first = await step(1);
    expect(first).toEqual({
      workflowId: 'order-o-1',
      activityType: 'chargePayment',
      attempt: 1,
      idempotencyKey: 'order-o-1:chargePayment',
    });
    expect((await step(3)).idempotencyKey).toBe(first.idempotencyKey);
    expect(idempotencyKey('order-o-1', 'chargePayment')).toBe(first.idempotencyKey);
  });

  it('refuses to run outside an activity', () => {
    expect(() => currentStep()).toThrow();
  });
});
