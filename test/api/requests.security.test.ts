// Hostile input: malformed and adversarial bodies are always a 4xx in the error shape; failures never leak internals;
// a flood of writes from one principal is cut off.
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaceOrderBodySchema } from '../../src/api/schemas/order.js';
import { freePort } from '../../src/servers/ports.js';
import { buildTestApi, expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';

// Temporal is deliberately unreachable: a hostile body that slipped through validation would answer 503
// and fail the 4xx assertion at once, instead of starting a workflow.
const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
const client = new Client({ connection });
const { app } = buildTestApi(client, {}, { API_UPDATE_TIMEOUT_MS: '300', API_QUERY_TIMEOUT_MS: '300' });

afterAll(async () => {
  await connection.close();
});

/** A small seeded PRNG (mulberry32), so a failing case is reproducible from its index. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hostileValues: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  -0.0001,
  2 ** 53,
  1e308,
  '',
  ' ',
  '\u0000',
  '\u202e\u0041\u0042',
  'ユーザー',
  '😀'.repeat(70),
  "'; DROP TABLE orders; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'orders.*.>',
  '{{7*7}}',
  'x'.repeat(600),
  [],
  [1, 2, 3],
  {},
  { $gt: '' },
  { __proto__: { polluted: true } },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

/** Applies one random change somewhere in the body: replace, delete or add a field, or wrap a value. */
function mutate(rand: () => number, value: Json, depth = 0): Json {
  if (value !== null && typeof value === 'object' && (depth === 0 || rand() < 0.7)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && rand() < 0.75) {
      const key = pick(rand, keys);
      const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, Json>;
      const roll = rand();
      if (roll < 0.2) delete copy[key];
      else if (roll < 0.3) copy[pick(rand, ['__proto__', 'constructor', 'prototype', 'extra', 'quantity'])] = 1;
      else copy[key] = mutate(rand, copy[key] ?? null, depth + 1);
      return copy;
    }
  }
  const roll = rand();
  if (roll < 0.8) return structuredClone(pick(rand, hostileValues)) as Json;
  if (roll < 0.9) return [value];
  return { value };
}

function deep(levels: number, open: string, close: string, inner = '1'): string {
  return open.repeat(levels) + inner + close.repeat(levels);
}

const handcrafted: [string, string][] = [
  ['top-level null', 'null'],
  ['top-level array', JSON.stringify([orderBody()])],
  ['top-level string', '"order"'],
  ['top-level number', '42'],
  ['quantity as string', JSON.stringify(orderBody({ items: [{ sku: 'SKU-MUG', quantity: '2' }] }))],
  ['negative quantity', JSON.stringify(orderBody({ items: [{ sku: 'SKU-MUG', quantity: -5 }] }))],
  ['fractional quantity', JSON.stringify(orderBody({ items: [{ sku: 'SKU-MUG', quantity: 0.5 }] }))],
  ['infinite quantity', JSON.stringify(orderBody({ items: [] })).replace('[]', '[{"sku":"SKU-MUG","quantity":1e999}]')],
  ['empty items', JSON.stringify(orderBody({ items: [] }))],
  [
    '2 000 items',
    JSON.stringify(orderBody({ items: Array.from({ length: 2_000 }, () => ({ sku: 'A', quantity: 1 })) })),
  ],
  ['items as object', JSON.stringify(orderBody({ items: { 0: { sku: 'SKU-MUG', quantity: 1 } } }))],
  ['10 000-deep arrays', deep(10_000, '[', ']')],
  ['10 000-deep objects', deep(10_000, '{"a":', '}')],
  ['deep customerId', JSON.stringify(orderBody()).replace('"cus_api"', deep(5_000, '[', ']'))],
  ['__proto__ key', JSON.stringify(orderBody()).replace('{', '{"__proto__":{"polluted":true},')],
  ['constructor.prototype', JSON.stringify(orderBody({ constructor: { prototype: { polluted: true } } }))],
  ['nested __proto__', JSON.stringify(orderBody()).replace('"payment":{', '"payment":{"__proto__":{"polluted":true},')],
  [
    'a duplicate key whose last value is bad',
    JSON.stringify(orderBody()).replace('"cus_api"', '"cus_api","customerId":1'),
  ],
  ['unicode SKU', JSON.stringify(orderBody({ items: [{ sku: 'SKU-😀', quantity: 1 }] }))],
  [
    'lower-case country',
    JSON.stringify(orderBody({ shippingAddress: { ...orderBody().shippingAddress, country: 'nl' } })),
  ],
  ['NUL in customerId', JSON.stringify(orderBody({ customerId: 'cus\u0000api' }))],
  ['blank name', JSON.stringify(orderBody({ shippingAddress: { ...orderBody().shippingAddress, name: '   ' } }))],
  ['invalid UTF-8', '{"customerId":"\xff\xfe"}'],
  ['trailing garbage', `${JSON.stringify(orderBody())}garbage`],
  ['comment', `/* hi */${JSON.stringify(orderBody())}`],
  ['NaN', JSON.stringify(orderBody()).replace('"quantity":2', '"quantity":NaN')],
];

async function expectRefused(res: Response, label: string) {
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  await expectErrorShape(res, res.status);
}

describe('hostile bodies', () => {
  it.each(handcrafted)('refuses %s with a 4xx in the error shape', async (label, text) => {
    await expectRefused(await app.request('/orders', jsonInit(text)), label);
  });

  it('refuses 300 random mutations of a valid order, each with a 4xx in the error shape', async () => {
    const rand = random(20_24);
    let sent = 0;
    for (let i = 0; sent < 300 && i < 5_000; i += 1) {
      let body = orderBody() as unknown as Json;
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n -= 1) body = mutate(rand, body);
      if (PlaceOrderBodySchema.safeParse(body).success) continue; // still a valid order: not hostile
      sent += 1;
      await expectRefused(
        await app.request('/orders', jsonInit(body)),
        `mutation ${i}: ${JSON.stringify(body).slice(0, 200)}`,
      );
    }
    expect(sent).toBe(300);
  });

  it('refuses hostile reasons on the action routes', async () => {
    for (const text of [
      '{"reason":{"$ne":null}}',
      '{"reason":"x","__proto__":{"polluted":true}}',
      deep(5_000, '[', ']'),
      '{"reason":""}',
    ]) {
      await expectRefused(await app.request('/orders/abc/cancel', jsonInit(text)), text.slice(0, 40));
    }
  });

  it('leaves Object.prototype untouched', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('failures never leak internals', () => {
  function captureLogs() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    return { logger, lines };
  }

  it('answers an unexpected error with a generic 500 and logs it with the request ID', async () => {
    const { logger, lines } = captureLogs();
    const failing = buildTestApi(client, {
      logger,
      analytics: {
        summary: () => Promise.reject(new Error('SQLITE_CORRUPT at /srv/data/analytics.sqlite: password=hunter2')),
      },
    });
    const res = await failing.app.request('/analytics/summary');
    const text = await res.clone().text();
    const error = await expectErrorShape(res, 500, 'INTERNAL');
    expect(error.message).toMatch(/unexpected error/);
    expect(text).not.toMatch(/hunter2|SQLITE|srv|stack|Error:/);
    const logged = lines.find((l) => l.msg === 'unexpected error');
    expect(logged).toMatchObject({ requestId: error.requestId, path: '/analytics/summary' });
    expect(JSON.stringify(logged)).toMatch(/hunter2/);
  });

  it('handles a dependency that throws something that is not an Error', async () => {
    const failing = buildTestApi(client, {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      notifications: { listNotifications: () => Promise.reject('raw string failure') },
    });
    const res = await failing.app.request('/customers/cus_ada/notifications');
    const text = await res.clone().text();
    await expectErrorShape(res, 500, 'INTERNAL');
    expect(text).not.toMatch(/raw string/);
  });

  it('sends the usual security headers', async () => {
    const res = await app.request('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('the per-principal write limit', () => {
  // One write a second after a burst of three; Temporal stays unreachable, so every write that passes the limit is
  // refused by validation (an empty body), cheaply and without starting anything.
  const limited = buildTestApi(
    client,
    {},
    { API_WRITE_RATE: '1', API_WRITE_BURST: '3', API_UPDATE_TIMEOUT_MS: '300', API_QUERY_TIMEOUT_MS: '300' },
  );
  const flooder = limited.as({ customer: 'cus_flood' });

  it('answers 429 with Retry-After past the burst, to that principal only, for every write and no read', async () => {
    for (let i = 0; i < 3; i += 1) expect((await flooder.request('/orders', jsonInit({}))).status).toBe(400);
    const limitedRes = await flooder.request('/orders', jsonInit({}));
    expect(limitedRes.headers.get('retry-after')).toBe('1');
    const error = await expectErrorShape(limitedRes, 429, 'RATE_LIMITED');
    expect(error.message).toMatch(/retry in 1 s/);
    // The actions count as writes too, before anything reads their body or asks Temporal.
    await expectErrorShape(await flooder.request('/orders/abc/cancel', jsonInit({})), 429, 'RATE_LIMITED');
    // Another principal has a bucket of its own; reads are not limited.
    expect((await limited.as({ customer: 'cus_calm' }).request('/orders', jsonInit({}))).status).toBe(400);
    expect((await flooder.request('/orders')).status).toBe(200);
    // A second later the bucket holds one write again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await flooder.request('/orders', jsonInit({}))).status).toBe(400);
    await expectErrorShape(await flooder.request('/orders', jsonInit({})), 429, 'RATE_LIMITED');
  });
});
