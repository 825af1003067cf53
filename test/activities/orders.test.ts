// The order-event activity: validated envelopes with deterministic IDs, published for the workflow.
import { describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../src/activities/orders/activities.js';
import { deterministicEventId } from '../../src/events/envelope.js';
import { MemoryEventPublisher } from '../support/memory-event-publisher.js';
import type { PublishOrderEventInput } from '../../src/shared/activity-contracts.js';
import { expectNonRetryable, runActivity } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

const publisher = new MemoryEventPublisher();
const activities = createOrderActivities({ publisher, clock: () => new Date('2025-01-01T12:00:00.000Z') });
const publish = (input: PublishOrderEventInput, options: StepOptions = {}) =>
  runActivity('publishOrderEvent', (i: PublishOrderEventInput) => activities.publishOrderEvent(i), options, input);

const created: PublishOrderEventInput = {
  name: 'OrderCreated',
  step: 'created',
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'PENDING',
  total: { amount: 1_250, currency: 'EUR' },
  lines: [
    {
      sku: 'SKU-MUG',
      name: 'Ceramic coffee mug',
      quantity: 1,
      unitPrice: { amount: 1_250, currency: 'EUR' },
      lineTotal: { amount: 1_250, currency: 'EUR' },
    },
  ],
};

describe('publishOrderEvent', () => {
  it('publishes the order event with an ID derived from workflow, step and name', async () => {
    publisher.clear();
    await publish(created);
    expect(publisher.published).toEqual([
      {
        specversion: '1.0',
        id: deterministicEventId('order-o-1', 'created', 'OrderCreated'),
        source: 'order-saga/orders',
        type: 'com.ordersaga.OrderCreated.v1',
        subject: 'o-1',
        time: '2025-01-01T12:00:00.000Z',
        datacontenttype: 'application/json',
        data: { orderId: 'o-1', customerId: 'c-1', status: 'PENDING', total: created.total, lines: created.lines },
      },
    ]);
  });

  it('republishes the same ID on retry and a different one for another step', async () => {
    publisher.clear();
    const failed: PublishOrderEventInput = {
      name: 'CompensationFailed',
      step: 'compensation-1',
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'COMPENSATION_FAILED',
      reason: { code: 'RefundRejected', message: 'refund refused' },
    };
    await publish(failed);
    await publish(failed, { attempt: 2 });
    await publish({ ...failed, step: 'compensation-2' });
    const [a, b, c] = publisher.published.map((e) => e.id);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('fails non-retryably with InvalidEvent when the payload does not fit the catalogue', async () => {
    publisher.clear();
    const failure = await expectNonRetryable(
      publish({ name: 'OrderFailed', step: 'failed', orderId: 'o-1', customerId: 'c-1', status: 'FAILED' }),
      'InvalidEvent',
    );
    expect(failure.message).toContain('reason');
    expect(publisher.published).toHaveLength(0);
  });
});
