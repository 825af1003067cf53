// The trace across the outbox and the broker, on a real nats-server and real SQLite stores: the activity's span is stored with its event, the relay publishes under it, each subscriber continues it.
import { SpanKind } from '@opentelemetry/api';
import { OpenTelemetryActivityInboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../src/activities/orders/activities.js';
import { openOrderStore } from '../../src/activities/orders/store.js';
import type { KyselyOrderStore } from '../../src/activities/orders/store.js';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { OutboxRelay } from '../../src/events/outbox/relay.js';
import { startNotificationsService } from '../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../src/read-models/service.js';
import type { PublishOrderEventInput } from '../../src/shared/activity-contracts.js';
import { eventsLogger, lineOf, newOrderId, startEventsServer, testSettings } from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';
import { startReadModels, tempDir, waitForDrained } from '../events/consumer/support.js';
import type { ReadModels, TempDir } from '../events/consumer/support.js';
import { installMemoryTracing, parentOf } from '../support/tracing.js';
import type { MemoryTracing } from '../support/tracing.js';

let events: EventsServer;
let dir: TempDir;
let tracing: MemoryTracing;
let store: KyselyOrderStore;
let readModels: ReadModels;
let notifications: ReadModelService<NotificationStore>;
let relay: OutboxRelay;

beforeAll(async () => {
  tracing = installMemoryTracing();
  events = await startEventsServer();
  dir = await tempDir();
  store = await openOrderStore({ filename: dir.file('orders') });
  readModels = await startReadModels({
    nc: await events.connect('read-models'),
    locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('read-orders') } },
    settings: testSettings,
    logger: eventsLogger,
  });
  notifications = await startNotificationsService({
    nc: await events.connect('notifications'),
    location: { filename: dir.file('notifications') },
    settings: testSettings,
    logger: eventsLogger,
  });
  relay = new OutboxRelay({
    outbox: store.outbox,
    publisher: async () => new JetStreamEventPublisher(await events.connect('relay'), { timeoutMs: 2_000 }),
    settings: {
      pollIntervalMs: 50,
      batchSize: 100,
      retryInitialMs: 50,
      retryMaxMs: 300,
      claimMs: 5_000,
      pruneAfterMs: 120_000,
      backlogLogIntervalMs: 60_000,
    },
    logger: eventsLogger,
  });
});
afterAll(async () => {
  await readModels?.stop();
  await notifications?.stop();
  await store?.close();
  await events?.stop();
  await dir?.remove();
  await tracing?.stop();
});

/** Runs the order-event activity as a worker would with the SDK's OpenTelemetry activity interceptor installed. */
function runTracedActivity(input: PublishOrderEventInput, workflowId: string): Promise<void> {
  const activities = createOrderActivities({ store });
  const env = new MockActivityEnvironment(
    { activityType: 'publishOrderEvent', workflowExecution: { workflowId, runId: 'run-1' } },
    {
      logger: new DefaultLogger('ERROR'),
      interceptors: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })],
    },
  );
  return env.run((i: PublishOrderEventInput) => activities.publishOrderEvent(i), input);
}

describe('one trace across the outbox and JetStream', () => {
  it('stores the activity span with the event, publishes under it, and each subscriber handles it as a child of the publish', async () => {
    const orderId = newOrderId('traced');
    await runTracedActivity(
      {
        name: 'OrderCreated',
        step: 'created',
        orderId,
        customerId: 'c-trace',
        status: 'PENDING',
        total: { amount: 1_250, currency: 'EUR' },
        lines: [lineOf({ amount: 1_250, currency: 'EUR' })],
      },
      `order-${orderId}`,
    );
    const activitySpan = tracing.spans().find((s) => s.name === 'RunActivity:publishOrderEvent');
    expect(activitySpan).toBeDefined();
    const { traceId, spanId } = activitySpan!.spanContext();

    // The row and the envelope carry the activity's context, as committed with the effect.
    const [row] = await store.outbox.list({ orderId });
    expect(row?.envelope).toMatchObject({ traceparent: `00-${traceId}-${spanId}-01` });

    expect(await relay.drain()).toBe(1);
    await waitForDrained(events.nc, 'order-read-model');
    await waitForDrained(events.nc, 'analytics');
    await waitForDrained(events.nc, 'notifications');

    const inTrace = tracing.spans().filter((s) => s.spanContext().traceId === traceId);
    const publish = inTrace.find((s) => s.kind === SpanKind.PRODUCER);
    expect(publish?.name).toBe(`publish orders.${orderId}.OrderCreated`);
    expect(parentOf(publish!)).toBe(spanId);
    const processed = inTrace.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(processed.map((s) => s.attributes['messaging.consumer.group.name']).sort()).toEqual([
      'analytics',
      'notifications',
      'order-read-model',
    ]);
    for (const span of processed) expect(parentOf(span)).toBe(publish!.spanContext().spanId);
  });
});
