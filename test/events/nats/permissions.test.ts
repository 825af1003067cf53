// The NATS users' grants on a real nats-server configured as the main command configures it: what each user may do,
// and that what it may not is refused with a permissions violation and changes nothing.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetStreamEventHistory } from '../../../src/api/adapters/jetstream-event-history.js';
import { loadConfig } from '../../../src/config/env.js';
import { eventCatalogue, eventNames, eventSubject } from '../../../src/events/catalogue.js';
import type { EventName, EventProducer } from '../../../src/events/catalogue.js';
import type { ParsedEvent } from '../../../src/events/envelope.js';
import { publishDeadLetter } from '../../../src/events/nats/dead-letters.js';
import { redriveDeadLetters } from '../../../src/events/nats/redrive.js';
import { setUpEventStreams } from '../../../src/events/nats/setup.js';
import {
  ADVISORY_STREAM,
  DEAD_LETTER_STREAM,
  ORDERS_STREAM,
  ensureEventStreams,
  ensureSubscriberConsumers,
  eventStreams,
  requireEventStreams,
} from '../../../src/events/nats/topology.js';
import { createRoleContext } from '../../../src/workers/role-context.js';
import { eventsLogger, newOrderId, startEventsServer, testSettings } from './fixtures.js';
import type { EventsServer } from './fixtures.js';

let events: EventsServer;

beforeAll(async () => {
  events = await startEventsServer(testSettings, { users: true });
});
afterAll(async () => {
  await events?.stop();
});

const permissionViolation = /permissions violation/i;
const publishAs = (nc: NatsConnection, subject: string, data = '{}') =>
  jetstream(nc, { timeout: 2_000 }).publish(subject, data, { expect: { streamName: ORDERS_STREAM } });
/** How many messages the event log holds on one subject, read as the set-up (which may read everything). */
const storedOn = async (subject: string) => {
  const info = await (await jetstreamManager(events.nc)).streams.info(ORDERS_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
};

const eventsOf = (producer: EventProducer) => eventNames.filter((n) => eventCatalogue[n].producer === producer);
const producers: EventProducer[] = ['orders', 'payments', 'inventory', 'shipping'];

describe('a subscriber', () => {
  it('cannot publish a forged OrderCompleted: a permissions violation, and nothing lands in the stream', async () => {
    const orderId = newOrderId('forged');
    const subject = eventSubject(orderId, 'OrderCompleted');
    for (const user of ['notifications', 'analytics', 'order-read-model'] as const) {
      const nc = await events.connectAs(user);
      await expect(publishAs(nc, subject), user).rejects.toThrow(permissionViolation);
    }
    expect(await storedOn(subject)).toBe(0);
  });

  it('consumes its own durables and may not create, read or pull from another subscriber’s', async () => {
    const orderId = newOrderId('durable');
    await publishAs(await events.connectAs('orders'), eventSubject(orderId, 'OrderCreated'));
    const nc = await events.connectAs('notifications');
    const jsm = await jetstreamManager(nc);
    await ensureSubscriberConsumers(jsm, 'notifications', ['orders.>'], testSettings);
    const consumer = await jetstream(nc).consumers.get(ORDERS_STREAM, 'notifications');
    const message = await consumer.next({ expires: 2_000 });
    expect(message?.subject).toBe(eventSubject(orderId, 'OrderCreated'));
    await message?.ackAck();

    await expect(ensureSubscriberConsumers(jsm, 'analytics', ['orders.>'], testSettings)).rejects.toThrow(
      permissionViolation,
    );
    await expect(jetstream(nc, { timeout: 2_000 }).consumers.get(ORDERS_STREAM, 'order-read-model')).rejects.toThrow(
      permissionViolation,
    );
  });

  it('dead-letters only under its own name', async () => {
    const nc = await events.connectAs('analytics');
    const letter = {
      stream: ORDERS_STREAM,
      streamSeq: 1,
      subject: eventSubject(newOrderId('dlq'), 'OrderCreated'),
      data: new TextEncoder().encode('{}'),
      deliveries: 3,
      reason: 'max-deliveries' as const,
    };
    await publishDeadLetter(jetstream(nc), { ...letter, consumer: 'analytics' }, 2_000);
    await expect(publishDeadLetter(jetstream(nc), { ...letter, consumer: 'notifications' }, 2_000)).rejects.toThrow(
      permissionViolation,
    );
    // Tidy: the operator test below counts the dead letters it re-drives.
    await redriveDeadLetters({ nc: await events.connectAs('operator'), consumer: 'analytics' });
  });
});

describe('each service', () => {
  it.each(producers)('%s publishes its own events and not another service’s', async (producer) => {
    const nc = await events.connectAs(producer);
    const orderId = newOrderId(producer);
    for (const name of eventsOf(producer)) {
      await expect(publishAs(nc, eventSubject(orderId, name)), name).resolves.toMatchObject({ stream: ORDERS_STREAM });
    }
    const others = eventNames.filter((n) => eventCatalogue[n].producer !== producer);
    for (const name of others) {
      const subject = eventSubject(orderId, name);
      await expect(publishAs(nc, subject), name).rejects.toThrow(permissionViolation);
      expect(await storedOn(subject), name).toBe(0);
    }
  });

  it('publishes only on the event log’s subjects: not on the dead letters, not a subject of its own making', async () => {
    const nc = await events.connectAs('payments');
    const orderId = newOrderId('elsewhere');
    await expect(
      jetstream(nc, { timeout: 2_000 }).publish(`dlq.notifications.${eventSubject(orderId, 'PaymentProcessed')}`),
    ).rejects.toThrow(permissionViolation);
    await expect(publishAs(nc, `orders.${orderId}.PaymentProcessed.extra`)).rejects.toThrow(permissionViolation);
  });

  it('connects as its own user from the data folder, through the role context', async () => {
    const config = loadConfig({ DATA_DIR: events.dir, NATS_URL: events.url, LOG_LEVEL: 'silent' });
    const context = createRoleContext(config, eventsLogger, 'permissions-test');
    try {
      const payments = await context.forRole('payments').publisher();
      const orderId = newOrderId('ctx');
      const message = (name: EventName) => ({
        id: `${orderId}-${name}`,
        subject: eventSubject(orderId, name),
        payload: '{}',
        headers: {},
      });
      await payments.publish(message('PaymentProcessed'));
      await expect(payments.publish(message('OrderCompleted'))).rejects.toThrow(permissionViolation);
      // Each role its own connection, named after its user.
      const api = await context.forRole('api').nats();
      expect(api.info?.client_id).not.toBe((await context.forRole('payments').nats()).info?.client_id);
      expect(await storedOn(eventSubject(orderId, 'OrderCompleted'))).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the API', () => {
  it('cannot delete, create or change a stream', async () => {
    const jsm = await jetstreamManager(await events.connectAs('api'));
    await expect(jsm.streams.delete(ORDERS_STREAM)).rejects.toThrow(permissionViolation);
    await expect(jsm.streams.add({ name: 'STOLEN', subjects: ['stolen.>'] })).rejects.toThrow(permissionViolation);
    await expect(ensureEventStreams(jsm, { ...testSettings, maxAgeMs: 60_000 })).rejects.toThrow(permissionViolation);
    await expect(jsm.streams.purge(ORDERS_STREAM)).rejects.toThrow(permissionViolation);
    const setup = await jetstreamManager(events.nc);
    expect((await setup.streams.names().next()).sort()).toEqual([...eventStreams].sort());
    expect((await setup.streams.info(ORDERS_STREAM)).config.max_age).toBe(testSettings.maxAgeMs * 1_000_000);
  });

  it('follows an order through an ephemeral ordered consumer, and cannot touch a subscriber’s durable', async () => {
    const orderId = newOrderId('follow');
    const created = JSON.stringify({
      specversion: '1.0',
      id: `${orderId}-created`,
      source: 'order-saga/orders',
      type: 'com.ordersaga.OrderCreated.v1',
      subject: orderId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: {
        orderId,
        customerId: 'cust-1',
        status: 'PENDING',
        total: { amount: 1_250, currency: 'EUR' },
        lines: [
          {
            sku: 'SKU-MUG',
            quantity: 1,
            name: 'Ceramic coffee mug',
            unitPrice: { amount: 1_250, currency: 'EUR' },
            lineTotal: { amount: 1_250, currency: 'EUR' },
          },
        ],
      },
    });
    await publishAs(await events.connectAs('orders'), eventSubject(orderId, 'OrderCreated'), created);
    const nc = await events.connectAs('api');
    const abort = new AbortController();
    const follow = jetStreamEventHistory(nc).follow(orderId, abort.signal);
    const first: IteratorResult<ParsedEvent> = await follow[Symbol.asyncIterator]().next();
    abort.abort();
    expect((first.value as ParsedEvent | undefined)?.envelope.id).toBe(`${orderId}-created`);

    const jsm = await jetstreamManager(nc);
    await ensureSubscriberConsumers(await jetstreamManager(events.nc), 'analytics', ['orders.>'], testSettings);
    await expect(jsm.consumers.delete(ORDERS_STREAM, 'analytics')).rejects.toThrow(permissionViolation);
    await expect(
      jsm.consumers.add(ORDERS_STREAM, { durable_name: 'analytics', ack_policy: AckPolicy.None }),
    ).rejects.toThrow(permissionViolation);
    // Through the ephemeral create subject, under a durable's name: the server keeps the durable as it was.
    const durableBefore = await jetstreamManager(events.nc).then((m) => m.consumers.info(ORDERS_STREAM, 'analytics'));
    await expect(
      jsm.consumers.add(ORDERS_STREAM, {
        name: 'analytics',
        ack_policy: AckPolicy.None,
        filter_subjects: ['orders.nothing.>', 'orders.none.>'],
      }),
    ).rejects.toThrow();
    const durableAfter = await jetstreamManager(events.nc).then((m) => m.consumers.info(ORDERS_STREAM, 'analytics'));
    expect(durableAfter.config).toEqual(durableBefore.config);
    await expect(jetstream(nc, { timeout: 2_000 }).consumers.get(ORDERS_STREAM, 'analytics')).rejects.toThrow(
      permissionViolation,
    );
    await expect(jsm.consumers.add(ADVISORY_STREAM, { name: 'peek', ack_policy: AckPolicy.None })).rejects.toThrow(
      permissionViolation,
    );
    await expect(publishAs(nc, eventSubject(orderId, 'OrderCompleted'))).rejects.toThrow(permissionViolation);
    await expect(jsm.direct.getMessage(DEAD_LETTER_STREAM, { seq: 1 })).rejects.toThrow(permissionViolation);
  });
});

describe('the operator', () => {
  it('re-drives a dead letter: reads and removes it, and publishes the event again', async () => {
    const orderId = newOrderId('redrive');
    const subject = eventSubject(orderId, 'OrderCreated');
    await publishDeadLetter(
      jetstream(await events.connectAs('notifications')),
      {
        consumer: 'notifications',
        stream: ORDERS_STREAM,
        streamSeq: 1,
        subject,
        data: new TextEncoder().encode('{}'),
        deliveries: 3,
        reason: 'max-deliveries',
      },
      2_000,
    );
    const redriven = await redriveDeadLetters({ nc: await events.connectAs('operator'), consumer: 'notifications' });
    expect(redriven.map((l) => l.subject)).toEqual([subject]);
    expect(await storedOn(subject)).toBe(1);
    const setup = await jetstreamManager(events.nc);
    expect((await setup.streams.info(DEAD_LETTER_STREAM)).state.messages).toBe(0);
  });

  it('reads a durable’s progress, but may not pull from or delete it', async () => {
    await ensureSubscriberConsumers(await jetstreamManager(events.nc), 'order-read-model', ['orders.>'], testSettings);
    const nc = await events.connectAs('operator');
    const jsm = await jetstreamManager(nc);
    const before = await jsm.consumers.info(ORDERS_STREAM, 'order-read-model');
    const consumer = await jetstream(nc, { timeout: 2_000 }).consumers.get(ORDERS_STREAM, 'order-read-model');
    // The pull request itself is refused, so the client sees no answer at all (its heartbeats are missed).
    await expect(consumer.next({ expires: 1_000 })).rejects.toThrow(/permissions violation|heartbeats missed/i);
    const after = await jsm.consumers.info(ORDERS_STREAM, 'order-read-model');
    expect(after.delivered.stream_seq).toBe(before.delivered.stream_seq);
    await expect(jsm.consumers.delete(ORDERS_STREAM, 'order-read-model')).rejects.toThrow(permissionViolation);
  });

  it('cannot delete or create a stream', async () => {
    const jsm = await jetstreamManager(await events.connectAs('operator'));
    await expect(jsm.streams.delete(DEAD_LETTER_STREAM)).rejects.toThrow(permissionViolation);
    await expect(jsm.streams.add({ name: 'OPS', subjects: ['ops.>'] })).rejects.toThrow(permissionViolation);
  });
});

describe('the set-up', () => {
  it('alone creates the streams; the roles find them missing until it has', async () => {
    const fresh = await startEventsServer(testSettings, { users: true, noStreams: true });
    try {
      const config = loadConfig({ DATA_DIR: fresh.dir, NATS_URL: fresh.url, LOG_LEVEL: 'silent' });
      const context = createRoleContext(config, eventsLogger, 'permissions-test');
      try {
        await expect(context.forRole('payments').nats()).rejects.toThrow(/npm run events:setup/);
        const api = await jetstreamManager(await fresh.connectAs('api'));
        await expect(ensureEventStreams(api, testSettings)).rejects.toThrow(permissionViolation);

        await setUpEventStreams(config);
        await requireEventStreams(api);
        expect((await (await jetstreamManager(fresh.nc)).streams.names().next()).sort()).toEqual(
          [...eventStreams].sort(),
        );
        // The failed first connection was forgotten: the role connects now.
        await expect(context.forRole('payments').nats()).resolves.toBeDefined();
      } finally {
        await context.close();
      }
      const setup = await jetstreamManager(fresh.nc);
      await setup.streams.delete(ADVISORY_STREAM);
      expect(await setup.streams.names().next()).not.toContain(ADVISORY_STREAM);
    } finally {
      await fresh.stop();
    }
  });
});
