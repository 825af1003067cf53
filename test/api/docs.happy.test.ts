// GET /openapi.json is generated from the same schemas that validate requests; GET /docs renders it offline; GET /asyncapi.json is the event contract.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { asyncApiDocPath } from '../../tools/asyncapi-doc.js';
import { buildTestApi, testClient } from './support/api-fixture.js';

const { app } = buildTestApi(testClient().client);

interface OpenApi {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { parameters?: { name: string; in: string }[]; responses: Record<string, unknown>; requestBody?: unknown }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

describe('the OpenAPI document', () => {
  it('lists every route with its statuses', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toBe('3.0.3');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([
      'GET /analytics/summary',
      'GET /customers/{customerId}/notifications',
      'GET /healthz',
      'GET /orders',
      'GET /orders/{orderId}',
      'GET /orders/{orderId}/events',
      'GET /products',
      'GET /readyz',
      'POST /orders',
      'POST /orders/{orderId}/approve',
      'POST /orders/{orderId}/cancel',
      'POST /orders/{orderId}/reject',
      'POST /orders/{orderId}/retry-compensations',
    ]);
    expect(Object.keys(doc.paths['/orders']?.post?.responses ?? {})).toEqual([
      '201',
      '202',
      '400',
      '401',
      '403',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ]);
    expect(Object.keys(doc.paths['/orders/{orderId}/cancel']?.post?.responses ?? {})).toContain('409');
    expect(doc.paths['/orders']?.post?.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    ]);
  });

  it('describes bodies with the validating schemas', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApi;
    const placeOrder = doc.components.schemas.PlaceOrder;
    expect(Object.keys(placeOrder?.properties ?? {})).toEqual(['customerId', 'items', 'payment', 'shippingAddress']);
    // customerId is optional since orders are placed as the token's subject.
    expect(placeOrder?.required).toEqual(['items', 'payment', 'shippingAddress']);
    expect(doc.components.schemas.Error?.properties).toHaveProperty('error');
  });
});

describe('the security the document declares', () => {
  const open = ['GET /healthz', 'GET /readyz', 'GET /products'];

  it('declares the bearer scheme, on every route but the open ones, with its 401 and 403', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApi & {
      components: { securitySchemes?: Record<string, { type: string; scheme: string; bearerFormat?: string }> };
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    expect(doc.components.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (open.includes(name)) {
          expect(operation.security, name).toBeUndefined();
          expect(Object.keys(operation.responses), name).not.toContain('401');
          continue;
        }
        expect(operation.security, name).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(operation.responses), name).toEqual(expect.arrayContaining(['401', '403']));
        if (method === 'post') expect(Object.keys(operation.responses), name).toContain('429');
      }
    }
  });
});

describe('the docs page', () => {
  it('is one self-contained HTML page: no script, no external asset', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<code>/orders/{orderId}/cancel</code>');
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});

describe('the event contract', () => {
  it('is served at /asyncapi.json without a token, and is the committed docs/asyncapi.yaml', async () => {
    const res = await app.request('/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(parse(await readFile(asyncApiDocPath, 'utf8')));
  });
});
