// The outbox relay on a real nats-server and real stores: once per event, through a NATS outage, one relay per SQLite file, disjoint claims on PostgreSQL, pruning.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openOrderStore } from '../../../src/activities/orders/store.js';
import type { KyselyOrderStore } from '../../../src/activities/orders/store.js';
import { JetStreamEventPublisher } from '../../../src/events/nats/jetstream-publisher.js';
import { ORDERS_STREAM } from '../../../src/events/nats/topology.js';
import { OutboxRelay, backoffMs } from '../../../src/events/outbox/relay.js';
import type { RelaySettings } from '../../../src/events/outbox/relay.js';
import type { EventMessage, EventPublisher } from '../../../src/events/publisher.js';
import type { DatabaseLocation } from '../../../src/db/database.js';
import type { Logger } from '../../../src/logger.js';
import { MemoryEventPublisher } from '../../support/memory-event-publisher.js';
import { createTestDatabase } from '../../support/postgres.js';
import { waitFor } from '../../support/wait-for.js';
import {
  completedOrderEvents,
  newOrderId,
  orderSubjects,
  outgoingOf,
  eventsLogger,
  startEventsServer,
} from '../nats/fixtures.js';
import type { EventsServer } from '../nats/fixtures.js';

let events: EventsServer;
let dir: string;
let files = 0;
beforeAll(async () => {
  events = await startEventsServer();
  dir = await mkdtemp(join(tmpdir(), 'order-saga-relay-'));
});
afterAll(async () => {
  await events?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Stores and relays a test opened, closed after it whatever happened (relays first). */
const relays: OutboxRelay[] = [];
const stores: KyselyOrderStore[] = [];
afterEach(async () => {
  await Promise.allSettled(relays.splice(0).map((r) => r.stop()));
  await Promise.allSettled(stores.splice(0).map((s) => s.close()));
});

const fast: RelaySettings = {
  pollIntervalMs: 50,
  batchSize: 100,
  retryInitialMs: 50,
  retryMaxMs: 300,
  claimMs: 5_000,
  pruneAfterMs: 120_000,
  backlogLogIntervalMs: 60_000,
};

const freshFile = (): DatabaseLocation => ({ filename: join(dir, `outbox-${++files}.sqlite`) });

async function open(location: DatabaseLocation = freshFile()): Promise<KyselyOrderStore> {
  const store = await openOrderStore(location);
  stores.push(store);
  return store;
}

function relay(
  store: KyselyOrderStore,
  publisher: EventPublisher,
  settings: Partial<RelaySettings> = {},
  logger: Logger = eventsLogger,
): OutboxRelay {
  const r = new OutboxRelay({
    outbox: store.outbox,
    publisher: () => Promise.resolve(publisher),
    settings: { ...fast, ...settings },
    logger,
  });
  relays.push(r);
  return r;
}

/** A publisher that counts what goes through it before handing it on. */
function counting(inner: EventPublisher): EventPublisher & { calls: EventMessage[] } {
  const calls: EventMessage[] = [];
  return {
    calls,
    async publish(message) {
      calls.push(message);
      await inner.publish(message);
    },
  };
}

/** Writes an order's five events into the store's outbox, as the activities' transactions would. */
async function writeOrder(store: KyselyOrderStore, orderId = newOrderId('relay')): Promise<string> {
  await store.recordEvents(completedOrderEvents(orderId, 'cus-relay').map(outgoingOf));
  return orderId;
}

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as never) });
  return { logger, lines };
}

const jetStream = async (timeoutMs = 1_000) =>
  new JetStreamEventPublisher(await events.connect('relay-test'), { timeoutMs });

describe('the outbox relay', () => {
  it('publishes each committed event once, with Nats-Msg-Id = the event ID, and marks it sent', async () => {
    const store = await open();
    const orderId = await writeOrder(store);
    const publisher = counting(await jetStream());
    const r = relay(store, publisher);

    expect(await r.drain()).toBe(5);
    expect(await r.drain()).toBe(0);
    expect(publisher.calls).toHaveLength(5);
    expect(await orderSubjects(events.nc, orderId)).toHaveLength(5);
    const jsm = await jetstreamManager(events.nc);
    const first = await jsm.direct.getMessage(ORDERS_STREAM, { seq: 1, next_by_subj: `orders.${orderId}.>` });
    const envelope = JSON.parse(new TextDecoder().decode(first!.data)) as { id: string; type: string };
    expect(first?.header.get('Nats-Msg-Id')).toBe(envelope.id);
    expect(first?.header.get('Ce-Type')).toBe(envelope.type);
    const rows = await store.outbox.list({ orderId });
    expect(rows.every((row) => row.sentAt !== undefined && row.attempts === 1)).toBe(true);
    expect(await store.outbox.backlog()).toMatchObject({ pending: 0, sentKept: 5 });
  });

  it('wakes on a commit in its process long before its poll interval', async () => {
    const store = await open();
    const publisher = new MemoryEventPublisher();
    relay(store, publisher, { pollIntervalMs: 60_000 }).start();
    // Let the first (empty) round pass, so the relay is waiting out its minute.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const orderId = await writeOrder(store);
    await waitFor(() => publisher.published.filter((e) => e.subject === orderId).length === 5, { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a row the stream did not acknowledge pending, with its error, and publishes it on the next round', async () => {
    const store = await open();
    const orderId = await writeOrder(store);
    const publisher = new MemoryEventPublisher();
    publisher.failNext(new Error('no ack (injected)'));
    const r = relay(store, publisher);

    const first = await r.round();
    expect(first).toMatchObject({ published: 4, failed: 1 });
    const [pending] = await store.outbox.list({ orderId, pending: true });
    expect(pending).toMatchObject({ attempts: 1, lastError: 'Error: no ack (injected)' });
    expect(await store.outbox.backlog()).toMatchObject({ pending: 1, failing: 1 });

    expect(await r.round()).toMatchObject({ published: 1, failed: 0 });
    expect(await store.outbox.backlog()).toMatchObject({ pending: 0 });
    expect(new Set(publisher.published.map((e) => e.id)).size).toBe(5);
  });

  it('survives NATS stopped and restarted: nothing lost, nothing doubled in the stream, the outage logged once', async () => {
    const store = await open();
    const { logger, lines } = capturingLogger();
    const publisher = counting(await jetStream(300));
    relay(store, publisher, {}, logger).start();
    const before = await writeOrder(store);
    await waitFor(async () => (await orderSubjects(events.nc, before)).length === 5, { what: 'the first order' });

    await events.halt();
    const during = [await writeOrder(store), await writeOrder(store)];
    // Rounds keep failing while NATS is away: the rows wait, each with its attempts and last error.
    await waitFor(async () => (await store.outbox.list({ pending: true })).every((row) => row.attempts >= 2), {
      what: 'failed attempts',
    });
    expect(await store.outbox.backlog()).toMatchObject({ pending: 10, failing: 10 });
    const failedCalls = publisher.calls.length;

    await events.restart();
    await waitFor(async () => (await store.outbox.backlog()).pending === 0, { timeoutMs: 30_000, what: 'the backlog' });
    for (const orderId of during) {
      // The test's own connection reconnects on its own schedule, maybe after the relay's: retry its reads.
      const subjects = await waitFor(() => orderSubjects(events.nc, orderId), { what: `the stream (${orderId})` });
      expect(subjects, orderId).toHaveLength(5);
      expect(new Set(subjects).size).toBe(5);
    }
    // More publish calls than events (the failed ones), yet each event is in the stream once.
    expect(publisher.calls.length).toBeGreaterThan(failedCalls);
    expect(lines.filter((l) => l.msg.startsWith('cannot publish events'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'publishing events again')).toHaveLength(1);
  });

  it('backs off doubling from the first pause to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs({ retryInitialMs: 500, retryMaxMs: 30_000 }, n))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000,
    ]);
  });

  it('prunes sent rows once the duplicate window has passed, and never an unsent one', async () => {
    const store = await open();
    const sentOrder = await writeOrder(store);
    const r = relay(store, new MemoryEventPublisher());
    await r.drain();
    const unsentOrder = await writeOrder(store);

    expect(await r.prune(new Date(Date.now() + fast.pruneAfterMs - 10_000))).toBe(0);
    expect(await r.prune(new Date(Date.now() + fast.pruneAfterMs + 10_000))).toBe(5);
    expect(await store.outbox.list({ orderId: sentOrder })).toEqual([]);
    expect(await store.outbox.list({ orderId: unsentOrder, pending: true })).toHaveLength(5);
  });

  it('lets one relay per SQLite file publish; the other stands by and takes over when the first stops', async () => {
    const location = freshFile();
    const [a, b] = [await open(location), await open(location)];
    const publishedByA = new MemoryEventPublisher();
    const publishedByB = new MemoryEventPublisher();
    const relayA = relay(a, publishedByA);
    const relayB = relay(b, publishedByB);
    await writeOrder(a);

    expect(await relayA.round()).toMatchObject({ published: 5, standby: false });
    await writeOrder(b);
    expect(await relayB.round()).toMatchObject({ published: 0, standby: true });
    expect(await relayA.round()).toMatchObject({ published: 5 });
    expect(publishedByB.published).toHaveLength(0);

    await relayA.stop();
    await writeOrder(a);
    expect(await relayB.round()).toMatchObject({ published: 5, standby: false });
    expect(publishedByA.published).toHaveLength(10);
  });
});

describe('two relays on one PostgreSQL schema', () => {
  it('claim disjoint rows: every event is published once, and both relays take part', async () => {
    const url = inject('postgresUrl');
    if (!url) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
    const location = { url: await createTestDatabase(url) };
    const [a, b] = [await open(location), await open(location)];
    const orders: string[] = [];
    for (let i = 0; i < 40; i++) orders.push(await writeOrder(i % 2 === 0 ? a : b));
    const publisherA = counting(await jetStream());
    const publisherB = counting(await jetStream());
    // Small batches, so the two take turns on the same pending rows.
    relay(a, publisherA, { batchSize: 7 }).start();
    relay(b, publisherB, { batchSize: 7 }).start();

    await waitFor(async () => (await a.outbox.backlog()).pending === 0, { timeoutMs: 30_000, what: 'the backlog' });
    const ids = [...publisherA.calls, ...publisherB.calls].map((m) => m.id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(publisherA.calls.length).toBeGreaterThan(0);
    expect(publisherB.calls.length).toBeGreaterThan(0);
    for (const orderId of orders.slice(0, 5)) expect(await orderSubjects(events.nc, orderId)).toHaveLength(5);
  });
});
