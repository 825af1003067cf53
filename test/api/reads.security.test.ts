// Notifications, analytics and the open routes: who may read what, and that only the open routes answer without a token.
import { describe, expect, it } from 'vitest';
import { buildTestApi, expectErrorShape, testClient } from './support/api-fixture.js';
import { badCredentials, expectForbidden, expectRefused } from './support/security.js';
import { asUser, testOperator } from './support/tokens.js';

// In-memory read ports (route unit tests only).
const api = buildTestApi(testClient().client);
const victim = { customer: 'cus_victim' } as const;
const mallory = { customer: 'cus_mallory' } as const;
api.notifications.notifications.push({
  id: 'n1',
  customerId: victim.customer,
  orderId: 'o1',
  event: 'OrderShipped',
  message: 'Order o1 shipped to Victim Person, Secret Street 7',
  createdAt: '2025-01-01T10:00:00Z',
});
api.analytics.current = {
  ordersByStatus: { COMPLETED: 1 },
  revenue: [{ amount: 1_999, currency: 'EUR' }],
  failuresByReason: {},
  eventsProcessed: 5,
};
const get = async (path: string, headers: Record<string, string> = {}) => api.raw.request(path, { headers });

describe('GET /customers/{customerId}/notifications', () => {
  const path = `/customers/${victim.customer}/notifications`;

  it('is 401 for every bad credential, and shows nothing', async () => {
    for (const bad of await badCredentials(victim.customer)) {
      const res = await get(path, bad.headers);
      expect(await res.clone().text()).not.toMatch(/Victim|Secret/);
      await expectRefused(res, bad);
    }
  });

  it('is 403 for another customer, and shows nothing', async () => {
    const res = await get(path, await asUser(mallory));
    expect(await res.clone().text()).not.toMatch(/Victim|Secret/);
    await expectForbidden(res);
  });

  it('shows the customer their own, and operators anyone’s', async () => {
    for (const who of [victim, testOperator]) {
      const res = await get(path, await asUser(who));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { notifications: { id: string }[] }).notifications.map((n) => n.id)).toEqual([
        'n1',
      ]);
    }
  });
});

describe('GET /analytics/summary', () => {
  it('is 401 for every bad credential and 403 for a customer: operators only', async () => {
    for (const bad of await badCredentials('op_forged'))
      await expectRefused(await get('/analytics/summary', bad.headers), bad);
    const customer = await get('/analytics/summary', await asUser(victim));
    expect(customer.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    await expectForbidden(customer);
    expect((await get('/analytics/summary', await asUser(testOperator))).status).toBe(200);
  });
});

describe('the open routes', () => {
  it.each(['/healthz', '/readyz', '/openapi.json', '/asyncapi.json', '/docs', '/products'])(
    '%s answers without a token',
    async (path) => {
      const res = await get(path);
      expect(res.status).not.toBe(401);
      expect(res.status).toBeLessThan(500);
    },
  );

  it.each([
    ['GET', '/nope'],
    ['GET', '/products/SKU-MUG'],
    ['POST', '/products'],
    ['POST', '/healthz'],
    ['POST', '/asyncapi.json'],
    ['DELETE', '/orders/abc'],
  ])('%s %s, open to no one, is 401 without a token (not even a 404 to map the API by)', async (method, path) => {
    const res = await api.raw.request(path, { method });
    await expectErrorShape(res, 401, 'UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="order-saga"');
  });
});
