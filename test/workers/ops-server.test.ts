// Every role process's ops server: /healthz while it lives, /readyz once its roles started and what they need answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsApp } from '../../src/workers/ops-server.js';
import { startCluster } from '../scale/support/cluster.js';
import type { Cluster } from '../scale/support/cluster.js';
import type { RoleProcess } from '../support/processes.js';

const up = { name: 'temporal', check: () => Promise.resolve() };
const down = { name: 'nats', check: () => Promise.reject(new Error('NATS did not answer within 2000 ms')) };

describe('the ops app', () => {
  it('is live whatever the dependencies say', async () => {
    const response = await opsApp(() => [down]).request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is not ready while the roles start or stop', async () => {
    for (const state of ['starting', 'stopping'] as const) {
      const response = await opsApp(() => state).request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: state, checks: {} });
    }
  });

  it('is ready when every probe answers, and names the one that does not', async () => {
    const ready = await opsApp(() => [up]).request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'up' } });
    const notReady = await opsApp(() => [up, down]).request('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not-ready',
      checks: { temporal: 'up', nats: 'down: NATS did not answer within 2000 ms' },
    });
  });
});

describe('a role process', () => {
  let cluster: Cluster;
  const processes: RoleProcess[] = [];

  beforeAll(async () => {
    cluster = await startCluster('ops-server', { METRICS_PORT: '0' });
    processes.push(
      ...(await Promise.all([
        cluster.processes.start('payments-a', 'payments'),
        cluster.processes.start('payments-b', 'payments'),
        cluster.processes.start('analytics', 'analytics'),
      ])),
    );
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  const opsUrl = (process: RoleProcess) => {
    const line = process.lines().find((l) => l.msg === 'ops server listening');
    expect(line, `${process.name} logs its ops server's port`).toBeDefined();
    return String(line?.url);
  };

  it('serves /healthz and /readyz on a port of its own, so copies on one host do not collide', async () => {
    const urls = processes.map(opsUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("checks the role's Temporal worker, its database and the process's NATS connection once it has one", async () => {
    const [payments, , analytics] = processes as [RoleProcess, RoleProcess, RoleProcess];
    const worker = await fetch(`${opsUrl(payments)}/readyz`);
    expect(worker.status).toBe(200);
    // A service worker takes effect without NATS (its events wait in its outbox): NATS is checked only once its
    // relay has opened the process's connection, which it does when it first has an event to publish.
    const { status, checks } = (await worker.json()) as { status: string; checks: Record<string, string> };
    expect(status).toBe('ready');
    expect(checks).toMatchObject({ 'temporal:payments': 'up', 'database:payments': 'up' });
    expect(Object.keys(checks).filter((k) => k !== 'temporal:payments' && k !== 'database:payments')).toEqual(
      'nats' in checks ? ['nats'] : [],
    );
    if ('nats' in checks) expect(checks.nats).toBe('up');
    const subscriber = await fetch(`${opsUrl(analytics)}/readyz`);
    expect(await subscriber.json()).toEqual({ status: 'ready', checks: { nats: 'up', 'database:analytics': 'up' } });
  });
});
