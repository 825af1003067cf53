// GET /healthz and GET /readyz against the suite's real Temporal dev server and nats-server.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { natsConnectionReadiness, natsUrlReadiness } from '../../src/api/adapters/nats-readiness.js';
import { temporalReadiness } from '../../src/api/adapters/temporal-readiness.js';
import { buildTestApi } from './support/api-fixture.js';

let connection: Connection;
let client: Client;
let nc: NatsConnection;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  nc = await connect({ servers: inject('natsUrl') });
});

afterAll(async () => {
  await nc?.close();
  await connection?.close();
});

describe('health', () => {
  it('answers /healthz without looking at dependencies', async () => {
    const { app } = buildTestApi(client);
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when Temporal and NATS answer (fresh NATS connection)', async () => {
    const { app } = buildTestApi(client, {
      readiness: [temporalReadiness(client), natsUrlReadiness(inject('natsUrl'))],
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { temporal: 'up', nats: 'up' } });
  });

  it('is ready when Temporal and NATS answer (the process’s own NATS connection)', async () => {
    const { app } = buildTestApi(client, { readiness: [temporalReadiness(client), natsConnectionReadiness(nc)] });
    expect((await app.request('/readyz')).status).toBe(200);
  });
});
