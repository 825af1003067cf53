// Every named series on the real processes: each role's /metrics, found through the file_sd targets files, exposes
// the series it owns, and they move when orders run (one completes, one fails and is compensated).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetsDir } from '../../src/metrics/targets-file.js';
import { orderWorkflowId } from '../../src/shared/order.js';
import { startCluster } from '../scale/support/cluster.js';
import type { Cluster } from '../scale/support/cluster.js';
import { orderBody, placeOrders } from '../scale/support/orders.js';
import { waitFor } from '../support/wait-for.js';

/** Where each series lives: the process whose roles own it (a deployment runs one role per process). */
const processRoles = {
  api: 'api',
  orders: 'orders',
  services: 'payments,inventory,shipping',
  subscribers: 'notifications,analytics,order-read-model',
} as const;
type ProcessName = keyof typeof processRoles;

const owned: Record<ProcessName, readonly string[]> = {
  api: [
    'order_saga_api_requests_total',
    'order_saga_api_request_duration_seconds_bucket',
    'order_saga_api_event_streams_open',
  ],
  orders: [
    'order_saga_orders_started_total',
    'order_saga_orders_ended_total',
    'order_saga_order_duration_seconds_bucket',
    'order_saga_orders_parked',
    'order_saga_outbox_pending',
    'order_saga_outbox_oldest_age_seconds',
    'order_saga_saga_step_duration_seconds_bucket',
  ],
  services: [
    'order_saga_saga_step_duration_seconds_bucket',
    'order_saga_compensations_total',
    'order_saga_outbox_pending',
    'order_saga_outbox_oldest_age_seconds',
    // The Temporal SDK's own, through the same page.
    'temporal_activity_schedule_to_start_latency_bucket',
  ],
  subscribers: [
    'order_saga_consumer_pending',
    'order_saga_consumer_ack_pending',
    'order_saga_consumer_redelivered',
    'order_saga_dead_letters',
    'order_saga_inbox_events',
  ],
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, enough of it for our pages: `name{a="b",...} value`. */
function parse(page: string): Sample[] {
  return page
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      ) as Record<string, string>;
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The sum of a series' samples whose labels include `labels`. */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('metrics on every role', () => {
  let cluster: Cluster;
  let api: string;
  const urls = new Map<ProcessName, string>();
  const scrape = async (name: ProcessName) => {
    const response = await fetch(`${urls.get(name)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return parse(await response.text());
  };

  beforeAll(async () => {
    cluster = await startCluster('metrics', { METRICS_PORT: '0' });
    const started = await cluster.startApi('api');
    api = started.url;
    await Promise.all(
      (['orders', 'services', 'subscribers'] as const).map((name) => cluster.processes.start(name, processRoles[name])),
    );
    // Each process registered its endpoint for Prometheus: one file each, found as Prometheus would.
    const dir = targetsDir(cluster.dataDir);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(4);
    for (const file of files) {
      const [group] = JSON.parse(readFileSync(join(dir, file), 'utf8')) as [
        { targets: [string]; labels: { roles: string; job: string } },
      ];
      const name = (Object.keys(processRoles) as ProcessName[]).find((n) => processRoles[n] === group.labels.roles);
      expect(name, `a targets file for roles ${group.labels.roles}`).toBeDefined();
      urls.set(name as ProcessName, `http://${group.targets[0]}`);
    }
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('exposes each series on the role that owns it, and they move when orders run', async () => {
    const before = {
      api: await scrape('api'),
      orders: await scrape('orders'),
      services: await scrape('services'),
      subscribers: await scrape('subscribers'),
    };
    const operator = await cluster.tokens.operator();
    // One completes; one is sold out, so its charge is refunded (a compensation) and it fails.
    const placed = await placeOrders(() => [api], ['ok', 'soldout'], {
      concurrency: 2,
      runId: 'metrics',
      tokens: cluster.tokens,
    });
    // One is sold out and its refund refused: the compensation fails and the order parks in COMPENSATION_FAILED.
    const blocked = { ...orderBody('soldout', 2), payment: { token: 'tok_refund_blocked' } };
    const parkedAnswer = await fetch(`${api}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'metrics-parked',
        authorization: `Bearer ${await cluster.tokens.customer(blocked.customerId)}`,
      },
      body: JSON.stringify(blocked),
    });
    expect([201, 202]).toContain(parkedAnswer.status);
    const { orderId: parkedId } = (await parkedAnswer.json()) as { orderId: string };
    // An event stream held open on the parked order (its stream stays open while it waits for an operator).
    const streamed = new AbortController();
    const stream = await fetch(`${api}/orders/${parkedId}/events`, {
      headers: { authorization: `Bearer ${operator}`, accept: 'text/event-stream' },
      signal: streamed.signal,
    });
    expect(stream.status).toBe(200);
    const streamsOpen = total(await scrape('api'), 'order_saga_api_event_streams_open');
    streamed.abort();
    await Promise.all(placed.map((o) => cluster.client.workflow.getHandle(orderWorkflowId(o.orderId)).result()));
    await waitFor(async () => total(await scrape('orders'), 'order_saga_orders_parked') === 1, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the orders role to count the parked order',
    });
    // The subscribers have handled every event once their durables have nothing pending or unacknowledged.
    await waitFor(
      async () => {
        const now = await scrape('subscribers');
        return (
          total(now, 'order_saga_inbox_events') > total(before.subscribers, 'order_saga_inbox_events') &&
          total(now, 'order_saga_consumer_pending') === 0 &&
          total(now, 'order_saga_consumer_ack_pending') === 0
        );
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the subscribers to handle the orders’ events' },
    );
    const after = {
      api: await scrape('api'),
      orders: await scrape('orders'),
      services: await scrape('services'),
      subscribers: await scrape('subscribers'),
    };

    for (const [name, series] of Object.entries(owned) as [ProcessName, readonly string[]][]) {
      const present = new Set(after[name].map((s) => s.name));
      for (const metric of series) expect(present.has(metric), `${processRoles[name]} exposes ${metric}`).toBe(true);
    }

    const moved = (name: ProcessName, metric: string, labels: Record<string, string> = {}) =>
      total(after[name], metric, labels) - total(before[name], metric, labels);
    expect(moved('api', 'order_saga_api_requests_total', { method: 'POST', route: '/orders' })).toBe(3);
    expect(moved('api', 'order_saga_api_request_duration_seconds_count', { route: '/orders' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(streamsOpen).toBe(1);
    expect(moved('api', 'order_saga_api_requests_total', { route: '/orders/:orderId/events', status: '200' })).toBe(1);
    expect(moved('orders', 'order_saga_orders_started_total')).toBe(3);
    expect(moved('orders', 'order_saga_orders_ended_total', { status: 'COMPLETED' })).toBe(1);
    expect(moved('orders', 'order_saga_orders_ended_total', { status: 'FAILED' })).toBe(1);
    expect(moved('orders', 'order_saga_orders_ended_total', { status: 'COMPENSATION_FAILED' })).toBe(1);
    expect(moved('orders', 'order_saga_order_duration_seconds_count')).toBe(3);
    expect(
      moved('services', 'order_saga_saga_step_duration_seconds_count', { step: 'chargePayment', outcome: 'ok' }),
    ).toBe(3);
    expect(moved('services', 'order_saga_compensations_total', { compensation: 'refundPayment', outcome: 'ok' })).toBe(
      1,
    );
    expect(
      moved('services', 'order_saga_compensations_total', { compensation: 'refundPayment', outcome: 'failed' }),
    ).toBeGreaterThan(0);
    expect(moved('services', 'temporal_activity_schedule_to_start_latency_count')).toBeGreaterThan(0);
    for (const consumer of ['notifications', 'analytics', 'order-read-model']) {
      expect(moved('subscribers', 'order_saga_inbox_events', { consumer }), `${consumer}'s inbox grew`).toBeGreaterThan(
        0,
      );
    }
    // What is back at rest once the orders have gone through: nothing waits, nothing is parked or dead.
    for (const service of ['payments', 'inventory', 'shipping']) {
      expect(after.services.some((s) => s.name === 'order_saga_outbox_pending' && s.labels.service === service)).toBe(
        true,
      );
    }
    expect(total(before.orders, 'order_saga_orders_parked')).toBe(0);
    expect(total(after.orders, 'order_saga_orders_parked')).toBe(1);
    expect(total(after.subscribers, 'order_saga_dead_letters')).toBe(0);
    // An operator reads a route's pattern, never an order's ID, in the API's series.
    expect(after.api.some((s) => s.labels.route?.includes(placed[0]?.orderId ?? '-'))).toBe(false);
    expect(after.api.some((s) => s.labels.route === '/orders/:orderId/events')).toBe(true);
  }, 180_000);

  it('removes its targets file on a clean shutdown', async () => {
    const subscribers = cluster.processes.all.find((p) => p.name === 'subscribers');
    await subscribers?.stop('SIGTERM');
    expect(readdirSync(targetsDir(cluster.dataDir)).filter((f) => f.endsWith('.json'))).toHaveLength(3);
  }, 60_000);
});
