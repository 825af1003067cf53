// The console's guards on the route code (in-memory read ports): signed out a page to sign in, operators only, the cookie read here and nowhere else, same-origin forms only, errors in words.
import { describe, expect, it } from 'vitest';
import { buildTestApi, testClient } from './support/api-fixture.js';
import { testCustomer, testOperator, tokenFor } from './support/tokens.js';

// In-memory read ports (route unit tests only); the Temporal client is lazy and no test here reaches a workflow.
const api = buildTestApi(testClient().client);
const now = new Date().toISOString();
api.readModel.add({
  orderId: 'ord-console-1',
  customerId: 'cus_console',
  status: 'COMPLETED',
  createdAt: now,
  updatedAt: now,
});

const cookie = async (who: typeof testOperator | typeof testCustomer) => `order_saga_operator=${await tokenFor(who)}`;
const get = async (path: string, headers: Record<string, string> = {}) => api.raw.request(path, { headers });

describe('the console, signed out', () => {
  it('answers 401 with a page that links to the sign-in, not JSON and not blank', async () => {
    for (const path of ['/console', '/console/orders', '/console/queues', '/console/orders/ord-console-1']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.text();
      expect(text).toContain('Sign in to use the console');
      expect(text).toContain('href="/signin"');
    }
  });
});

describe('who may use the console', () => {
  it('is refused to a customer, with the cookie or the header (403 page)', async () => {
    const credentials: Record<string, string>[] = [
      { cookie: await cookie(testCustomer) },
      { authorization: `Bearer ${await tokenFor(testCustomer)}` },
    ];
    for (const headers of credentials) {
      const res = await get('/console/orders', headers);
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(text).toContain('Operators only');
      expect(text).not.toContain('ord-console-1');
    }
  });

  it('shows an operator signed in with the cookie every order', async () => {
    const res = await get('/console/orders', { cookie: await cookie(testOperator) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ord-console-1');
  });

  it('the cookie still authorises no API route', async () => {
    const res = await get('/orders', { cookie: await cookie(testOperator) });
    expect(res.status).toBe(401);
  });
});

describe('the console’s forms and errors', () => {
  it('refuses an action posted from another origin, before anything else', async () => {
    const res = await api.raw.request('/console/orders/ord-console-1/approve', {
      method: 'POST',
      headers: {
        cookie: await cookie(testOperator),
        origin: 'http://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('may not send this here');
  });

  it('names the field a filter got wrong, and the unknown action, in a page', async () => {
    const headers = { cookie: await cookie(testOperator) };
    const bad = await get('/console/orders?status=NOPE', headers);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('query.status');
    const unknown = await get('/console/orders/ord-console-1/explode', headers);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('escapes what it shows', async () => {
    const res = await get('/console/orders?customerId=%3Cscript%3E', { cookie: await cookie(testOperator) });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('<script>');
  });
});
