// GET /orders/{id}/events refusals: unknown or malformed orders, and a history that breaks mid-stream.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventHistory } from '../../src/api/ports/event-history.js';
import { buildTestApi, expectErrorShape, testClient } from './support/api-fixture.js';
import { readSse } from './support/sse.js';

// In-memory read ports (route unit tests only).
describe('the event stream refuses', () => {
  const api = buildTestApi(testClient().client);

  it('an order nobody knows, with 404 instead of a stream that never ends', async () => {
    await expectErrorShape(await api.app.request(`/orders/${randomUUID()}/events`), 404, 'NOT_FOUND');
  });

  it('an ID that cannot be an order (it would widen the subject filter)', async () => {
    await expectErrorShape(await api.app.request('/orders/a.%3E/events'), 400, 'VALIDATION_FAILED');
    await expectErrorShape(await api.app.request('/orders/*/events'), 400, 'VALIDATION_FAILED');
  });
});

describe('a history that fails mid-stream', () => {
  it('ends the stream with an error event in the error shape, without the internal message', async () => {
    const broken: EventHistory = {
      recorded: () => Promise.reject(new Error('not read here')),
      // eslint-disable-next-line require-yield
      async *follow() {
        await Promise.resolve();
        throw new Error('consumer deleted: secret-internal-detail');
      },
    };
    const api = buildTestApi(testClient().client, { events: broken });
    const orderId = randomUUID();
    const now = new Date().toISOString();
    api.readModel.add({ orderId, status: 'PENDING', createdAt: now, updatedAt: now });

    const res = await api.app.request(`/orders/${orderId}/events`);
    expect(res.status).toBe(200);
    const messages = await readSse(res);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.event).toBe('error');
    expect(messages[0]?.data).not.toMatch(/secret/);
    expect(JSON.parse(messages[0]?.data ?? '')).toEqual({
      error: {
        code: 'UNAVAILABLE',
        message: 'The event stream was interrupted',
        requestId: res.headers.get('x-request-id'),
      },
    });
  });
});
