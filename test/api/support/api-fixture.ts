// Builds the API for a test: real config and Temporal client, read ports the test chooses, silent logs.
import { testLogger } from '../../support/logger.js';
import { Client, Connection } from '@temporalio/client';
import { expect, inject } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import type { AppDeps } from '../../../src/api/deps.js';
import { loadConfig } from '../../../src/config/env.js';
import type { Config } from '../../../src/config/env.js';
import { TaskQueues } from '../../../src/shared/task-queues.js';
import { newOrder } from '../../support/order-workflows.js';
import {
  MemoryAnalytics,
  MemoryCatalogue,
  MemoryEventHistory,
  MemoryNotifications,
  MemoryOrderReadModel,
} from './memory-ports.js';

export interface TestApi {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  readModel: MemoryOrderReadModel;
  notifications: MemoryNotifications;
  analytics: MemoryAnalytics;
}

export { testLogger };

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ TEMPORAL_UI_URL: 'http://temporal-ui.test:8233', ...overrides });
}

/** A client on the suite's dev server (lazy: nothing is dialled until a route needs Temporal). */
export function testClient(namespace = 'default'): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: inject('temporalAddress') });
  return { connection, client: new Client({ connection, namespace }) };
}

/** The app with in-memory read ports (route unit tests only) and a real Temporal client. */
export function buildTestApi(
  client: Client,
  overrides: Partial<AppDeps> = {},
  config: Record<string, string> = {},
): TestApi {
  const readModel = new MemoryOrderReadModel();
  const notifications = new MemoryNotifications();
  const analytics = new MemoryAnalytics();
  const deps: AppDeps = {
    config: testConfig({ TEMPORAL_NAMESPACE: client.options.namespace, ...config }),
    logger: testLogger(),
    temporal: client,
    taskQueue: TaskQueues.orders,
    orders: readModel,
    notifications,
    analytics,
    events: new MemoryEventHistory(() => []),
    products: new MemoryCatalogue(),
    readiness: [],
    ...overrides,
  };
  return { app: createApp(deps), deps, readModel, notifications, analytics };
}

/** JSON POST through app.request, the way a client sends it. */
export function jsonInit(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A valid order body: the workflow tests' order (two T-shirts to Amsterdam, a card that works) without its ID. */
export function orderBody(overrides: Record<string, unknown> = {}) {
  const { orderId: _orderId, ...body } = newOrder({ customerId: 'cus_api' });
  return { ...body, ...overrides };
}

/** The error body's shape, asserted the same way everywhere. */
export async function expectErrorShape(res: Response, status: number, code?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string; details?: unknown; requestId: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  if (code !== undefined) expect(body.error.code).toBe(code);
  return body.error;
}
