// The in-memory publisher the tests use: records envelopes, and can be told to fail.
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/envelope.js';
import { eventMessage } from '../../src/events/publisher.js';
import { MemoryEventPublisher } from './memory-event-publisher.js';
import { lineOf } from '../events/nats/fixtures.js';

const envelope = (name: 'OrderCreated' | 'OrderCompleted') =>
  eventMessage(
    buildEvent({
      name,
      workflowId: 'order-o-1',
      step: name,
      data: {
        orderId: 'o-1',
        customerId: 'c-1',
        status: name === 'OrderCreated' ? 'PENDING' : 'COMPLETED',
        lines: [lineOf({ amount: 100, currency: 'EUR' })],
        total: { amount: 100, currency: 'EUR' },
      },
      time: '2025-01-01T00:00:00.000Z',
      version: 1,
    }),
  );

describe('MemoryEventPublisher', () => {
  it('records every publish in order, filterable by name', async () => {
    const publisher = new MemoryEventPublisher();
    await publisher.publish(envelope('OrderCreated'));
    await publisher.publish(envelope('OrderCompleted'));
    await publisher.publish(envelope('OrderCreated'));
    expect(publisher.published.map((e) => e.type)).toEqual([
      'com.ordersaga.OrderCreated.v1',
      'com.ordersaga.OrderCompleted.v1',
      'com.ordersaga.OrderCreated.v1',
    ]);
    expect(publisher.ofName('OrderCreated')).toHaveLength(2);
    publisher.clear();
    expect(publisher.published).toHaveLength(0);
  });

  it('fails the next publish when told to, then recovers', async () => {
    const publisher = new MemoryEventPublisher();
    publisher.failNext(new Error('broker down'));
    await expect(publisher.publish(envelope('OrderCreated'))).rejects.toThrow('broker down');
    await publisher.publish(envelope('OrderCreated'));
    expect(publisher.published).toHaveLength(1);
  });
});
