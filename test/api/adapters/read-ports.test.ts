// The API's read ports over the event side: order list and detail, notifications, analytics, and an order's event history.
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/events/envelope.js';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { NOTIFICATIONS_CONSUMER } from '../../../src/read-models/notifications/projection.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../../src/read-models/service.js';
import { openEventReadPorts } from '../../../src/api/adapters/read-ports.js';
import type { EventReadPorts } from '../../../src/api/adapters/read-ports.js';
import {
  completedOrderEvents,
  failedOrderEvents,
  newOrderId,
  eventsLogger,
  startEventsServer,
  testSettings,
  lineOf,
} from '../../events/nats/fixtures.js';
import type { EventsServer } from '../../events/nats/fixtures.js';
import { publishAll, startReadModels, tempDir, waitForDrained } from '../../events/consumer/support.js';
import type { ReadModels, TempDir } from '../../events/consumer/support.js';

let events: EventsServer;
let dir: TempDir;
let analytics: ReadModels;
let notifications: ReadModelService<NotificationStore>;
let ports: EventReadPorts;
const completed = newOrderId('api');
const failed = newOrderId('api');
let completedEvents: EventEnvelope[];

beforeAll(async () => {
  events = await startEventsServer();
  dir = await tempDir();
  analytics = await startReadModels({
    nc: events.nc,
    locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('order-read-model') } },
    settings: testSettings,
    logger: eventsLogger,
  });
  notifications = await startNotificationsService({
    nc: events.nc,
    location: { filename: dir.file('notifications') },
    settings: testSettings,
    logger: eventsLogger,
  });
  ports = await openEventReadPorts({ config: { DATA_DIR: dir.path }, nc: events.nc });
  const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
  completedEvents = completedOrderEvents(completed, 'cus-api');
  await publishAll(publisher, [...completedEvents, ...failedOrderEvents(failed, 'cus-api')]);
  for (const consumer of ['analytics', 'order-read-model', NOTIFICATIONS_CONSUMER])
    await waitForDrained(events.nc, consumer);
});

afterAll(async () => {
  await ports?.close();
  await Promise.allSettled([analytics?.stop(), notifications?.stop()]);
  await events?.stop();
  await dir?.remove();
});

describe('the API read ports', () => {
  it('list and show orders as OrderSummary, with lines, total and failure', async () => {
    const page = await ports.orders.listOrders({ customerId: 'cus-api', limit: 1 });
    expect(page.orders).toEqual([
      {
        orderId: failed,
        customerId: 'cus-api',
        status: 'FAILED',
        total: { amount: 1_000, currency: 'USD' },
        lines: [lineOf({ amount: 1_000, currency: 'USD' })],
        failure: { code: 'OutOfStock', message: 'SKU-MUG: 5 requested, 2 available' },
        createdAt: '2026-01-01T11:00:00.000Z',
        updatedAt: '2026-01-01T11:00:05.000Z',
      },
    ]);
    const next = await ports.orders.listOrders({ customerId: 'cus-api', limit: 1, cursor: page.nextCursor! });
    expect(next.orders.map((o) => o.orderId)).toEqual([completed]);
    expect(next.nextCursor).toBeUndefined();
    expect(await ports.orders.getOrder(completed)).toMatchObject({
      status: 'COMPLETED',
      lines: [{ sku: 'SKU-MUG', quantity: 3, name: 'Mug' }],
      total: { amount: 3_750, currency: 'EUR' },
    });
    expect(await ports.orders.getOrder('unknown')).toBeUndefined();
    await expect(ports.orders.listOrders({ limit: 5, cursor: 'bogus' })).rejects.toMatchObject({
      code: 'InvalidCursor',
    });
  });

  it('list a customer’s notifications newest first, and summarise analytics', async () => {
    const list = await ports.notifications.listNotifications('cus-api');
    expect(list[0]).toMatchObject({ orderId: failed, event: 'OrderFailed' });
    expect(list[0]?.message).toMatch(/^Order could not be completed: /);
    expect(list).toHaveLength(3 + 5);
    expect(await ports.analytics.summary()).toMatchObject({
      ordersByStatus: { COMPLETED: 1, FAILED: 1 },
      revenue: [
        { amount: 3_750, currency: 'EUR' },
        { amount: 0, currency: 'USD' },
      ],
      failuresByReason: { OutOfStock: 1 },
      eventsProcessed: 10,
    });
  });

  it('follow an order: stored events in order, then new ones, until aborted', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const later = completedOrderEvents(completed, 'cus-api', new Date('2026-03-01T00:00:00Z'));
    for await (const { envelope } of ports.events.follow(completed, abort.signal)) {
      seen.push(envelope.id);
      if (seen.length === completedEvents.length) {
        // A stored copy of an event already seen (as a re-drive makes) is not yielded again.
        await jetstream(events.nc).publish(`orders.${completed}.OrderCreated`, JSON.stringify(later[0]), {
          msgID: 'a-copy',
        });
        setTimeout(() => abort.abort(), 200);
      }
    }
    expect(seen).toEqual(completedEvents.map((e) => e.id));
  });

  it('recorded: the stored events of an order in order, once, without waiting for more; none for an unknown order', async () => {
    const stored = await ports.events.recorded(completed, 100);
    expect(stored.map((e) => e.envelope.id)).toEqual(completedEvents.map((e) => e.id));
    expect((await ports.events.recorded(completed, 2)).map((e) => e.envelope.id)).toEqual(
      completedEvents.slice(0, 2).map((e) => e.id),
    );
    expect(await ports.events.recorded(newOrderId('none'), 100)).toEqual([]);
  });
});
