// A refused request leaves its kept-alive connection usable: the next request on it, through Node's own fetch, succeeds.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/api/app-env.js';
import { drainUnreadBody } from '../../src/api/middleware/drain-unread-body.js';
import { buildTestApi, orderBody, testClient } from './support/api-fixture.js';
import { testCustomer, tokenFor } from './support/tokens.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves the app the way the api role does, on a free port; one server per test, so one pool per test. */
async function serve(fetch: (request: Request, env: unknown) => Response | Promise<Response>) {
  const server = createAdaptorServer({ fetch }) as Server;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const apiApp = () => buildTestApi(testClient().client, {}, { API_BODY_LIMIT: '2048' }).raw;

type Body = { kind: 'declared' | 'chunked'; bytes: number };

/** A signed-in customer's POST, so the refusal is the body limit's and not authentication's. */
async function post(url: string, { kind, bytes }: Body, contentType = 'application/json') {
  const text = JSON.stringify(orderBody({ customerId: 'x'.repeat(bytes) }));
  const headers = { 'content-type': contentType, authorization: `Bearer ${await tokenFor(testCustomer)}` };
  const init: RequestInit & { duplex?: 'half' } =
    kind === 'declared'
      ? { method: 'POST', headers, body: text }
      : // A stream has no length: fetch sends it chunked.
        { method: 'POST', headers, body: new Blob([text]).stream(), duplex: 'half' };
  return fetch(url, init);
}

/** A few requests after the refusal, spread over longer than any server-side drain timer. */
async function followUps(url: string) {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`${url}/healthz`);
    await res.text();
    statuses.push(res.status);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return statuses;
}

describe('after a body over the limit (413)', () => {
  it.each<Body>([
    { kind: 'declared', bytes: 10_000 },
    { kind: 'declared', bytes: 1_000_000 },
    { kind: 'chunked', bytes: 10_000 },
    { kind: 'chunked', bytes: 1_000_000 },
  ])('a $kind body of $bytes bytes: the refusal keeps the connection and the next requests succeed', async (body) => {
    const { url } = await serve(apiApp().fetch);
    for (let i = 0; i < 2; i++) {
      const res = await post(`${url}/orders`, body);
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).not.toBe('close');
      await res.text();
    }
    expect(await followUps(url)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('a body too large to drain is refused with Connection: close, and the next requests succeed', async () => {
    const { url } = await serve(apiApp().fetch);
    const res = await post(`${url}/orders`, { kind: 'declared', bytes: 20_000_000 });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    await res.text();
    expect(await followUps(url)).toEqual([200, 200, 200, 200, 200, 200]);
  });
});

describe('an answer before any of the body was read', () => {
  // A stand-in for every middleware that may refuse before reading (authentication, a rate limit, a media type).
  // Looking at whether there is a body at all is what makes @hono/node-server start reading it, and then stop.
  const refusing = (drain: boolean) => {
    const app = new Hono<AppEnv>();
    if (drain) app.use(drainUnreadBody({ maxBytes: 1_048_576, maxMs: 1_000 }));
    app.post('/refuse', async (c) => {
      // As any real check does (a token, a rate), it takes a moment before it answers.
      await new Promise((resolve) => setImmediate(resolve));
      return c.json({ error: 'refused unread' }, c.req.raw.body ? 415 : 400);
    });
    app.get('/healthz', (c) => c.json({ ok: true }));
    return app;
  };

  it.each<Body>([
    { kind: 'declared', bytes: 1_000_000 },
    { kind: 'chunked', bytes: 1_000_000 },
  ])('a $kind body of $bytes bytes is drained and the connection kept', async (body) => {
    const { url } = await serve(refusing(true).fetch);
    for (let i = 0; i < 2; i++) {
      const res = await post(`${url}/refuse`, body, 'text/plain');
      expect(res.status).toBe(415);
      await res.text();
    }
    expect(await followUps(url)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('a body a handler started reading and left locked: Connection: close, and the next requests succeed', async () => {
    const app = new Hono<AppEnv>();
    app.use(drainUnreadBody({ maxBytes: 1_048_576, maxMs: 1_000 }));
    app.post('/refuse', async (c) => {
      await c.req.raw.body?.getReader().read();
      return c.json({ error: 'refused half-read' }, 415);
    });
    app.get('/healthz', (c) => c.json({ ok: true }));
    const { url } = await serve(app.fetch);
    const res = await post(`${url}/refuse`, { kind: 'chunked', bytes: 1_000_000 });
    expect(res.status).toBe(415);
    expect(res.headers.get('connection')).toBe('close');
    await res.text();
    expect(await followUps(url)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('without the drain, the same refusals break the next request (what this guards against)', async () => {
    const { url } = await serve(refusing(false).fetch);
    const outcome = async () => {
      for (let i = 0; i < 2; i++) await (await post(`${url}/refuse`, { kind: 'declared', bytes: 1_000_000 })).text();
      return followUps(url);
    };
    await expect(outcome()).rejects.toThrow(/fetch failed/);
  });
});
