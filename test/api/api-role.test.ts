// The api role over real HTTP: listens on API_HOST:API_PORT, serves the app, refuses a taken port, and stops cleanly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { serviceDatabaseFile } from '../../src/db/sqlite.js';
import { oneAtATime } from '../../src/read-models/generation.js';
import { freePort } from '../../src/servers/ports.js';
import type { RunningRole } from '../../src/workers/role.js';
import { apiRole } from '../../src/workers/roles/api.js';
import { testLogger, testConfig } from './support/api-fixture.js';
import {
  MemoryAnalytics,
  MemoryEventHistory,
  MemoryNotifications,
  MemoryOrderReadModel,
} from './support/memory-ports.js';
import { readSse } from './support/sse.js';
import { asUser, testCustomer, testOperator } from './support/tokens.js';

// The read ports are in-memory stand-ins (this tests the role's serving, not the read models).
let dir: string;
let port: number;
let role: RunningRole;
const readModel = new MemoryOrderReadModel();
let closedPorts = 0;

const startRole = (config: ReturnType<typeof testConfig>) =>
  apiRole(() =>
    Promise.resolve({
      orders: readModel,
      notifications: new MemoryNotifications(),
      analytics: new MemoryAnalytics(),
      events: new MemoryEventHistory(() => []),
      close: () => {
        closedPorts += 1;
        return Promise.resolve();
      },
    }),
  )({
    config,
    logger: testLogger(),
    nats: () => Promise.reject(new Error('the API role does not use the shared connection in this test')),
    publisher: () => Promise.reject(new Error('the API publishes nothing')),
    exclusive: oneAtATime(),
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'api-role-'));
  port = await freePort();
  role = await startRole(
    testConfig({
      API_PORT: String(port),
      DATA_DIR: dir,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      NATS_URL: inject('natsUrl'),
      API_BODY_LIMIT: '4096',
    }),
  );
});

afterAll(async () => {
  await role?.stop();
  await rm(dir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

describe('the api role', () => {
  it('serves the API over HTTP, ready once Temporal and NATS answer', async () => {
    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await fetch(url('/readyz'));
    expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'up', nats: 'up' } });
  });

  it('reads the catalogue from the inventory database once it exists', async () => {
    expect((await fetch(url('/products'))).status).toBe(503);
    const inventory = await openInventoryStore({ filename: serviceDatabaseFile(dir, 'inventory') });
    await inventory.close();
    const res = await fetch(url('/products'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { products: unknown[] }).products).toHaveLength(6);
  });

  it('refuses an oversized body by its Content-Length with 413', async () => {
    const res = await fetch(url('/orders'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await asUser(testCustomer)) },
      body: JSON.stringify({ customerId: 'x'.repeat(10_000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses to start on a port that is taken, naming it', async () => {
    const clash = startRole(
      testConfig({ API_PORT: String(port), DATA_DIR: dir, TEMPORAL_ADDRESS: inject('temporalAddress') }),
    );
    await expect(clash).rejects.toThrow(`API: port ${port} on 127.0.0.1 is already in use`);
  });

  it('ends open event streams and closes on stop', async () => {
    const own = await freePort();
    const second = await startRole(
      testConfig({ API_PORT: String(own), DATA_DIR: dir, TEMPORAL_ADDRESS: inject('temporalAddress') }),
    );
    const now = new Date().toISOString();
    readModel.add({ orderId: 'ord-stream', status: 'PENDING', createdAt: now, updatedAt: now });
    const stream = await fetch(`http://127.0.0.1:${own}/orders/ord-stream/events`, {
      headers: await asUser(testOperator),
    });
    expect(stream.status).toBe(200);
    const closedBefore = closedPorts;

    const started = Date.now();
    await second.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await readSse(stream, { timeoutMs: 2_000 })).toEqual([]);
    expect(closedPorts).toBe(closedBefore + 1);
    await expect(fetch(`http://127.0.0.1:${own}/healthz`)).rejects.toThrow();
  });
});
