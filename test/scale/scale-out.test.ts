// Issue #6 "Scale out": 200 orders through several processes per role, each order's fate as expected and no effect twice.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { NOTIFICATIONS_CONSUMER } from '../../src/read-models/notifications/projection.js';
import { notifiedEvents } from '../../src/read-models/notifications/render.js';
import { ANALYTICS_CONSUMER } from '../../src/read-models/analytics/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../../src/read-models/orders/projection.js';
import type { OrderState } from '../../src/shared/order-state.js';
import { TaskQueues } from '../../src/shared/task-queues.js';
import type { RoleProcess } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { analyticsSummary, readModelStatuses } from './support/api-reads.js';
import {
  messagesPerSubject,
  startCluster,
  waitForConsumersDrained,
  waitForOutboxesDrained,
} from './support/cluster.js';
import type { Cluster } from './support/cluster.js';
import {
  countByIdentity,
  expectedStatus,
  mixedKinds,
  orderHistories,
  outcomes,
  placeOrders,
} from './support/orders.js';
import type { PlacedOrder } from './support/orders.js';
import { analyticsModel, expectStoresConsistent, notificationsPerEvent } from './support/stores.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const orderCount = 200;

let cluster: Cluster;
let api: string;
let orders: RoleProcess;
const payments: RoleProcess[] = [];
const analytics: RoleProcess[] = [];
const orderReadModel: RoleProcess[] = [];

beforeAll(async () => {
  const started = Date.now();
  cluster = await startCluster('scale-out');
  // The orders role runs the bundle `npm run build` wrote (as the image does), not the workflow source.
  const bundle = join(cluster.dataDir, '..', 'workflow-bundle.js');
  const start = (name: string, roles: string, env?: Record<string, string>) =>
    cluster.processes.start(name, roles, env);
  const [paymentWorkers, subscribers, orderListSubscribers, apiProcess] = await Promise.all([
    Promise.all([1, 2, 3].map((i) => start(`payments-${i}`, 'payments'))),
    Promise.all([1, 2].map((i) => start(`analytics-${i}`, 'analytics'))),
    Promise.all([1, 2].map((i) => start(`order-read-model-${i}`, 'order-read-model'))),
    cluster.startApi('api'),
    start('inventory', 'inventory'),
    start('shipping', 'shipping'),
    start('notifications', 'notifications'),
    execa('npm', ['run', 'build', '--', bundle], { cwd: repoRoot }),
  ]);
  payments.push(...paymentWorkers);
  analytics.push(...subscribers);
  orderReadModel.push(...orderListSubscribers);
  api = apiProcess.url;
  orders = await start('orders', 'orders', { WORKFLOW_BUNDLE: bundle });
  console.info(
    `scale-out: bundle built and ${cluster.processes.all.length} processes started in ${Date.now() - started} ms ` +
      `(each: ${cluster.processes.all.map((p) => `${p.name} ${p.startedInMs}`).join(', ')} ms)`,
  );
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('scaled out: three payments workers, two analytics and two order-read-model subscribers, one of every other role', () => {
  let placed: PlacedOrder[] = [];
  let states = new Map<string, OrderState>();

  it(`takes ${orderCount} orders through the API to the terminal state each one should reach`, async () => {
    onTestFailed(() => cluster.keep());
    const started = Date.now();
    placed = await placeOrders(() => [api], mixedKinds(orderCount), {
      runId: 'scale-out',
      concurrency: 16,
      tokens: cluster.tokens,
    });
    const placedMs = Date.now() - started;
    states = await outcomes(cluster.client, placed);
    const doneMs = Date.now() - started;
    console.info(
      `scale-out: ${orderCount} orders placed in ${placedMs} ms (${placed.filter((o) => o.status === 202).length} ` +
        `answered 202), all finished in ${doneMs} ms (${((orderCount * 1000) / doneMs).toFixed(1)} orders/s)`,
    );

    const wrong = placed.filter((o) => states.get(o.orderId)?.status !== expectedStatus[o.kind]);
    expect(wrong.map((o) => `${o.kind} ${o.orderId}: ${states.get(o.orderId)?.status}`)).toEqual([]);
  }, 150_000);

  it('ran every workflow on the orders process that loaded the prebuilt bundle, and spread payments over all three', async () => {
    onTestFailed(() => cluster.keep());
    expect(placed).toHaveLength(orderCount);
    const { activities, timedOut } = await orderHistories(
      cluster.client,
      placed.map((o) => o.orderId),
    );
    expect(timedOut).toBe(0);
    // publishOrderEvent runs on the orders task queue, in the orders process.
    expect([...countByIdentity(activities, TaskQueues.orders).keys()]).toEqual([orders.identity]);

    const perWorker = countByIdentity(activities, TaskQueues.payments);
    const charges = activities.filter((a) => a.activityType === 'chargePayment');
    expect(charges).toHaveLength(orderCount);
    expect(new Set(perWorker.keys())).toEqual(new Set(payments.map((p) => p.identity)));
    for (const p of payments) expect(perWorker.get(p.identity), p.name).toBeGreaterThan(0);
    console.info(
      `scale-out: payments activities per worker: ${payments.map((p) => `${p.name}=${perWorker.get(p.identity)}`).join(', ')}`,
    );
  });

  it('stored each charge, reservation and shipment once, and conserved every unit of stock', async () => {
    onTestFailed(() => cluster.keep());
    await expectStoresConsistent(cluster.file, placed);
  });

  it('published each event once and the subscribers applied each once: read models and revenue add up', async () => {
    onTestFailed(() => cluster.keep());
    await waitForOutboxesDrained(cluster.dataDir);
    await waitForConsumersDrained(cluster.nc, [ANALYTICS_CONSUMER, ORDER_READ_MODEL_CONSUMER, NOTIFICATIONS_CONSUMER]);

    const subjects = await messagesPerSubject(cluster.nc);
    expect(Object.entries(subjects).filter(([, n]) => n !== 1)).toEqual([]);
    const perEvent: Record<string, number> = {};
    for (const subject of Object.keys(subjects)) {
      const name = subject.split('.')[2] ?? '?';
      perEvent[name] = (perEvent[name] ?? 0) + 1;
    }
    expect(perEvent.OrderCreated).toBe(orderCount);
    const eventCount = Object.keys(subjects).length;

    const count = (kind: PlacedOrder['kind']) => placed.filter((o) => o.kind === kind).length;
    const completed = placed.filter((o) => o.kind === 'ok');
    const charged = placed.filter((o) => o.kind !== 'declined');
    const sum = (list: PlacedOrder[]) =>
      list.reduce((total, o) => total + (states.get(o.orderId)?.total?.amount ?? 0), 0);
    const summary = await waitFor(
      async () => {
        const s = await analyticsSummary(api, await cluster.tokens.operator());
        return s.eventsProcessed === eventCount ? s : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'analytics to apply every event' },
    );
    const byStatus = { COMPLETED: completed.length, FAILED: orderCount - completed.length };
    expect(summary).toMatchObject({
      ordersByStatus: byStatus,
      revenue: [{ amount: sum(completed), currency: 'EUR' }],
      failuresByReason: {
        PaymentDeclined: count('declined'),
        OutOfStock: count('soldout'),
        AddressRejected: count('unserved'),
      },
    });
    const model = await analyticsModel(cluster.file);
    expect(model.events).toEqual(perEvent);
    expect(model.orders).toEqual({ total: orderCount, byStatus });
    expect(model.revenue).toEqual({
      EUR: { captured: sum(charged), refunded: sum(charged) - sum(completed), net: sum(completed) },
    });

    const statuses = await readModelStatuses(api, await cluster.tokens.operator());
    expect(statuses.size).toBe(orderCount);
    const wrong = placed.filter((o) => statuses.get(o.orderId) !== expectedStatus[o.kind]);
    expect(wrong.map((o) => `${o.kind} ${o.orderId}: ${statuses.get(o.orderId)}`)).toEqual([]);

    const notified = new Set<string>(notifiedEvents);
    const notifiable = Object.fromEntries(Object.entries(perEvent).filter(([name]) => notified.has(name)));
    expect(await notificationsPerEvent(cluster.file)).toEqual(notifiable);
  }, 90_000);

  it('shared each read model between its two processes, each running only its own, and each stops cleanly on SIGTERM', async () => {
    onTestFailed(() => cluster.keep());
    const eventCount = Object.keys(await messagesPerSubject(cluster.nc)).length;
    const handled = { [ANALYTICS_CONSUMER]: 0, [ORDER_READ_MODEL_CONSUMER]: 0 };
    const shares: string[] = [];
    const roles = [
      [ANALYTICS_CONSUMER, analytics],
      [ORDER_READ_MODEL_CONSUMER, orderReadModel],
    ] as const;
    for (const [consumer, processes] of roles) {
      for (const p of processes) {
        const exit = await p.stop('SIGTERM');
        expect(exit, p.name).toMatchObject({ code: 0 });
        // The role's own account, logged as it stops: the events this instance handled on its durable, and on no other.
        const line = p.lines().find((l) => l.msg === 'stopped' && l.handled !== undefined);
        const counts = line?.handled as Record<string, { handled: number } | undefined> | undefined;
        expect(Object.keys(counts ?? {}), p.name).toEqual([consumer]);
        const n = counts?.[consumer]?.handled ?? 0;
        expect(n, `${p.name} ${consumer}`).toBeGreaterThan(0);
        handled[consumer] += n;
        shares.push(`${p.name}=${n}`);
      }
    }
    console.info(`scale-out: events handled of ${eventCount}: ${shares.join(', ')}`);
    // Together they handled every event; more only if one was redelivered (the inbox then made it a no-op).
    expect(handled[ANALYTICS_CONSUMER]).toBeGreaterThanOrEqual(eventCount);
    expect(handled[ORDER_READ_MODEL_CONSUMER]).toBeGreaterThanOrEqual(eventCount);
  });
});
