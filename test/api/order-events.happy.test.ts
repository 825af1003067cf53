// GET /orders/{id}/events: past events first, then live ones, ending with the order's terminal event.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { buildTestApi, testClient } from './support/api-fixture.js';
import type { TestApi } from './support/api-fixture.js';
import { MemoryEventHistory } from './support/memory-ports.js';
import { readSse } from './support/sse.js';
import { lineOf } from '../events/nats/fixtures.js';

// The EventHistory port is an in-memory stand-in (route unit tests only): the JetStream-backed one is the
// event side's. orders.happy.test.ts follows a real order's events the same way.
const published: EventEnvelope[] = [];
const history = new MemoryEventHistory(() => published);
const api: TestApi = buildTestApi(testClient().client, { events: history });

function event(
  orderId: string,
  name: 'OrderCreated' | 'PaymentProcessed' | 'OrderCompleted',
  step: string = name,
  sequence?: number,
): EventEnvelope {
  const common = {
    workflowId: `order-${orderId}`,
    step,
    time: new Date(),
    ...(sequence === undefined ? {} : { sequence }),
  };
  if (name === 'PaymentProcessed') {
    const amount = { amount: 100, currency: 'EUR' };
    return buildEnvelope({ ...common, name, data: { orderId, customerId: 'cus_sse', paymentId: 'pay_1', amount } });
  }
  if (name === 'OrderCreated') {
    const data = {
      orderId,
      customerId: 'cus_sse',
      status: 'PENDING' as const,
      lines: [lineOf({ amount: 100, currency: 'EUR' })],
      total: { amount: 100, currency: 'EUR' },
    };
    return buildEnvelope({ ...common, name, data });
  }
  return buildEnvelope({ ...common, name, data: { orderId, customerId: 'cus_sse', status: 'COMPLETED' } });
}

function known(orderId: string) {
  const now = new Date().toISOString();
  api.readModel.add({ orderId, customerId: 'cus_sse', status: 'PENDING', createdAt: now, updatedAt: now });
}

describe('the event stream', () => {
  it('sends past events first, then live ones, and closes after the terminal event', async () => {
    const orderId = randomUUID();
    known(orderId);
    published.push(event(orderId, 'OrderCreated'), event(randomUUID(), 'OrderCreated'));

    const res = await api.app.request(`/orders/${orderId}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toBeTruthy();

    setTimeout(() => published.push(event(orderId, 'PaymentProcessed')), 100);
    setTimeout(() => published.push(event(orderId, 'OrderCompleted'), event(orderId, 'OrderCreated', 'late')), 200);
    const messages = await readSse(res);

    expect(messages.map((m) => m.event)).toEqual(['OrderCreated', 'PaymentProcessed', 'OrderCompleted']);
    const envelopes = messages.map((m) => JSON.parse(m.data) as EventEnvelope);
    expect(envelopes.every((e) => e.subject === orderId)).toBe(true);
    expect(messages.map((m) => m.id)).toEqual(envelopes.map((e) => e.id));
    await expect.poll(() => history.closed).toBe(history.opened);
  });

  it('stays open after the terminal event until every event before it by sequence has been sent', async () => {
    const orderId = randomUUID();
    known(orderId);
    // The orders relay was ahead of the payments relay: the terminal event reached the stream first.
    published.push(
      event(orderId, 'OrderCreated', 'OrderCreated', 1),
      event(orderId, 'OrderCompleted', 'OrderCompleted', 3),
    );
    setTimeout(() => published.push(event(orderId, 'PaymentProcessed', 'PaymentProcessed', 2)), 300);
    const messages = await readSse(await api.app.request(`/orders/${orderId}/events`));
    expect(messages.map((m) => m.event)).toEqual(['OrderCreated', 'OrderCompleted', 'PaymentProcessed']);
    await expect.poll(() => history.closed).toBe(history.opened);
  });

  it('ends after the grace when an earlier sequence never comes (a step that announced nothing)', async () => {
    const graced = buildTestApi(testClient().client, { events: history }, { API_EVENT_STREAM_GRACE: '300ms' });
    const orderId = randomUUID();
    graced.readModel.add({ orderId, customerId: 'cus_sse', status: 'PENDING', createdAt: '', updatedAt: '' });
    published.push(
      event(orderId, 'OrderCreated', 'OrderCreated', 1),
      event(orderId, 'OrderCompleted', 'OrderCompleted', 3),
    );
    const started = Date.now();
    const messages = await readSse(await graced.app.request(`/orders/${orderId}/events`));
    expect(messages.map((m) => m.event)).toEqual(['OrderCreated', 'OrderCompleted']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('releases the subscription when the client goes away', async () => {
    const orderId = randomUUID();
    known(orderId);
    published.push(event(orderId, 'OrderCreated'));
    const before = history.closed;
    const messages = await readSse(await api.app.request(`/orders/${orderId}/events`), { stopAfter: 1 });
    expect(messages.map((m) => m.event)).toEqual(['OrderCreated']);
    await expect.poll(() => history.closed).toBe(before + 1);
  });
});
