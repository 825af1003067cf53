// Actions the order's state does not allow are 409s with the workflow validator's reason; unknown orders are 404s.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdForKey } from '../../src/api/orders/idempotency.js';
import { expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { ended, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { SagaApi } from './support/saga-api.js';

let api: SagaApi;

beforeAll(async () => {
  api = await startSagaApi('api-actions-error');
});

afterAll(async () => {
  await api?.stop();
});

/** An action as clients send it: JSON, `{}` when there is nothing to say. */
const post = (path: string, init: RequestInit = jsonInit({})) => api.app.request(path, { method: 'POST', ...init });

describe('409 INVALID_STATE with the reason', () => {
  it('refuses to approve or reject an order that needs no approval', async () => {
    const { body } = await place(api, orderBody());
    for (const action of ['approve', 'reject']) {
      const error = await expectErrorShape(await post(`/orders/${body.orderId}/${action}`), 409, 'INVALID_STATE');
      expect(error.message).toMatch(/is not awaiting approval/);
    }
  });

  it('refuses to cancel an order that has shipped', async () => {
    const key = randomUUID();
    const orderId = orderIdForKey('cus_api', key);
    const gate = api.workers.gates.hold('commitReservation', orderId);
    await place(api, orderBody(), key);
    await gate.reached;
    await waitForOrder(api, orderId, (o) => o.status === 'SHIPPED');
    try {
      const error = await expectErrorShape(await post(`/orders/${orderId}/cancel`), 409, 'INVALID_STATE');
      expect(error.message).toMatch(/already shipped/);
    } finally {
      gate.release();
    }
  });

  it('refuses any action on an order whose workflow has closed', async () => {
    const { body } = await place(api, orderBody());
    await waitForOrder(api, body.orderId, ended);
    await api.client.workflow.getHandle(`order-${body.orderId}`).result();
    for (const action of ['cancel', 'approve', 'reject', 'retry-compensations']) {
      const error = await expectErrorShape(await post(`/orders/${body.orderId}/${action}`), 409, 'INVALID_STATE');
      expect(error.message).toMatch(/has already ended \(COMPLETED\)/);
    }
  });

  it('refuses a second decision on an order', async () => {
    const { body } = await place(api, orderBody({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] }));
    await waitForOrder(api, body.orderId, (o) => o.status === 'AWAITING_APPROVAL');
    expect((await post(`/orders/${body.orderId}/reject`)).status).toBe(200);
    await expectErrorShape(await post(`/orders/${body.orderId}/approve`), 409, 'INVALID_STATE');
  });

  it('refuses to retry compensations when none failed', async () => {
    const { body } = await place(api, orderBody({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] }));
    const error = await expectErrorShape(
      await post(`/orders/${body.orderId}/retry-compensations`),
      409,
      'INVALID_STATE',
    );
    expect(error.message).toMatch(/no failed compensation to retry/);
    await post(`/orders/${body.orderId}/cancel`);
  });
});

describe('404 and 400', () => {
  it.each(['cancel', 'approve', 'reject', 'retry-compensations'])(
    'answers 404 to %s for an unknown order',
    async (action) => {
      const error = await expectErrorShape(await post(`/orders/${randomUUID()}/${action}`), 404, 'NOT_FOUND');
      expect(error.message).toMatch(/does not exist/);
    },
  );

  it('validates the reason body', async () => {
    const orderId = randomUUID();
    const json = (body: string) => ({ headers: { 'content-type': 'application/json' }, body });
    const notString = await expectErrorShape(await post(`/orders/${orderId}/cancel`, json('{"reason":42}')), 400);
    expect(notString.details).toEqual([expect.objectContaining({ path: 'body.reason' })]);
    await expectErrorShape(await post(`/orders/${orderId}/cancel`, json('{"why":"x"}')), 400, 'VALIDATION_FAILED');
    await expectErrorShape(await post(`/orders/${orderId}/reject`, json('{"reason":')), 400, 'MALFORMED_JSON');
    const text = { headers: { 'content-type': 'text/plain' }, body: 'because' };
    await expectErrorShape(await post(`/orders/${orderId}/cancel`, text), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
