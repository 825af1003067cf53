// POST /orders and GET /orders/{id} refusals on the real saga: pricing 422s, reused keys, unknown orders, slow or absent Temporal.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/servers/ports.js';
import { buildTestApi, expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { ended, getOrder, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { SagaApi } from './support/saga-api.js';

let api: SagaApi;

beforeAll(async () => {
  api = await startSagaApi('api-orders-error');
});

afterAll(async () => {
  await api?.stop();
});

describe('orders the catalogue refuses are 422s, and the failed order stays visible', () => {
  it('refuses an unknown SKU with UNKNOWN_SKU', async () => {
    const res = await api.app.request('/orders', jsonInit(orderBody({ items: [{ sku: 'SKU-NOPE', quantity: 1 }] })));
    const error = await expectErrorShape(res, 422, 'UNKNOWN_SKU');
    expect(error.message).toMatch(/SKU-NOPE/);
    const { orderId } = error.details as { orderId: string };
    const failed = await waitForOrder(api, orderId, ended);
    expect(failed).toMatchObject({ status: 'FAILED', failure: { code: 'UnknownSku' } });
  });

  it('refuses a quantity above what the catalogue sells with INVALID_QUANTITY', async () => {
    const res = await api.app.request('/orders', jsonInit(orderBody({ items: [{ sku: 'SKU-MUG', quantity: 101 }] })));
    const error = await expectErrorShape(res, 422, 'INVALID_QUANTITY');
    expect(error.message).toMatch(/1 to 100/);
  });

  it('counts lines of the same SKU together', async () => {
    const items = [
      { sku: 'SKU-MUG', quantity: 60 },
      { sku: 'SKU-MUG', quantity: 60 },
    ];
    await expectErrorShape(await api.app.request('/orders', jsonInit(orderBody({ items }))), 422, 'INVALID_QUANTITY');
  });

  it('answers a repeat of a refused keyed order with the same 422', async () => {
    const key = randomUUID();
    const body = orderBody({ items: [{ sku: 'SKU-GONE', quantity: 1 }] });
    const init = () => jsonInit(body, { 'Idempotency-Key': key });
    const first = await expectErrorShape(await api.app.request('/orders', init()), 422, 'UNKNOWN_SKU');
    const again = await expectErrorShape(await api.app.request('/orders', init()), 422, 'UNKNOWN_SKU');
    expect(again.details).toEqual(first.details);
  });
});

describe('Idempotency-Key reuse', () => {
  it('refuses the same key with a different body, while running and after the order ended', async () => {
    const key = randomUUID();
    const original = await place(api, orderBody(), key);
    expect(original.res.status).toBe(201);

    const changed = orderBody({ items: [{ sku: 'SKU-TSHIRT', quantity: 3 }] });
    const error = await expectErrorShape(
      await api.app.request('/orders', jsonInit(changed, { 'Idempotency-Key': key })),
      422,
    );
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    await waitForOrder(api, original.body.orderId, ended);
    const later = await api.app.request('/orders', jsonInit(changed, { 'Idempotency-Key': key }));
    await expectErrorShape(later, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('lets exactly one body win when the same key races with two bodies', async () => {
    const key = randomUUID();
    const bodies = [orderBody(), orderBody({ payment: { token: 'tok_declined' } })];
    const answers = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        api.app.request('/orders', jsonInit(bodies[i % 2], { 'Idempotency-Key': key })),
      ),
    );
    const byStatus = await Promise.all(
      answers.map(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> })),
    );
    const accepted = byStatus.filter((a) => a.status === 201);
    const refused = byStatus.filter((a) => a.status === 422);
    expect(accepted.length + refused.length).toBe(6);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(new Set(accepted.map((a) => a.body.orderId)).size).toBe(1);
    for (const r of refused) expect(r.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('refuses a key that is not printable ASCII', async () => {
    const res = await api.app.request('/orders', jsonInit(orderBody(), { 'Idempotency-Key': 'a'.repeat(256) }));
    const error = await expectErrorShape(res, 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual([expect.objectContaining({ path: 'header.Idempotency-Key' })]);
  });
});

describe('reading orders that do not exist', () => {
  it('answers 404 for an order neither Temporal nor the read model knows', async () => {
    const res = await api.app.request(`/orders/${randomUUID()}`);
    const error = await expectErrorShape(res, 404, 'NOT_FOUND');
    expect(error.message).toMatch(/does not exist/);
  });

  it('answers 400 for an ID that could never be an order', async () => {
    const res = await api.app.request('/orders/orders.*.>');
    await expectErrorShape(res, 400, 'VALIDATION_FAILED');
  });
});

describe('when the workflow cannot answer in time', () => {
  it('answers 202 with the order ID when pricing is not confirmed in time, then 503 while it cannot be read', async () => {
    // A task queue no worker polls: the workflow starts but never runs.
    const stalled = buildTestApi(
      api.client,
      { taskQueue: `nobody-${randomUUID()}` },
      {
        API_UPDATE_TIMEOUT_MS: '500',
        API_QUERY_TIMEOUT_MS: '500',
      },
    );
    const res = await stalled.app.request('/orders', jsonInit(orderBody()));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { orderId: string; status: string; links: { self: string } };
    expect(body).toMatchObject({ status: 'PENDING', items: [] });
    expect(res.headers.get('location')).toBe(body.links.self);

    const read = await stalled.app.request(body.links.self);
    await expectErrorShape(read, 503, 'UNAVAILABLE');
    await api.client.workflow.getHandle(`order-${body.orderId}`).terminate('test cleanup');
    const gone = await getOrder(api, body.orderId);
    expect(gone.res.status).toBe(503); // terminated: still known to Temporal, but no worker can replay it
  });

  it('answers 503 UNAVAILABLE when Temporal is unreachable', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const down = buildTestApi(
      new Client({ connection, namespace: 'default' }),
      {},
      {
        API_UPDATE_TIMEOUT_MS: '500',
        API_QUERY_TIMEOUT_MS: '500',
      },
    );
    try {
      await expectErrorShape(await down.app.request('/orders', jsonInit(orderBody())), 503, 'UNAVAILABLE');
      await expectErrorShape(await down.app.request(`/orders/${randomUUID()}`), 503, 'UNAVAILABLE');
      await expectErrorShape(
        await down.app.request(`/orders/${randomUUID()}/cancel`, jsonInit({})),
        503,
        'UNAVAILABLE',
      );
    } finally {
      await connection.close();
    }
  });
});
