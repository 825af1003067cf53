// Poison and invalid events: bounded retries, then the dead-letter stream with the reason, while other events keep flowing; then the re-drive.
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedriveHeaders } from '../../../src/events/nats/dead-letter-headers.js';
import { publishDeadLetter } from '../../../src/events/nats/dead-letters.js';
import { listDeadLetters } from '../../../src/events/nats/dead-letters-list.js';
import { redriveDeadLetters } from '../../../src/events/nats/redrive.js';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { storeAndLogChannel } from '../../../src/read-models/notifications/channel.js';
import type { NotificationChannel } from '../../../src/read-models/notifications/channel.js';
import { NOTIFICATIONS_CONSUMER } from '../../../src/read-models/notifications/projection.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import type { NotificationStore } from '../../../src/read-models/notifications/store.js';
import type { ReadModelService } from '../../../src/read-models/service.js';
import { waitFor } from '../../support/wait-for.js';
import { completedOrderEvents, newOrderId, eventsLogger, startEventsServer, testSettings } from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';
import { publishAll, startReadModels, tempDir, waitForDrained } from './support.js';
import type { ReadModels, TempDir } from './support.js';

const redriveCommand = fileURLToPath(new URL('../../../src/cli/events-redrive.ts', import.meta.url));

let events: EventsServer;
let dir: TempDir;
let notifications: ReadModelService<NotificationStore>;
let analytics: ReadModels;
/** The notification channel is "down" for this customer until the test fixes it. */
const broken = new Set<string>();

beforeAll(async () => {
  events = await startEventsServer();
  dir = await tempDir();
  const store = storeAndLogChannel(eventsLogger);
  const flaky: NotificationChannel = {
    async deliver(notification, trx) {
      if (broken.has(notification.customerId)) throw new Error(`mail relay refused ${notification.customerId}`);
      await store.deliver(notification, trx);
    },
  };
  notifications = await startNotificationsService({
    nc: events.nc,
    location: { filename: dir.file('notifications') },
    settings: testSettings,
    logger: eventsLogger,
    channel: flaky,
  });
  analytics = await startReadModels({
    nc: await events.connect('analytics'),
    locations: { analytics: { filename: dir.file('analytics') }, orders: { filename: dir.file('order-read-model') } },
    settings: testSettings,
    logger: eventsLogger,
  });
});

afterAll(async () => {
  await Promise.allSettled([notifications?.stop(), analytics?.stop()]);
  await events?.stop();
  await dir?.remove();
});

describe('dead letters', () => {
  it('dead-letters a poison event after max_deliver, keeps the rest flowing, and re-drives it once fixed', async () => {
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
    const poison = newOrderId('poison');
    const healthy = [newOrderId('ok'), newOrderId('ok')];
    broken.add('cus-poison');
    const [poisonCreated] = completedOrderEvents(poison, 'cus-poison');
    await publishAll(publisher, [
      ...completedOrderEvents(healthy[0]!, 'cus-ok'),
      poisonCreated!,
      ...completedOrderEvents(healthy[1]!, 'cus-ok'),
    ]);

    const [letter] = await waitFor(
      async () => {
        const letters = await listDeadLetters(events.nc, NOTIFICATIONS_CONSUMER);
        return letters.length > 0 && letters;
      },
      { what: 'the poison event in the DLQ' },
    );
    expect(letter).toMatchObject({
      consumer: NOTIFICATIONS_CONSUMER,
      stream: 'ORDERS',
      subject: `orders.${poison}.OrderCreated`,
      reason: 'max-deliveries',
      deliveries: testSettings.maxDeliver,
      error: 'Error: mail relay refused cus-poison',
    });
    expect(JSON.parse(new TextDecoder().decode(letter!.data))).toMatchObject({ id: poisonCreated!.id });
    // Everything else went through; the other services never had a problem with it.
    await waitForDrained(events.nc, NOTIFICATIONS_CONSUMER);
    expect(await notifications.store.listNotifications('cus-ok')).toHaveLength(6);
    expect(await notifications.store.listNotifications('cus-poison')).toEqual([]);
    expect(await analytics.orders.getOrder(poison)).toMatchObject({ status: 'PENDING' });
    // The failure log entry went into the dead letter and is gone.
    expect(await notifications.store.db.selectFrom('event_failures').selectAll().execute()).toEqual([]);

    broken.delete('cus-poison');
    const skippedBefore = analytics.subscriptions.analytics.stats.skipped;
    const run = await execa('node', ['--import', 'tsx', redriveCommand, '--consumer', NOTIFICATIONS_CONSUMER], {
      env: { NATS_URL: events.url },
      reject: false,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`re-driven #${letter!.seq} orders.${poison}.OrderCreated for notifications`);

    await waitFor(async () => (await notifications.store.listNotifications('cus-poison')).length === 1, {
      what: 'the re-driven notification',
    });
    expect(await listDeadLetters(events.nc)).toEqual([]);
    // The copy went to notifications only; the read models acknowledged it unseen.
    await waitForDrained(events.nc, 'analytics');
    expect(analytics.subscriptions.analytics.stats.skipped).toBe(skippedBefore + 1);
    expect((await analytics.analytics.summary()).events.OrderCreated).toBe(3);
  });

  it('gives a re-driven copy its original stream position only when the event carries no sequence', async () => {
    const orderId = newOrderId('redrive-seq');
    const [created, paid] = completedOrderEvents(orderId, 'cus-redrive');
    const js = jetstream(events.nc);
    const letters = [
      { envelope: created!, streamSeq: 41 },
      { envelope: { ...paid!, ordersequence: 2 }, streamSeq: 42 },
    ];
    for (const { envelope, streamSeq } of letters) {
      await publishDeadLetter(js, {
        consumer: 'analytics',
        stream: 'ORDERS',
        streamSeq,
        subject: `orders.${orderId}.${envelope.type.split('.')[2]}`,
        data: new TextEncoder().encode(JSON.stringify(envelope)),
        deliveries: testSettings.maxDeliver,
        reason: 'max-deliveries',
      });
    }
    await redriveDeadLetters({ nc: events.nc, consumer: 'analytics', timeoutMs: 2_000 });

    const jsm = await jetstreamManager(events.nc);
    const copyOf = async (name: string) =>
      jsm.direct.getMessage('ORDERS', { seq: 1, next_by_subj: `orders.${orderId}.${name}` });
    // From before the sequence: ordered where the original was. Sequenced: ordered by its sequence, wherever it lands.
    expect((await copyOf('OrderCreated'))?.header.get(RedriveHeaders.originalSeq)).toBe('41');
    expect((await copyOf('PaymentProcessed'))?.header.get(RedriveHeaders.originalSeq)).toBe('');
    expect((await copyOf('PaymentProcessed'))?.header.get(RedriveHeaders.for)).toBe('analytics');
  });

  it('terminates an invalid event at once and dead-letters it with the validation message', async () => {
    const orderId = newOrderId('invalid');
    const js = jetstream(events.nc);
    const ack = await js.publish(`orders.${orderId}.OrderCreated`, JSON.stringify({ specversion: '1.0', id: 'x' }));

    const letters = await waitFor(
      async () => {
        const found = (await listDeadLetters(events.nc)).filter((l) => l.streamSeq === ack.seq);
        return found.length === 3 && found;
      },
      { what: 'the invalid event dead-lettered by its three consumers' },
    );
    expect(letters.map((l) => l.consumer).sort()).toEqual(['analytics', 'notifications', 'order-read-model']);
    for (const l of letters) {
      expect(l).toMatchObject({ reason: 'invalid-event', deliveries: 1 });
      expect(l.error).toMatch(/^invalid event envelope: .*source/);
    }
    // Terminated, not retried: nothing of it is pending anywhere.
    await waitForDrained(events.nc, NOTIFICATIONS_CONSUMER);
  });
});
