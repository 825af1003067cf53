// Cancel, approve, reject and retry-compensations through the API on the real saga: each answers with the state it led to.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdForKey } from '../../src/api/orders/idempotency.js';
import { orderBody } from './support/api-fixture.js';
import { act, ended, place, startSagaApi, updateAccepted, waitForOrder } from './support/saga-api.js';
import type { SagaApi } from './support/saga-api.js';

let api: SagaApi;

beforeAll(async () => {
  api = await startSagaApi('api-actions-happy');
});

afterAll(async () => {
  await api?.stop();
});

/** One laptop (189 900) is above the 100 000 approval threshold. */
const laptop = () => orderBody({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });

/**
 * `confirmPlacement` answers as soon as pricing has finished, a moment before the workflow moves the
 * order to AWAITING_APPROVAL, so a decision sent straight after the 201 could find it still PENDING.
 */
async function placeAwaitingApproval() {
  const { res, body } = await place(api, laptop());
  expect(res.status).toBe(201);
  expect(body.total).toEqual({ amount: 189_900, currency: 'EUR' });
  await waitForOrder(api, body.orderId, (o) => o.status === 'AWAITING_APPROVAL');
  return body;
}

describe('approval', () => {
  it('holds an order above the threshold until approved, then completes it', async () => {
    const body = await placeAwaitingApproval();
    const approved = await act(api, body.orderId, 'approve');
    expect(approved.res.status).toBe(200);
    expect(['PAYMENT_CAPTURED', 'INVENTORY_RESERVED', 'SHIPPED', 'COMPLETED']).toContain(approved.body.status);
    expect(approved.body.links.self).toBe(`/orders/${body.orderId}`);
    expect((await waitForOrder(api, body.orderId, ended)).status).toBe('COMPLETED');
  });

  it('shows how long the order may wait: its start plus the approval window, on the 201 and the order', async () => {
    const placedAt = Date.now();
    const body = await placeAwaitingApproval();
    const deadline = Date.parse(body.approvalDeadline ?? '');
    // The order workflows' approval window in the suite's settings (test/support/order-workflows.ts).
    expect(deadline - placedAt).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(deadline - placedAt).toBeLessThanOrEqual(24 * 3_600_000 + 1_000);
    const order = await waitForOrder(api, body.orderId, (o) => o.status === 'AWAITING_APPROVAL');
    expect(order.approvalDeadline).toBe(body.approvalDeadline);
  });

  it('cancels a rejected order with the operator’s reason', async () => {
    const body = await placeAwaitingApproval();
    const rejected = await act(api, body.orderId, 'reject', { reason: 'Looks like fraud' });
    expect(rejected.res.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'CANCELLED',
      failure: { code: 'APPROVAL_REJECTED', message: 'Looks like fraud' },
    });
    expect(await api.workers.stores.payments.findChargeByOrder(body.orderId)).toBeUndefined();
  });

  it('rejects without a body too', async () => {
    const body = await placeAwaitingApproval();
    const rejected = await act(api, body.orderId, 'reject');
    expect(rejected.res.status).toBe(200);
    expect(rejected.body.failure?.code).toBe('APPROVAL_REJECTED');
  });
});

describe('cancel', () => {
  it('cancels an order waiting for approval at once', async () => {
    const body = await placeAwaitingApproval();
    const cancelled = await act(api, body.orderId, 'cancel', { reason: 'Changed my mind' });
    expect(cancelled.res.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'CANCELLED',
      failure: { code: 'CANCELLED', message: 'Changed my mind' },
    });
    expect(cancelled.body.compensations).toEqual([]);
  });

  it('undoes the payment and the reservation of an order cancelled mid-saga, and answers when done', async () => {
    const key = randomUUID();
    const orderId = orderIdForKey('cus_api', key);
    const gate = api.workers.gates.hold('createShipment', orderId);
    const placed = await place(api, orderBody({ items: [{ sku: 'SKU-HOODIE', quantity: 1 }] }), key);
    expect(placed.body.orderId).toBe(orderId);
    await gate.reached;

    const cancelling = act(api, orderId, 'cancel');
    await updateAccepted(api.client, orderId, 'cancel');
    gate.release();
    const cancelled = await cancelling;

    expect(cancelled.res.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(cancelled.body.compensations?.map((c) => [c.name, c.outcome])).toEqual([
      ['cancelShipment', 'succeeded'],
      ['releaseInventory', 'succeeded'],
      ['refundPayment', 'succeeded'],
    ]);
    expect(await api.workers.stores.payments.findChargeByOrder(orderId)).toMatchObject({ status: 'refunded' });
  });
});

describe('retry-compensations', () => {
  it('resumes a failed refund once an operator has fixed its cause', async () => {
    const { body } = await place(
      api,
      orderBody({ items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }], payment: { token: 'tok_refund_blocked' } }),
    );
    const parked = await waitForOrder(api, body.orderId, (o) => o.status === 'COMPENSATION_FAILED');
    expect(parked.failure?.code).toBe('OutOfStock');

    expect(await api.workers.stores.payments.unblockRefund(body.orderId)).toBe(true);
    const retried = await act(api, body.orderId, 'retry-compensations');
    expect(retried.res.status).toBe(200);
    expect(retried.body.status).toBe('FAILED');
    expect(retried.body.compensations?.map((c) => [c.name, c.outcome])).toEqual([
      ['refundPayment', 'failed'],
      ['refundPayment', 'succeeded'],
    ]);
  });
});
