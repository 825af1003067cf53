// GET /orders/{id}/events: no stream without a valid token, none of another customer's, no internals for customers, capped streams.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { buildTestApi, expectErrorShape, testClient } from './support/api-fixture.js';
import { MemoryEventHistory } from './support/memory-ports.js';
import { badCredentials, expectRefused } from './support/security.js';
import { readSse } from './support/sse.js';
import { asUser, testOperator } from './support/tokens.js';

// The EventHistory port is an in-memory stand-in (route unit tests only); the read model knows whose order it is.
const victim = { customer: 'cus_victim' } as const;
const mallory = { customer: 'cus_mallory' } as const;
const published: EventEnvelope[] = [];
const history = new MemoryEventHistory(() => published);
const api = buildTestApi(
  testClient().client,
  { events: history },
  { API_STREAMS_PER_PRINCIPAL: '2', API_STREAMS_TOTAL: '3' },
);

function orderOf(customerId: string): string {
  const orderId = randomUUID();
  const now = new Date().toISOString();
  api.readModel.add({ orderId, customerId, status: 'PENDING', createdAt: now, updatedAt: now });
  return orderId;
}

const common = (orderId: string, step: string) => ({ workflowId: `order-${orderId}`, step, time: new Date() });

/** A declined card (the provider's words) and an operator's rejection note: what a customer must not read. */
function internalEvents(orderId: string, customerId: string): EventEnvelope[] {
  const amount = { amount: 189_900, currency: 'EUR' };
  return [
    buildEnvelope({
      ...common(orderId, 'chargePayment'),
      name: 'PaymentFailed',
      data: {
        orderId,
        customerId,
        paymentId: 'pay_1',
        amount,
        reason: { code: 'PaymentDeclined', message: 'issuer 05: do not honour (acquirer ref 99812)' },
      },
    }),
    buildEnvelope({
      ...common(orderId, 'OrderCancelled'),
      name: 'OrderCancelled',
      data: {
        orderId,
        customerId,
        status: 'CANCELLED',
        reason: { code: 'APPROVAL_REJECTED', message: 'Fraud check: BIN flagged by the risk team' },
        actor: { kind: 'operator', id: 'alice' },
      },
    }),
  ];
}

const terminal = (orderId: string, customerId: string) =>
  buildEnvelope({
    ...common(orderId, 'OrderCompleted'),
    name: 'OrderCompleted',
    data: { orderId, customerId, status: 'COMPLETED' },
  });

const stream = async (orderId: string, headers: Record<string, string>) =>
  api.raw.request(`/orders/${orderId}/events`, { headers });

describe('who may follow an order', () => {
  it('is 401 for every bad credential, and opens no subscription', async () => {
    const orderId = orderOf(victim.customer);
    const opened = history.opened;
    for (const bad of await badCredentials(victim.customer))
      await expectRefused(await stream(orderId, bad.headers), bad);
    expect(history.opened).toBe(opened);
  });

  it('answers another customer as for an unknown order (404), and opens no subscription', async () => {
    const orderId = orderOf(victim.customer);
    const opened = history.opened;
    const error = await expectErrorShape(await stream(orderId, await asUser(mallory)), 404, 'NOT_FOUND');
    expect(error.message).toBe(`Order ${orderId} does not exist`);
    expect(history.opened).toBe(opened);
  });

  it('streams a customer’s own order in customer words and without who acted; operators get it as published', async () => {
    const orderId = orderOf(victim.customer);
    published.push(...internalEvents(orderId, victim.customer));
    const mine = await readSse(await stream(orderId, await asUser(victim)));
    expect(mine.map((m) => m.event)).toEqual(['PaymentFailed', 'OrderCancelled']);
    const text = mine.map((m) => m.data).join('\n');
    expect(text).not.toMatch(/issuer 05|acquirer|Fraud|risk team|alice|"actor"/);
    const [failed, cancelled] = mine.map((m) => JSON.parse(m.data) as { id: string; data: Record<string, unknown> });
    expect(failed?.data.reason).toEqual({ code: 'PaymentDeclined', message: 'The payment was declined.' });
    expect(cancelled?.data.reason).toEqual({ code: 'APPROVAL_REJECTED', message: 'The order was not approved.' });

    const operator = await readSse(await stream(orderId, await asUser(testOperator)));
    expect(operator.map((m) => JSON.parse(m.data) as EventEnvelope)).toEqual(
      published.filter((e) => e.subject === orderId),
    );
  });
});

describe('stream caps', () => {
  it('holds each principal to its streams and the API to its total, and gives a slot back when the order ends', async () => {
    const a = orderOf(victim.customer);
    const b = orderOf(victim.customer);
    const c = orderOf(mallory.customer);
    const victimHeaders = await asUser(victim);
    // Two open streams of the victim: their orders have not ended, so the streams stay open.
    const first = await stream(a, victimHeaders);
    const second = await stream(b, victimHeaders);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await stream(a, victimHeaders);
    expect(third.headers.get('retry-after')).toBeTruthy();
    await expectErrorShape(third, 429, 'TOO_MANY_STREAMS');

    // Another principal is not held to the victim's count, only to the total: two open plus one is three.
    const operator = await stream(c, await asUser(testOperator));
    expect(operator.status).toBe(200);
    const full = await stream(c, await asUser(mallory));
    expect(full.headers.get('retry-after')).toBeTruthy();
    await expectErrorShape(full, 503, 'STREAMS_BUSY');

    // The victim's first order ends: its stream closes and its slot is free again.
    published.push(terminal(a, victim.customer));
    expect((await readSse(first)).map((m) => m.event)).toEqual(['OrderCompleted']);
    await expect.poll(async () => (await stream(c, await asUser(mallory))).status).toBe(200);

    published.push(terminal(b, victim.customer), terminal(c, mallory.customer));
    await Promise.all([readSse(second), readSse(operator)]);
    await expect.poll(() => history.closed).toBe(history.opened);
  });
});
