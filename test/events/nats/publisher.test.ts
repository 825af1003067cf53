// The JetStream publisher and topology on a real nats-server: de-duplication by event ID, and no hang while NATS is down.
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublishError } from '../../../src/events/nats/errors.js';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import {
  ADVISORY_STREAM,
  DEAD_LETTER_STREAM,
  ensureEventStreams,
  ORDERS_STREAM,
} from '../../../src/events/nats/topology.js';
import { waitFor } from '../../support/wait-for.js';
import {
  completedOrderEvents,
  newOrderId,
  orderSubjects,
  messageOf,
  startEventsServer,
  streamMessages,
  testSettings,
} from './fixtures.js';
import type { EventsServer } from './fixtures.js';

let events: EventsServer;

beforeAll(async () => {
  events = await startEventsServer();
});

afterAll(async () => {
  await events?.stop();
});

describe('stream topology', () => {
  it('creates the streams once and updates them in place on every later start', async () => {
    const jsm = await jetstreamManager(events.nc);
    await ensureEventStreams(jsm, { ...testSettings, maxAgeMs: 7_200_000 });
    await ensureEventStreams(jsm, { ...testSettings, maxAgeMs: 7_200_000 });

    const orders = await jsm.streams.info(ORDERS_STREAM);
    expect(orders.config).toMatchObject({
      subjects: ['orders.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: 7_200_000 * 1_000_000,
      duplicate_window: testSettings.duplicateWindowMs * 1_000_000,
      num_replicas: 1,
    });
    expect((await jsm.streams.info(DEAD_LETTER_STREAM)).config.subjects).toEqual(['dlq.>']);
    expect((await jsm.streams.info(ADVISORY_STREAM)).config.subjects).toEqual([
      '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.*',
    ]);
    await ensureEventStreams(jsm, testSettings);
    expect((await jsm.streams.info(ORDERS_STREAM)).config.max_age).toBe(testSettings.maxAgeMs * 1_000_000);
  });
});

describe('JetStreamEventPublisher', () => {
  it('stores an event published twice (a retried activity) once', async () => {
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
    const orderId = newOrderId();
    const [created] = completedOrderEvents(orderId, 'cus-1');
    const before = await streamMessages(events.nc);

    await publisher.publish(messageOf(created!));
    await publisher.publish(messageOf(created!));

    expect(await streamMessages(events.nc)).toBe(before + 1);
    expect(await orderSubjects(events.nc, orderId)).toEqual([`orders.${orderId}.OrderCreated`]);
  });

  it('rejects promptly while NATS is down, and a retry after the restart publishes each event once', async () => {
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 500 });
    const orderId = newOrderId();
    const [created, paid] = completedOrderEvents(orderId, 'cus-2');
    await publisher.publish(messageOf(created!));

    await events.halt();
    const started = Date.now();
    await expect(publisher.publish(messageOf(paid!))).rejects.toBeInstanceOf(EventPublishError);
    expect(Date.now() - started).toBeLessThan(3_000);
    // Still down: every retry fails fast too, and says which event it was.
    await expect(publisher.publish(messageOf(paid!))).rejects.toThrow(new RegExp(paid!.id));

    await events.restart();
    // What the outbox relay does: publish the same row (same message) again until it goes through.
    await waitFor(() => publisher.publish(messageOf(paid!)).then(() => true), {
      timeoutMs: 20_000,
      what: 'a publish after the restart',
    });
    await publisher.publish(messageOf(paid!));

    expect(await orderSubjects(events.nc, orderId)).toEqual([
      `orders.${orderId}.OrderCreated`,
      `orders.${orderId}.PaymentProcessed`,
    ]);
  });
});
