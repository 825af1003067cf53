// POST /orders, GET /orders/{id} and its event stream on the real saga: an order followed to COMPLETED, every failure visible, idempotent retries.
import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdForKey } from '../../src/api/orders/idempotency.js';
import { orderBody } from './support/api-fixture.js';
import { act, ended, getOrder, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import { readSse } from './support/sse.js';
import { outboxEvents } from '../support/outbox-events.js';
import { eachStore } from '../support/saga-harness.js';
import type { SagaApi } from './support/saga-api.js';

let api: SagaApi;

beforeAll(async () => {
  api = await startSagaApi('api-orders-happy');
});

afterAll(async () => {
  await api?.stop();
});

describe('placing an order', () => {
  it('answers 201 with the priced order and links, and the order runs to COMPLETED', async () => {
    const { res, body } = await place(
      api,
      orderBody({
        items: [
          { sku: 'SKU-TSHIRT', quantity: 2 },
          { sku: 'SKU-MUG', quantity: 1 },
        ],
      }),
    );

    expect(res.status).toBe(201);
    expect(body.status).toBe('PENDING');
    expect(body.total).toEqual({ amount: 2 * 1_999 + 1_250, currency: 'EUR' });
    expect(body.items).toEqual([
      {
        sku: 'SKU-TSHIRT',
        name: 'Organic cotton T-shirt',
        quantity: 2,
        unitPrice: { amount: 1_999, currency: 'EUR' },
        lineTotal: { amount: 3_998, currency: 'EUR' },
      },
      {
        sku: 'SKU-MUG',
        name: 'Ceramic coffee mug',
        quantity: 1,
        unitPrice: { amount: 1_250, currency: 'EUR' },
        lineTotal: { amount: 1_250, currency: 'EUR' },
      },
    ]);
    expect(body.links).toEqual({
      self: `/orders/${body.orderId}`,
      events: `/orders/${body.orderId}/events`,
      temporalUi: `http://temporal-ui.test:8233/namespaces/${api.namespace}/workflows/order-${body.orderId}`,
    });
    expect(res.headers.get('location')).toBe(`/orders/${body.orderId}`);
    expect(res.headers.get('idempotent-replayed')).toBeNull();

    const done = await waitForOrder(api, body.orderId, ended);
    expect(done.status).toBe('COMPLETED');
    expect(done.source).toBe('workflow');
    expect(done.steps?.map((s) => [s.name, s.outcome])).toEqual([
      ['priceOrder', 'succeeded'],
      ['chargePayment', 'succeeded'],
      ['reserveInventory', 'succeeded'],
      ['createShipment', 'succeeded'],
      ['commitReservation', 'succeeded'],
    ]);
    expect(await api.workers.stores.payments.findChargeByOrder(body.orderId)).toMatchObject({ status: 'captured' });
    expect(await api.workers.stores.shipping.findShipmentByOrder(body.orderId)).toMatchObject({ country: 'NL' });
  });

  it('gives every order without a key a fresh ID', async () => {
    const [a, b] = await Promise.all([place(api, orderBody()), place(api, orderBody())]);
    expect(a.res.status).toBe(201);
    expect(b.res.status).toBe(201);
    expect(a.body.orderId).not.toBe(b.body.orderId);
  });
});

describe('failures the saga handles are visible through GET /orders/{id}', () => {
  it.each([
    ['a declined card', { payment: { token: 'tok_declined' } }, 'PaymentDeclined', []],
    ['insufficient funds', { payment: { token: 'tok_insufficient_funds' } }, 'InsufficientFunds', []],
    ['an item out of stock', { items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }] }, 'OutOfStock', ['refundPayment']],
    [
      'a country the shipping service does not serve',
      {
        shippingAddress: { name: 'Kenji', line1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', country: 'JP' },
      },
      'AddressRejected',
      ['releaseInventory', 'refundPayment'],
    ],
  ])('%s ends FAILED with the reason and its compensations', async (_what, overrides, code, undone) => {
    const { res, body } = await place(api, orderBody(overrides));
    expect(res.status).toBe(201);

    const failed = await waitForOrder(api, body.orderId, ended);
    expect(failed.status).toBe('FAILED');
    expect(failed.failure?.code).toBe(code);
    expect(failed.compensations?.map((c) => [c.name, c.outcome])).toEqual(undone.map((name) => [name, 'succeeded']));
  });
});

describe('Idempotency-Key', () => {
  it('returns the same order for the same key and body, and starts nothing new', async () => {
    const key = randomUUID();
    const first = await place(api, orderBody(), key);
    const second = await place(api, orderBody(), key);

    expect(first.res.status).toBe(201);
    expect(second.res.status).toBe(201);
    expect(second.body.orderId).toBe(first.body.orderId);
    expect(first.body.orderId).toBe(orderIdForKey('cus_api', key));
    expect(second.res.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.total).toEqual(first.body.total);

    // Once the workflow has closed, the key still maps to it (REJECT_DUPLICATE), never to a new order.
    await waitForOrder(api, first.body.orderId, ended);
    const third = await place(api, orderBody(), key);
    expect(third.res.status).toBe(201);
    expect(third.body).toMatchObject({ orderId: first.body.orderId, status: 'COMPLETED' });
    expect(await runsOf(first.body.orderId)).toBe(1);
  });

  it('answers a replay from the workflow’s state, adding no update to its history', async () => {
    const key = randomUUID();
    // Above the approval threshold, so the workflow is still running (AWAITING_APPROVAL) for every replay.
    const body = orderBody({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });
    const first = await place(api, body, key);
    expect(first.res.status).toBe(201);
    expect(first.body.status).toBe('AWAITING_APPROVAL');
    const handle = api.client.workflow.getHandle(`order-${first.body.orderId}`);
    const updatesAccepted = async () =>
      (await handle.fetchHistory()).events?.filter(
        (e) => e.eventType === proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      ).length;
    expect(await updatesAccepted()).toBe(1);

    for (let replay = 0; replay < 3; replay += 1) {
      const again = await place(api, body, key);
      expect(again.res.status).toBe(201);
      expect(again.res.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toMatchObject({
        orderId: first.body.orderId,
        status: 'AWAITING_APPROVAL',
        total: first.body.total,
        items: first.body.items,
      });
    }
    expect(await updatesAccepted()).toBe(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await act(api, first.body.orderId, 'reject')).res.status).toBe(200);
  });

  it('places one order for concurrent requests with the same key', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => place(api, orderBody(), key)));

    expect(answers.map((a) => a.res.status)).toEqual(Array(6).fill(201));
    const ids = new Set(answers.map((a) => a.body.orderId));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids] as [string];
    await waitForOrder(api, orderId, ended);
    expect(await runsOf(orderId)).toBe(1);
    const charges = (await outboxEvents(eachStore(api.workers.stores), orderId)).ofName('PaymentProcessed');
    expect(new Set(charges.map((e) => e.id)).size).toBe(1);
  });

  it('scopes keys per customer', async () => {
    const key = randomUUID();
    const ada = await place(api, orderBody({ customerId: 'cus_ada' }), key);
    const bob = await place(api, orderBody({ customerId: 'cus_bob' }), key);
    expect(ada.res.status).toBe(201);
    expect(bob.res.status).toBe(201);
    expect(ada.body.orderId).not.toBe(bob.body.orderId);
  });
});

describe('the event stream of a real order', () => {
  it('follows an order placed through the API from OrderCreated to OrderCompleted, every event before it included', async () => {
    const { body } = await place(api, orderBody());
    const messages = await readSse(await api.app.request(body.links.events));
    // As the relays published them (each service's on its own); their sequence gives the saga's order.
    const bySequence = messages
      .map((m) => ({ name: m.event, sequence: (JSON.parse(m.data) as { ordersequence?: number }).ordersequence ?? 0 }))
      .sort((a, b) => a.sequence - b.sequence);
    expect(bySequence.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(bySequence.map((m) => m.name)).toEqual([
      'OrderCreated',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
  });
});

describe('reading an order', () => {
  it('falls back to the read model for an order Temporal no longer has', async () => {
    const orderId = randomUUID();
    api.readModel.add({
      orderId,
      customerId: 'cus_old',
      status: 'COMPLETED',
      total: { amount: 1_250, currency: 'EUR' },
      createdAt: '2024-01-01T10:00:00.000Z',
      updatedAt: '2024-01-01T10:00:05.000Z',
    });
    const { res, body } = await getOrder(api, orderId);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ orderId, status: 'COMPLETED', source: 'read-model', items: [] });
    expect(body.steps).toBeUndefined();
  });
});

/** How many workflow runs Temporal has for the order (visibility is eventually consistent: wait for one). */
async function runsOf(orderId: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let runs = 0;
    for await (const _ of api.client.workflow.list({ query: `WorkflowId = 'order-${orderId}'` })) runs += 1;
    if (runs > 0 || Date.now() > deadline) return runs;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
