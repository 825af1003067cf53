// GET /readyz answers 503 naming what is unreachable: NATS on a closed port or stopped, Temporal on a closed port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { natsConnectionReadiness, natsUrlReadiness } from '../../src/api/adapters/nats-readiness.js';
import { temporalReadiness } from '../../src/api/adapters/temporal-readiness.js';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import { buildTestApi, expectErrorShape } from './support/api-fixture.js';

let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
});

describe('not ready', () => {
  it('names NATS when nothing listens on its port, and stays alive', async () => {
    const closed = `nats://127.0.0.1:${await freePort()}`;
    const { app } = buildTestApi(client, { readiness: [temporalReadiness(client), natsUrlReadiness(closed, 500)] });
    const error = await expectErrorShape(await app.request('/readyz'), 503, 'NOT_READY');
    expect(error.message).toBe('Not ready: nats unreachable');
    const { checks } = error.details as { checks: Record<string, string> };
    expect(checks.temporal).toBe('up');
    expect(checks.nats).toMatch(/^down: /);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('names Temporal when its frontend does not answer', async () => {
    const down = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const offline = new Client({ connection: down });
      const probes = [temporalReadiness(offline, 500), natsUrlReadiness(inject('natsUrl'))];
      const { app } = buildTestApi(client, { readiness: probes });
      const error = await expectErrorShape(await app.request('/readyz'), 503, 'NOT_READY');
      expect(error.message).toBe('Not ready: temporal unreachable');
    } finally {
      await down.close();
    }
  });

  it('notices a NATS server that went away under an open connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'api-nats-'));
    const server = await startNatsServer({ port: await freePort(), monitorPort: await freePort(), storeDir: dir });
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const { app } = buildTestApi(client, { readiness: [natsConnectionReadiness(nc, 500)] });
      expect((await app.request('/readyz')).status).toBe(200);

      await server.stop();
      const error = await expectErrorShape(await app.request('/readyz'), 503, 'NOT_READY');
      expect(error.message).toBe('Not ready: nats unreachable');
    } finally {
      await nc.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
