// The API wired to the real saga: a namespace of its own on the suite's dev server, real workers, real stores.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { expect, inject } from 'vitest';
import type { TokenSubject } from '../../../src/api/auth/local-issuer.js';
import type { AppDeps } from '../../../src/api/deps.js';
import { startSagaWorkers } from '../../support/saga-harness.js';
import { testDataConverter } from '../../support/test-payload-keys.js';
import type { SagaHarnessOptions, SagaWorkers } from '../../support/saga-harness.js';
import { buildTestApi, jsonInit } from './api-fixture.js';
import type { TestApi } from './api-fixture.js';
import { createTestNamespace } from './dev-namespace.js';
import { MemoryEventHistory } from './memory-ports.js';

export interface SagaApi extends TestApi {
  client: Client;
  namespace: string;
  workers: SagaWorkers;
  stop(): Promise<void>;
}

/**
 * Starts the four saga workers in a fresh namespace (so parallel test files never share task queues) and
 * builds the API on a client for that namespace. The event history port reads what the workers published
 * (an in-memory stand-in for the JetStream one). Create once per file in `beforeAll`.
 */
export async function startSagaApi(
  prefix: string,
  deps: Partial<AppDeps> = {},
  workerOptions: SagaHarnessOptions = {},
): Promise<SagaApi> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const namespace = await createTestNamespace(connection, prefix);
  const workers = await startSagaWorkers({ nativeConnection, namespace }, workerOptions);
  const client = new Client({ connection, namespace, dataConverter: testDataConverter });
  const api = buildTestApi(client, { events: new MemoryEventHistory(() => workers.publisher.published), ...deps });
  return {
    ...api,
    client,
    namespace,
    workers,
    async stop() {
      await workers.stop();
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export interface OrderAnswer {
  orderId: string;
  status: string;
  total?: { amount: number; currency: string };
  items: {
    sku: string;
    name: string;
    quantity: number;
    unitPrice: { amount: number };
    lineTotal: { amount: number };
  }[];
  approvalDeadline?: string;
  failure?: { code: string; message: string };
  steps?: { name: string; outcome: string }[];
  compensations?: { name: string; outcome: string; applied?: boolean }[];
  source?: string;
  links: { self: string; events: string; temporalUi: string };
}

/** POST /orders; returns the response and its parsed body. */
export async function place(
  api: TestApi,
  body: unknown,
  key?: string,
): Promise<{ res: Response; body: OrderAnswer & { error?: { code: string; message: string; details?: unknown } } }> {
  const res = await api.app.request('/orders', jsonInit(body, key === undefined ? {} : { 'Idempotency-Key': key }));
  return { res, body: (await res.json()) as OrderAnswer & { error?: { code: string; message: string } } };
}

export async function getOrder(api: TestApi, orderId: string): Promise<{ res: Response; body: OrderAnswer }> {
  const res = await api.app.request(`/orders/${orderId}`);
  return { res, body: (await res.json()) as OrderAnswer };
}

/** Polls GET /orders/{id} until `done` holds (the saga runs in real time on the dev server). */
export async function waitForOrder(
  api: TestApi,
  orderId: string,
  done: (order: OrderAnswer) => boolean,
  timeoutMs = 20_000,
): Promise<OrderAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { res, body } = await getOrder(api, orderId);
    expect(res.status).toBe(200);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const ended = (o: OrderAnswer) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(o.status);

/** POST an action (cancel, approve...) as JSON (`{}` without a body), as an operator unless `as` says who. */
export async function act(api: TestApi, orderId: string, action: string, body?: unknown, as?: TokenSubject) {
  const target = as === undefined ? api.app : api.as(as);
  const res = await target.request(`/orders/${orderId}/${action}`, jsonInit(body ?? {}));
  return { res, body: (await res.json()) as OrderAnswer & { error: { code: string; message: string } } };
}

/**
 * Resolves once the order's workflow has accepted the update `name` (its history shows it), so a test can let a
 * held activity go on knowing the request sent through the API is already part of the saga.
 */
export async function updateAccepted(client: Client, orderId: string, name: string, timeoutMs = 10_000): Promise<void> {
  const handle = client.workflow.getHandle(`order-${orderId}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const history = await handle.fetchHistory();
    const accepted = history.events?.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    if (accepted?.includes(name)) return;
    if (Date.now() > deadline) throw new Error(`no update accepted by order ${orderId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
