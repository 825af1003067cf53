// One trace per order in the main command's Jaeger, read back through Jaeger's query API: the request, the workflow, every activity, each publish and each subscriber, parented correctly; a failed order's trace shows its compensations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApiTokens } from '../../bench/loadgen/tokens.js';
import { loadConfig } from '../../src/config/env.js';
import { mainCommandHome, startMainCommand } from '../support/main-command.js';
import type { MainCommandHome } from '../support/main-command.js';
import { waitFor } from '../support/wait-for.js';

let home: MainCommandHome;

beforeAll(async () => {
  home = await mainCommandHome('order-trace');
});
afterAll(() => home?.cleanUp());

/** A span as Jaeger's v1 query API (`/api/traces/{id}`, what its UI reads) returns it. */
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string; traceID: string }[];
  tags: { key: string; value: unknown }[];
}

const jaeger = () => `http://127.0.0.1:${home.env.JAEGER_UI_PORT}`;
const tokens = () => localApiTokens({ ...loadConfig(), DATA_DIR: home.env.DATA_DIR ?? '' });

async function placeOrder(requestId: string, country: string): Promise<string> {
  const res = await fetch(`${home.apiUrl}/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokens().customer('cus-trace')}`,
      'content-type': 'application/json',
      'idempotency-key': requestId,
      'x-request-id': requestId,
    },
    body: JSON.stringify({
      customerId: 'cus-trace',
      items: [{ sku: 'SKU-MUG', quantity: 1 }],
      payment: { token: 'tok_ok' },
      shippingAddress: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

async function order(orderId: string): Promise<{ status: string; links: Record<string, string> }> {
  const res = await fetch(`${home.apiUrl}/orders/${orderId}`, {
    headers: { authorization: `Bearer ${await tokens().operator()}` },
  });
  return (await res.json()) as { status: string; links: Record<string, string> };
}

/** The one trace holding the request tagged `requestId`, once it has every span `complete` asks for. */
async function traceOf(requestId: string, complete: (spans: JaegerSpan[]) => boolean): Promise<JaegerSpan[]> {
  let spans: JaegerSpan[] = [];
  let searched = 'nothing found';
  const seen = () => (spans.length > 0 ? names(spans).sort().join(', ') : searched);
  await waitFor(
    async () => {
      const tags = encodeURIComponent(JSON.stringify({ 'http.request.id': requestId }));
      const found = (await (
        await fetch(`${jaeger()}/api/traces?service=order-saga&tags=${tags}&lookback=1h&limit=5`)
      ).json()) as { data: { traceID: string }[] };
      searched = `${found.data.length} traces`;
      if (found.data.length !== 1) return false;
      const trace = (await (await fetch(`${jaeger()}/api/traces/${found.data[0]!.traceID}`)).json()) as {
        data: { spans: JaegerSpan[] }[];
      };
      spans = trace.data[0]?.spans ?? [];
      return complete(spans);
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `the whole trace of ${requestId}` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; so far: ${seen()}`);
  });
  return spans;
}

const names = (spans: JaegerSpan[]) => spans.map((s) => s.operationName);
const parentOf = (span: JaegerSpan, spans: JaegerSpan[]) => {
  const ref = span.references.find((r) => r.refType === 'CHILD_OF');
  return ref && spans.find((s) => s.spanID === ref.spanID);
};
const subscribers = ['analytics', 'notifications', 'order-read-model'];
const processed = (spans: JaegerSpan[], event: string) =>
  spans.filter((s) => s.operationName.startsWith(`process ${event} `));

/** Every span but the request's own hangs under a span of the same trace; the request's is the root. */
function expectOneTree(spans: JaegerSpan[]) {
  const roots = spans.filter((s) => parentOf(s, spans) === undefined);
  expect(roots.map((s) => s.operationName)).toEqual(['POST /orders']);
  const consumers = new Set(
    spans.flatMap((s) => (s.operationName.startsWith('process ') ? [s.operationName.split(' ')[2]] : [])),
  );
  expect([...consumers].sort()).toEqual(subscribers);
}

/** Each activity ran under the workflow's start of it; each event was published under the activity that stored it. */
function expectStepChain(spans: JaegerSpan[], activity: string, event: string) {
  const run = spans.find((s) => s.operationName === `RunActivity:${activity}`);
  expect(run, `RunActivity:${activity}`).toBeDefined();
  expect(parentOf(run!, spans)?.operationName).toBe(`StartActivity:${activity}`);
  const publish = spans.find((s) => s.operationName.startsWith('publish ') && s.operationName.endsWith(`.${event}`));
  expect(publish, `publish ${event}`).toBeDefined();
  expect(parentOf(publish!, spans)?.operationName).toBe(`RunActivity:${activity}`);
  // Each subscriber handles the events its filter takes (notifications, not every one): at least one per event.
  const handled = processed(spans, event);
  expect(handled.length, `process ${event}`).toBeGreaterThan(0);
  for (const span of handled) expect(parentOf(span, spans)?.spanID).toBe(publish!.spanID);
}

describe('an order in Jaeger', () => {
  // One start of the whole system (allowed 180 s by startMainCommand), then two orders side by side.
  it(
    'is one trace from the request through the workflow, every activity, each publish and the three subscribers; a failed order shows its compensations',
    { timeout: 300_000 },
    async () => {
      await startMainCommand(home);
      const [completed, compensated] = await Promise.all([
        placeOrder('trace-completed', 'NL'),
        placeOrder('trace-compensated', 'JP'),
      ]);
      await waitFor(async () => (await order(completed)).status === 'COMPLETED', { timeoutMs: 60_000 });
      await waitFor(async () => (await order(compensated)).status === 'FAILED', { timeoutMs: 60_000 });

      const spans = await traceOf(
        'trace-completed',
        (s) => names(s).includes('RunWorkflow:orderSaga') && processed(s, 'OrderCompleted').length >= 2,
      );
      expect(new Set(spans.map((s) => s.traceID)).size).toBe(1);
      expectOneTree(spans);
      const workflow = spans.find((s) => s.operationName === 'RunWorkflow:orderSaga')!;
      expect(parentOf(workflow, spans)?.operationName).toMatch(/^(StartWorkflow|UpdateWithStart|StartUpdate)/);
      expectStepChain(spans, 'chargePayment', 'PaymentProcessed');
      expectStepChain(spans, 'reserveInventory', 'InventoryUpdated');
      expectStepChain(spans, 'createShipment', 'OrderShipped');
      expectStepChain(spans, 'publishOrderEvent', 'OrderCompleted');
      // The order's own links lead to this trace: the query API answers the link's search with it.
      const link = new URL((await order(completed)).links.trace ?? '');
      const found = (await (await fetch(`${jaeger()}/api/traces${link.search}`)).json()) as {
        data: { traceID: string }[];
      };
      expect(found.data.map((t) => t.traceID)).toEqual([spans[0]!.traceID]);

      const failed = await traceOf(
        'trace-compensated',
        (s) => names(s).includes('RunWorkflow:orderSaga') && processed(s, 'OrderFailed').length >= 2,
      );
      expectOneTree(failed);
      expect(names(failed)).toEqual(
        expect.arrayContaining([
          'RunActivity:createShipment',
          'RunActivity:releaseInventory',
          'RunActivity:refundPayment',
        ]),
      );
      expectStepChain(failed, 'refundPayment', 'PaymentRefunded');
      expectStepChain(failed, 'releaseInventory', 'InventoryReleased');
    },
  );
});
