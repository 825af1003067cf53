// POST /orders, GET /orders/{id}, GET /orders on the real saga: no write without a valid token, no read of another customer's order.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdForKey } from '../../src/api/orders/idempotency.js';
import { waitFor } from '../support/wait-for.js';
import { expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { ended, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { OrderAnswer, SagaApi } from './support/saga-api.js';
import { badCredentials, expectForbidden, expectRefused, quiet, sagaSnapshot } from './support/security.js';
import { asUser, testOperator } from './support/tokens.js';

let api: SagaApi;
const victim = { customer: 'cus_victim' } as const;
const mallory = { customer: 'cus_mallory' } as const;
/** What only the victim (and operators) may ever read: their name, street and card token. */
const secrets = /Victim Person|Secret Street 7|tok_victim/;
const victimBody = (overrides: Record<string, unknown> = {}) =>
  orderBody({
    customerId: victim.customer,
    shippingAddress: {
      name: 'Victim Person',
      line1: 'Secret Street 7',
      city: 'Amsterdam',
      postalCode: '1011AA',
      country: 'NL',
    },
    ...overrides,
  });

let waiting: string;
let declined: string;
let placedHere = 0;

/** POSTs as `who` (the body's customer unless told otherwise). */
const placeAs = async (who: Record<string, string>, body: unknown, key?: string) =>
  api.raw.request('/orders', jsonInit(body, { ...who, ...(key === undefined ? {} : { 'Idempotency-Key': key }) }));

beforeAll(async () => {
  api = await startSagaApi('api-orders-security');
  // One order the victim is still waiting on (above the approval threshold), one that failed with a provider's words.
  const laptop = await place(api, victimBody({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] }));
  expect(laptop.res.status).toBe(201);
  waiting = laptop.body.orderId;
  const card = await place(api, victimBody({ payment: { token: 'tok_declined' } }));
  declined = card.body.orderId;
  placedHere = 2;
  await waitForOrder(api, declined, ended);
  await waitForOrder(api, waiting, (o) => o.status === 'AWAITING_APPROVAL');
  // Visibility is eventually consistent: count from a settled namespace.
  await waitFor(async () => (await api.client.workflow.count('WorkflowType = "orderSaga"')).count === placedHere, {
    what: 'the namespace to list both orders',
  });
  await quiet(api, [waiting, declined]);
});

afterAll(async () => {
  await api?.stop();
});

describe('POST /orders without a valid token', () => {
  it('is 401 for every bad credential, and starts no workflow, charges, reserves or ships nothing', async () => {
    const before = await sagaSnapshot(api, [waiting, declined]);
    const derived: string[] = [];
    for (const bad of await badCredentials(victim.customer)) {
      const key = randomUUID();
      derived.push(orderIdForKey(victim.customer, key), orderIdForKey(`${victim.customer}-x`, key));
      await expectRefused(await placeAs(bad.headers, victimBody(), key), bad);
    }
    const after = await sagaSnapshot(api, [waiting, declined, ...derived]);
    expect(after.orders.slice(2).filter((o) => o.historyLength !== 'none' || o.charge || o.shipment)).toEqual([]);
    expect({ ...after, orders: after.orders.slice(0, 2) }).toEqual(before);
  });
});

describe('POST /orders with a valid token', () => {
  it('is 403 when the body names another customer, and starts nothing', async () => {
    const before = await sagaSnapshot(api, [waiting, declined]);
    const key = randomUUID();
    await expectForbidden(await placeAs(await asUser(mallory), victimBody(), key));
    const after = await sagaSnapshot(api, [waiting, declined, orderIdForKey(mallory.customer, key)]);
    expect(after.orders[2]).toMatchObject({ historyLength: 'none', charge: null, shipment: null });
    expect({ ...after, orders: after.orders.slice(0, 2) }).toEqual(before);
  });

  it('is 403 for a token without orders:place (an operator), and starts nothing', async () => {
    const before = await sagaSnapshot(api, [waiting, declined]);
    await expectForbidden(await placeAs(await asUser(testOperator), orderBody({ customerId: undefined })));
    expect(await sagaSnapshot(api, [waiting, declined])).toEqual(before);
  });

  it('places the order as the token’s subject when the body names no customer', async () => {
    const { customerId: _customerId, ...body } = orderBody();
    const res = await placeAs(await asUser(mallory), body);
    expect(res.status).toBe(201);
    placedHere += 1;
    const { orderId } = (await res.json()) as OrderAnswer;
    const mine = await api.as(mallory).request(`/orders/${orderId}`);
    expect(await mine.json()).toMatchObject({ orderId, customerId: mallory.customer });
  });

  it('scopes Idempotency-Keys per principal: the same key for two customers is two orders', async () => {
    const key = randomUUID();
    const a = await placeAs(await asUser(mallory), orderBody({ customerId: mallory.customer }), key);
    const b = await placeAs(await asUser(victim), victimBody(), key);
    placedHere += 2;
    const [ma, vb] = [(await a.json()) as OrderAnswer, (await b.json()) as OrderAnswer];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(ma.orderId).toBe(orderIdForKey(mallory.customer, key));
    expect(vb.orderId).toBe(orderIdForKey(victim.customer, key));
  });
});

describe('GET /orders/{id}', () => {
  it('is 401 for every bad credential, and shows nothing of the order', async () => {
    for (const bad of await badCredentials(victim.customer)) {
      const res = await api.raw.request(`/orders/${waiting}`, { headers: bad.headers });
      expect(await res.clone().text()).not.toMatch(secrets);
      await expectRefused(res, bad);
    }
  });

  it('answers another customer exactly as for an order that does not exist', async () => {
    const theirs = await api.as(mallory).request(`/orders/${waiting}`);
    const text = await theirs.clone().text();
    const error = await expectErrorShape(theirs, 404, 'NOT_FOUND');
    expect(text).not.toMatch(secrets);
    expect(error.message).toBe(`Order ${waiting} does not exist`);
    const unknown = randomUUID();
    const none = await expectErrorShape(await api.as(mallory).request(`/orders/${unknown}`), 404, 'NOT_FOUND');
    expect(none.message).toBe(`Order ${unknown} does not exist`);
  });

  it('shows customers their own order, and operators any', async () => {
    for (const who of [victim, testOperator]) {
      const res = await api.as(who).request(`/orders/${waiting}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        orderId: waiting,
        customerId: victim.customer,
        status: 'AWAITING_APPROVAL',
      });
    }
  });

  it('tells the customer why in customer words, and the operator the provider’s', async () => {
    const mine = (await (await api.as(victim).request(`/orders/${declined}`)).json()) as OrderAnswer;
    expect(mine.failure).toEqual({ code: 'PaymentDeclined', message: 'The payment was declined.' });
    const charge = mine.steps?.find((s) => s.name === 'chargePayment') as { failure?: { message: string } };
    expect(charge.failure?.message).toBe('The payment was declined.');
    expect(JSON.stringify(mine)).not.toMatch(/issuer/);
    const operator = (await (await api.as(testOperator).request(`/orders/${declined}`)).json()) as OrderAnswer;
    expect(operator.failure).toEqual({ code: 'PaymentDeclined', message: 'card declined by issuer' });
  });
});

describe('GET /orders', () => {
  it('is 401 for every bad credential', async () => {
    for (const bad of await badCredentials(victim.customer)) {
      await expectRefused(await api.raw.request('/orders', { headers: bad.headers }), bad);
    }
  });

  it('lists a customer’s own orders only, and refuses to list another’s', async () => {
    // The read model here is the in-memory stand-in; it holds one order of each customer.
    const at = new Date().toISOString();
    api.readModel.add(
      { orderId: waiting, customerId: victim.customer, status: 'AWAITING_APPROVAL', createdAt: at, updatedAt: at },
      { orderId: randomUUID(), customerId: mallory.customer, status: 'COMPLETED', createdAt: at, updatedAt: at },
      {
        orderId: randomUUID(),
        customerId: victim.customer,
        status: 'FAILED',
        failure: { code: 'PaymentDeclined', message: 'issuer 05: do not honour' },
        createdAt: at,
        updatedAt: at,
      },
    );
    const { orders } = (await (await api.as(victim).request('/orders?limit=100')).json()) as { orders: OrderAnswer[] };
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => (o as OrderAnswer & { customerId?: string }).customerId === victim.customer)).toBe(true);
    expect(orders.map((o) => o.failure).filter(Boolean)).toEqual([
      { code: 'PaymentDeclined', message: 'The payment was declined.' },
    ]);
    const theirs = await api.as(mallory).request(`/orders?customerId=${victim.customer}`);
    expect(await theirs.clone().text()).not.toMatch(secrets);
    await expectForbidden(theirs);
    const own = (await (await api.as(mallory).request('/orders')).json()) as { orders: OrderAnswer[] };
    expect(own.orders.map((o) => o.orderId)).not.toContain(waiting);
  });
});
