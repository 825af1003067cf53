// What every route shares: 400 with the offending fields, 404 for unknown routes, 413, 415, and X-Request-Id on every answer.
import { describe, expect, it } from 'vitest';
import { buildTestApi, expectErrorShape, jsonInit, orderBody, testClient } from './support/api-fixture.js';

// Nothing here reaches Temporal or a read port: every request is refused before a handler runs.
const { app } = buildTestApi(testClient().client, {}, { API_BODY_LIMIT: '2048' });

describe('400 VALIDATION_FAILED lists the offending fields', () => {
  it('names each bad field with its path', async () => {
    const body = orderBody({
      customerId: '',
      items: [{ sku: 'SKU-MUG', quantity: 0 }, { sku: 'SKU-MUG' }],
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'nl' },
    });
    const error = await expectErrorShape(await app.request('/orders', jsonInit(body)), 400, 'VALIDATION_FAILED');
    expect((error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'body.customerId',
      'body.items.0.quantity',
      'body.items.1.quantity',
      'body.shippingAddress.country',
    ]);
  });

  it('refuses unknown fields instead of dropping them', async () => {
    const error = await expectErrorShape(await app.request('/orders', jsonInit(orderBody({ coupon: 'FREE' }))), 400);
    expect(error.details).toEqual([expect.objectContaining({ path: 'body' })]);
    expect(JSON.stringify(error.details)).toMatch(/coupon/);
  });

  it('refuses an empty JSON body', async () => {
    await expectErrorShape(
      await app.request('/orders', { method: 'POST', headers: { 'content-type': 'application/json' } }),
      400,
    );
    await expectErrorShape(await app.request('/orders', { method: 'POST' }), 400, 'VALIDATION_FAILED');
  });
});

describe('malformed and unsupported bodies', () => {
  it('answers 400 MALFORMED_JSON for JSON that does not parse', async () => {
    for (const text of ['{', '{"customerId":}', "{'a':1}", 'undefined', '\u0000']) {
      await expectErrorShape(await app.request('/orders', jsonInit(text)), 400, 'MALFORMED_JSON');
    }
  });

  it('answers 415 for bodies that are not JSON', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await app.request('/orders', {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'customerId=x',
      });
      await expectErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    await expectErrorShape(await app.request('/orders', { method: 'POST', body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const big = jsonInit(orderBody({ customerId: 'x'.repeat(4_000) }));
    const error = await expectErrorShape(await app.request('/orders', big), 413, 'PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/2048 bytes/);
    const declared = { ...big, headers: { 'content-type': 'application/json', 'content-length': '999999' } };
    await expectErrorShape(await app.request('/orders', declared), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/orders/x/y/z'],
    ['PATCH', '/orders/abc/nope'],
  ])('%s %s is 404 ROUTE_NOT_FOUND', async (method, path) => {
    await expectErrorShape(await app.request(path, { method }), 404, 'ROUTE_NOT_FOUND');
  });

  it.each([
    ['DELETE', '/orders/abc', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['GET', '/orders/abc/cancel', 'POST'],
    ['PATCH', '/orders', 'GET, HEAD, POST'],
    ['PUT', '/openapi.json', 'GET, HEAD'],
  ])('%s %s is 405 METHOD_NOT_ALLOWED with Allow: %s', async (method, path, allow) => {
    const res = await app.request(path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    const error = await expectErrorShape(res, 405, 'METHOD_NOT_ALLOWED');
    expect(error.details).toEqual({ allowed: allow.split(', ') });
  });
});

describe('X-Request-Id', () => {
  it('is on every answer, success or error', async () => {
    for (const res of [
      await app.request('/healthz'),
      await app.request('/nope'),
      await app.request('/orders', jsonInit('{')),
    ]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('keeps a sane incoming ID and replaces anything else', async () => {
    const kept = await app.request('/healthz', { headers: { 'x-request-id': 'trace-42_abc=' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42_abc=');
    for (const bad of ['x'.repeat(129), '<script>alert(1)</script>', 'a b', 'é']) {
      const res = await app.request('/nope', { headers: { 'x-request-id': bad } });
      const id = res.headers.get('x-request-id');
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
    }
  });
});
