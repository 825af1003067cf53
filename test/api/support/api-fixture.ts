// Builds the API for a test: real config, auth and Temporal client, read ports the test chooses, logs at LOG_LEVEL.
import { testLogger } from '../../support/logger.js';
import { Client, Connection } from '@temporalio/client';
import { expect, inject } from 'vitest';
import { authenticatorFor } from '../../../src/api/auth/api-auth.js';
import type { TokenSubject } from '../../../src/api/auth/local-issuer.js';
import { createApp } from '../../../src/api/app.js';
import { CustomerIdSchema } from '../../../src/api/schemas/common.js';
import type { AppDeps } from '../../../src/api/deps.js';
import { loadConfig } from '../../../src/config/env.js';
import type { Config } from '../../../src/config/env.js';
import { TaskQueues } from '../../../src/shared/task-queues.js';
import { newOrder } from '../../support/order-workflows.js';
import { testCodec, testDataConverter } from '../../support/test-payload-keys.js';
import {
  MemoryAnalytics,
  MemoryCatalogue,
  MemoryEventHistory,
  MemoryNotifications,
  MemoryOrderReadModel,
} from './memory-ports.js';
import { authSettings, testCustomer, testOperator, tokenFor } from './tokens.js';

/** Sends requests to the app the way a client does, through `app.request`. */
export interface RequestTarget {
  request(path: string, init?: RequestInit): Promise<Response>;
}

export interface TestApi {
  /**
   * The app as a signed-in caller reaches it: a request without its own `authorization` header carries a valid
   * token, the placing customer's for `POST /orders` (the body's `customerId`, else cus_api) and an operator's
   * for everything else, so the route tests read as before. The security tests use `raw` and `as`.
   */
  app: RequestTarget;
  /** The app itself: requests go exactly as given (anonymous unless they carry a header). */
  raw: ReturnType<typeof createApp>;
  /** Requests as `who`, with a valid token of theirs. */
  as(who: TokenSubject): RequestTarget;
  deps: AppDeps;
  readModel: MemoryOrderReadModel;
  notifications: MemoryNotifications;
  analytics: MemoryAnalytics;
}

export { testLogger };

/**
 * The suite's settings for a test app: its issuer, and write limits no route test reaches (the rate-limit test
 * sets its own).
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    TEMPORAL_UI_URL: 'http://temporal-ui.test:8233',
    API_WRITE_RATE: '1000',
    API_WRITE_BURST: '1000',
    ...authSettings(),
    ...overrides,
  });
}

/** `request` with `who`'s token on every request that does not carry its own `authorization` header. */
export function signedIn(app: ReturnType<typeof createApp>, who: (path: string, init?: RequestInit) => TokenSubject) {
  return {
    async request(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${await tokenFor(who(path, init))}`);
      return app.request(path, { ...init, headers });
    },
  };
}

/** The customer a `POST /orders` speaks for in the route tests: the body's `customerId`, else cus_api. */
function placingCustomer(init?: RequestInit): TokenSubject {
  if (typeof init?.body !== 'string') return testCustomer;
  try {
    const { customerId } = JSON.parse(init.body) as { customerId?: unknown };
    return CustomerIdSchema.safeParse(customerId).success ? { customer: customerId as string } : testCustomer;
  } catch {
    return testCustomer;
  }
}

function defaultCaller(path: string, init?: RequestInit): TokenSubject {
  return path === '/orders' && init?.method === 'POST' ? placingCustomer(init) : testOperator;
}

/** A client on the suite's dev server (lazy: nothing is dialled until a route needs Temporal). */
export function testClient(namespace = 'default'): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: inject('temporalAddress') });
  return { connection, client: new Client({ connection, namespace, dataConverter: testDataConverter }) };
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
  const settings = testConfig({ TEMPORAL_NAMESPACE: client.options.namespace, ...config });
  const deps: AppDeps = {
    config: settings,
    logger: testLogger(),
    auth: { authenticator: authenticatorFor(settings, new URL(settings.AUTH_JWKS_URL ?? '')) },
    temporal: client,
    codec: testCodec,
    taskQueue: TaskQueues.orders,
    orders: readModel,
    notifications,
    analytics,
    events: new MemoryEventHistory(() => []),
    products: new MemoryCatalogue(),
    readiness: [],
    ...overrides,
  };
  const app = createApp(deps);
  return {
    app: signedIn(app, defaultCaller),
    raw: app,
    as: (who) => signedIn(app, () => who),
    deps,
    readModel,
    notifications,
    analytics,
  };
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
