// Payloads in Temporal are ciphertext; the codec endpoint decrypts them for an operator only (token or sign-in cookie, the Web UI's origin).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { orderWorkflowId } from '../../src/shared/order.js';
import { resolveTemporalCli } from '../../tools/servers.mjs';
import { testCodec } from '../support/test-payload-keys.js';
import { expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { ended, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { SagaApi } from './support/saga-api.js';
import { testCustomer, testOperator, tokenFor } from './support/tokens.js';

const { History } = proto.temporal.api.history.v1;
type JsonPayload = { metadata: Record<string, string>; data: string };

/** The Web UI's origin in the test app's settings (TEMPORAL_UI_URL in test/api/support/api-fixture.ts). */
const uiOrigin = 'http://temporal-ui.test:8233';
/** What the order carries that must never be stored in clear. */
const secrets = ['Ada Lovelace', 'Damrak 1', 'tok_ok'];

let api: SagaApi;
let orderId: string;
let operatorToken: string;
let customerToken: string;

beforeAll(async () => {
  api = await startSagaApi('codec');
  operatorToken = await tokenFor(testOperator);
  customerToken = await tokenFor(testCustomer);
  const { res, body } = await place(api, orderBody());
  expect(res.status).toBe(201);
  orderId = body.orderId;
  expect((await waitForOrder(api, orderId, ended)).status).toBe('COMPLETED');
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

/** The order's history exactly as the dev server stores and serves it, with no data converter in between. */
async function rawHistory() {
  const { history } = await api.client.workflowService.getWorkflowExecutionHistory({
    namespace: api.namespace,
    execution: { workflowId: orderWorkflowId(orderId) },
  });
  return History.create(history ?? {});
}

/** The workflow's input payload as the Web UI has it: protobuf JSON, bytes in base64. */
async function inputPayload(): Promise<JsonPayload> {
  const started = (await rawHistory()).events[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new Error('no workflow input in the history');
  return toJson(payload);
}

function toJson(payload: proto.temporal.api.common.v1.IPayload): JsonPayload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function valueOf(payload: JsonPayload): unknown {
  const metadata = Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return defaultPayloadConverter.fromPayload({ metadata, data: Buffer.from(payload.data, 'base64') });
}

/** A codec call as the Web UI makes it: JSON, `X-Namespace`, its origin, and whatever credentials are given. */
function decodeRequest(payloads: JsonPayload[], headers: Record<string, string> = {}) {
  return api.raw.request('/codec/decode', jsonInit({ payloads }, { 'X-Namespace': api.namespace, ...headers }));
}

/** Signs in through the page's form and returns the cookie the browser would keep. */
async function signIn(token: string) {
  return api.raw.request('/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', host: 'localhost' },
    body: new URLSearchParams({ token }).toString(),
  });
}

describe('what Temporal stores', () => {
  it('holds neither the address nor the payment token in clear, only payloads under the active key', async () => {
    const bytes = Buffer.from(History.encode(await rawHistory()).finish()).toString('latin1');
    for (const secret of secrets) expect(bytes).not.toContain(secret);
    expect(bytes).toContain('binary/encrypted');
    expect(bytes).toContain(testCodec.activeKeyId);
    // Search attributes stay readable and carry identifiers only.
    const described = await api.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    const attributes = JSON.stringify(described.raw.workflowExecutionInfo?.searchAttributes ?? {});
    for (const secret of secrets) expect(attributes).not.toContain(secret);
  });
});

describe('POST /codec/decode', () => {
  it('decrypts for an operator signed in through the page, as the Web UI sends it (cookie and Origin)', async () => {
    const res = await signIn(operatorToken);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    // Path=/ since the console reads it too; the one a 0.4.0 sign-in left at /codec is cleared.
    expect(cookie).toMatch(/^order_saga_operator=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    expect(cookie).toContain('order_saga_operator=; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=0');
    expect(Number(/Max-Age=(\d+)/.exec(cookie)?.[1])).toBeGreaterThan(3_500);
    const decoded = await decodeRequest([await inputPayload()], {
      cookie: cookie.split(';')[0] ?? '',
      origin: uiOrigin,
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
    const { payloads } = (await decoded.json()) as { payloads: JsonPayload[] };
    const text = JSON.stringify(valueOf(payloads[0]!));
    for (const secret of secrets) expect(text).toContain(secret);
  });

  it('decrypts for an operator’s bearer token (the temporal CLI’s --codec-auth)', async () => {
    const res = await decodeRequest([await inputPayload()], { authorization: `Bearer ${operatorToken}` });
    expect(res.status).toBe(200);
    const { payloads } = (await res.json()) as { payloads: JsonPayload[] };
    expect(JSON.stringify(valueOf(payloads[0]!))).toContain('Damrak 1');
  });

  it('is 401 without credentials, and 403 for a customer (token or cookie) or another origin', async () => {
    const payload = await inputPayload();
    const anonymous = await decodeRequest([payload], { origin: uiOrigin });
    await expectErrorShape(anonymous, 401, 'UNAUTHENTICATED');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectErrorShape(
      await decodeRequest([payload], { authorization: `Bearer ${customerToken}` }),
      403,
      'FORBIDDEN',
    );
    await expectErrorShape(
      await decodeRequest([payload], { cookie: `order_saga_operator=${customerToken}`, origin: uiOrigin }),
      403,
      'FORBIDDEN',
    );
    const elsewhere = await decodeRequest([payload], {
      cookie: `order_saga_operator=${operatorToken}`,
      origin: 'http://evil.test',
    });
    await expectErrorShape(elsewhere, 403, 'FORBIDDEN');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the Web UI’s preflight for its origin only, with credentials allowed', async () => {
    const preflight = (origin: string) =>
      api.raw.request('/codec/decode', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ok = await preflight(uiOrigin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect((await preflight('http://evil.test')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a tampered payload, a form body and a foreign namespace, naming what is wrong', async () => {
    const payload = await inputPayload();
    const data = Buffer.from(payload.data, 'base64');
    data[30] = (data[30] ?? 0) ^ 1;
    const bearer = { authorization: `Bearer ${operatorToken}` };
    await expectErrorShape(
      await decodeRequest([{ ...payload, data: data.toString('base64') }], bearer),
      400,
      'PAYLOAD_UNDECODABLE',
    );
    await expectErrorShape(await decodeRequest([{ ...payload, data: '***' }], bearer), 400, 'VALIDATION_FAILED');
    await expectErrorShape(
      await decodeRequest([payload], { ...bearer, 'X-Namespace': 'other' }),
      400,
      'VALIDATION_FAILED',
    );
    const form = await api.raw.request('/codec/decode', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'text/plain' },
      body: JSON.stringify({ payloads: [payload] }),
    });
    await expectErrorShape(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('POST /codec/encode', () => {
  it('encrypts with the active key, and what it wrote decodes back', async () => {
    const clear = toJson(defaultPayloadConverter.toPayload({ note: 'hello' }));
    const res = await api.raw.request(
      '/codec/encode',
      jsonInit({ payloads: [clear] }, { authorization: `Bearer ${operatorToken}` }),
    );
    expect(res.status).toBe(200);
    const { payloads } = (await res.json()) as { payloads: JsonPayload[] };
    expect(Buffer.from(payloads[0]!.metadata['encryption-key-id'] ?? '', 'base64').toString()).toBe('test-key-2');
    const back = await decodeRequest(payloads, { authorization: `Bearer ${operatorToken}` });
    expect(valueOf(((await back.json()) as { payloads: JsonPayload[] }).payloads[0]!)).toEqual({ note: 'hello' });
  });
});

describe('the sign-in page', () => {
  it('is a form with no script, and refuses a customer’s token, a bad one and another site’s form', async () => {
    const page = await api.raw.request('/signin');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/signin">');
    expect(html).not.toMatch(/<script/);

    const customer = await signIn(customerToken);
    expect(customer.status).toBe(403);
    expect(customer.headers.get('set-cookie')).toBeNull();
    const bad = await signIn('not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const crossSite = await api.raw.request('/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.test', host: 'localhost' },
      body: new URLSearchParams({ token: operatorToken }).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    await expectErrorShape(await api.raw.request('/signin', jsonInit({ token: '' })), 400, 'VALIDATION_FAILED');
  });

  it('signs out by clearing the cookie; the cookie never stands in for a token on the order routes', async () => {
    const out = await api.raw.request('/signout', { method: 'POST' });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^order_saga_operator=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0, order_saga_operator=; Path=\/codec;/,
    );
    const withCookie = await api.raw.request(`/orders/${orderId}`, {
      headers: { cookie: `order_saga_operator=${operatorToken}` },
    });
    await expectErrorShape(withCookie, 401, 'UNAUTHENTICATED');
  });
});

describe('temporal workflow show', () => {
  it('shows the order decrypted with --codec-endpoint and --codec-auth, and ciphertext without', async () => {
    const server = createAdaptorServer({ fetch: api.raw.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const show = (...extra: string[]) =>
        execa(resolveTemporalCli(), [
          'workflow',
          'show',
          '--address',
          inject('temporalAddress'),
          '--namespace',
          api.namespace,
          '--workflow-id',
          orderWorkflowId(orderId),
          '--output',
          'json',
          ...extra,
        ]);
      // JSON output keeps payloads as protobuf JSON (base64), for replay: read the input and its encoding from it.
      const input = (stdout: string) => {
        const history = JSON.parse(stdout) as {
          events: { workflowExecutionStartedEventAttributes?: { input: { payloads: JsonPayload[] } } }[];
        };
        const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads[0];
        if (!payload) throw new Error('no input in the CLI output');
        const encoding = Buffer.from(payload.metadata.encoding ?? '', 'base64').toString();
        return { encoding, text: Buffer.from(payload.data, 'base64').toString('latin1') };
      };
      const plain = input((await show()).stdout);
      expect(plain.encoding).toBe('binary/encrypted');
      for (const secret of secrets) expect(plain.text).not.toContain(secret);
      const decoded = input(
        (await show('--codec-endpoint', `http://127.0.0.1:${port}/codec`, '--codec-auth', `Bearer ${operatorToken}`))
          .stdout,
      );
      expect(decoded.encoding).toBe('json/plain');
      for (const secret of secrets) expect(decoded.text).toContain(secret);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
