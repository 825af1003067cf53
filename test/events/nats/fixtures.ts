// Test fixtures for the event tests: a private nats-server with the topology applied, fast settings, sample events.
import { testLogger } from '../../support/logger.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventSubject } from '../../../src/events/catalogue.js';
import type { EventData, EventName } from '../../../src/events/catalogue.js';
import { buildEnvelope, parseEnvelope } from '../../../src/events/envelope.js';
import type { EventEnvelope, OutgoingEvent } from '../../../src/events/envelope.js';
import { connectToNats } from '../../../src/events/nats/connection.js';
import { inSagaOrder } from '../../../src/events/order-sequence.js';
import { eventMessage } from '../../../src/events/publisher.js';
import type { EventMessage } from '../../../src/events/publisher.js';
import type { EventSettings } from '../../../src/events/nats/settings.js';
import { ensureEventStreams, ORDERS_STREAM } from '../../../src/events/nats/topology.js';
import type { Logger } from '../../../src/logger.js';
import { readNatsPasswords } from '../../../src/events/nats/passwords.js';
import type { NatsUser } from '../../../src/events/nats/permissions.js';
import { writeLocalNatsConfig } from '../../../src/events/nats/server-config.js';
import { startNatsServer } from '../../../src/servers/nats-server.js';
import type { NatsServer } from '../../../src/servers/nats-server.js';
import { freePort } from '../../../src/servers/ports.js';

/** Small numbers so retries and dead-lettering take milliseconds: 3 deliveries, 30 then 60 ms apart. */
export const testSettings: EventSettings = {
  maxAgeMs: 3_600_000,
  replicas: 1,
  duplicateWindowMs: 120_000,
  publishTimeoutMs: 1_000,
  ackWaitMs: 5_000,
  maxDeliver: 3,
  retryBackoffMs: [30, 60],
  fetchBatch: 4,
};

/** The code under test logs at LOG_LEVEL (errors only unless set): see test/support/logger.ts. */
export const eventsLogger: Logger = testLogger('events-test');

/**
 * A nats-server of the test file's own, so the fixed stream names (ORDERS...) cannot collide with another
 * file's, and a test may stop and restart it on the same port and store.
 */
export interface EventsServer {
  url: string;
  dir: string;
  server: NatsServer;
  /** A client connection the test does not have to close (closed by `stop`); the `setup` user's with `users`. */
  nc: NatsConnection;
  connect(name?: string): Promise<NatsConnection>;
  /**
   * With `users`: a connection as one of the NATS users, with the grants the main command gives it
   * (src/events/nats/permissions.ts). `dir` is then a data folder holding their passwords, as the main command's does.
   */
  connectAs(user: NatsUser, name?: string): Promise<NatsConnection>;
  /** Stops nats-server, keeping its store. */
  halt(): Promise<void>;
  /** Starts it again on the same ports and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface EventsServerOptions {
  /** Run with the NATS users and grants of the main command, instead of without authentication. */
  users?: boolean;
  /** Leave the streams to the test (with `users`, only `setup` may create them). */
  noStreams?: boolean;
}

export async function startEventsServer(
  settings: EventSettings = testSettings,
  { users = false, noStreams = false }: EventsServerOptions = {},
): Promise<EventsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'order-saga-events-'));
  const options = {
    port: await freePort(),
    monitorPort: await freePort(),
    storeDir: join(dir, 'nats'),
    ...(users ? { configFile: writeLocalNatsConfig(dir) } : {}),
  };
  let server = await startNatsServer(options);
  const connections: NatsConnection[] = [];
  const connectAs = async (user: NatsUser | undefined, name = 'test') => {
    const pass = user === undefined ? undefined : readNatsPasswords(dir)?.[user];
    if (user !== undefined && pass === undefined)
      throw new Error('connectAs needs startEventsServer(..., { users: true })');
    const nc = await connectToNats(server.url, name, user === undefined ? {} : { user, pass });
    connections.push(nc);
    return nc;
  };
  const connect = (name?: string) => connectAs(users ? 'setup' : undefined, name);
  const nc = await connect();
  if (!noStreams) await ensureEventStreams(await jetstreamManager(nc), settings);
  return {
    url: server.url,
    dir,
    get server() {
      return server;
    },
    nc,
    connect,
    connectAs: (user, name) => connectAs(user, name ?? user),
    halt: () => server.stop(),
    async restart() {
      server = await startNatsServer(options);
    },
    async stop() {
      await Promise.allSettled(connections.map((c) => c.close()));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A unique order ID (subject-safe). */
export function newOrderId(prefix = 'ord'): string {
  counter++;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** An envelope as an activity would build it, at a given time. */
export function envelopeOf<N extends EventName>(
  name: N,
  data: EventData<N>,
  time: Date,
  step: string = name,
  version?: number,
): EventEnvelope<N> {
  return buildEnvelope({ name, workflowId: `order-${data.orderId}`, step, data, time, ...(version && { version }) });
}

/** One priced line whose total is `total`: what the orders service puts in an OrderCreated. */
export function lineOf(total: { amount: number; currency: string }, sku = 'SKU-MUG') {
  return { sku, quantity: 1, name: sku, unitPrice: total, lineTotal: total };
}

/** What a producer builds for `envelope`: its name (looked up in the catalogue) and subject. */
export function outgoingOf(envelope: EventEnvelope): OutgoingEvent {
  const { name } = parseEnvelope(envelope);
  return { name, subject: eventSubject(envelope.subject, name), envelope };
}

/** What an outbox relay hands the publisher for `envelope`: the message as its outbox row stores it. */
export function messageOf(envelope: EventEnvelope): EventMessage {
  return eventMessage(outgoingOf(envelope));
}

/** The events of one order that completes: OrderCreated, PaymentProcessed, InventoryUpdated, OrderShipped, OrderCompleted. */
export function completedOrderEvents(
  orderId: string,
  customerId: string,
  start = new Date('2026-01-01T10:00:00Z'),
): EventEnvelope[] {
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1_000);
  const total = { amount: 3_750, currency: 'EUR' };
  const mugs = {
    sku: 'SKU-MUG',
    quantity: 3,
    name: 'Mug',
    unitPrice: { amount: 1_250, currency: 'EUR' },
    lineTotal: total,
  };
  return [
    envelopeOf('OrderCreated', { orderId, customerId, status: 'PENDING', total, lines: [mugs] }, at(0)),
    envelopeOf('PaymentProcessed', { orderId, customerId, paymentId: `pay-${orderId}`, amount: total }, at(2)),
    envelopeOf(
      'InventoryUpdated',
      { orderId, reservationId: `res-${orderId}`, lines: [{ sku: 'SKU-MUG', quantity: 3 }] },
      at(3),
    ),
    envelopeOf(
      'OrderShipped',
      {
        orderId,
        shipmentId: `shp-${orderId}`,
        carrier: 'PostNL',
        trackingNumber: `TRK-${orderId}`,
        country: 'NL',
        itemCount: 3,
      },
      at(7),
    ),
    envelopeOf('OrderCompleted', { orderId, customerId, status: 'COMPLETED', total }, at(8)),
  ];
}

/** An order whose inventory reservation fails after payment: refunded, then failed. */
export function failedOrderEvents(
  orderId: string,
  customerId: string,
  start = new Date('2026-01-01T11:00:00Z'),
): EventEnvelope[] {
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1_000);
  const total = { amount: 1_000, currency: 'USD' };
  const reason = { code: 'OutOfStock', message: 'SKU-MUG: 5 requested, 2 available' };
  return [
    envelopeOf('OrderCreated', { orderId, customerId, status: 'PENDING', total, lines: [lineOf(total)] }, at(0)),
    envelopeOf('PaymentProcessed', { orderId, customerId, paymentId: `pay-${orderId}`, amount: total }, at(1)),
    envelopeOf('InventoryUpdateFailed', { orderId, lines: [{ sku: 'SKU-MUG', quantity: 5 }], reason }, at(2)),
    envelopeOf('PaymentRefunded', { orderId, customerId, paymentId: `pay-${orderId}`, amount: total }, at(4)),
    envelopeOf('OrderFailed', { orderId, customerId, status: 'FAILED', total, reason }, at(5)),
  ];
}

/**
 * An order cancelled after its payment: refunded, then cancelled, the two events a few milliseconds apart, as the
 * saga publishes them (the refund's event, then the order's).
 */
export function cancelledOrderEvents(
  orderId: string,
  customerId: string,
  start = new Date('2026-01-01T12:00:00Z'),
): EventEnvelope[] {
  const at = (ms: number) => new Date(start.getTime() + ms);
  const total = { amount: 4_999, currency: 'EUR' };
  const reason = { code: 'CANCELLED', message: 'cancelled by the customer' };
  return [
    envelopeOf('OrderCreated', { orderId, customerId, status: 'PENDING', total, lines: [lineOf(total)] }, at(0)),
    envelopeOf('PaymentProcessed', { orderId, customerId, paymentId: `pay-${orderId}`, amount: total }, at(1_500)),
    envelopeOf('PaymentRefunded', { orderId, customerId, paymentId: `pay-${orderId}`, amount: total }, at(4_000)),
    envelopeOf('OrderCancelled', { orderId, customerId, status: 'CANCELLED', total, reason }, at(4_003)),
  ];
}

/** The number of messages in the event log. */
export async function streamMessages(nc: NatsConnection, stream = ORDERS_STREAM): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
}

/** One order's events as the stream stores them, parsed, with their stream sequence, in saga order (by sequence). */
export async function orderEventsInSagaOrder(
  nc: NatsConnection,
  orderId: string,
): Promise<{ name: EventName; envelope: EventEnvelope; seq: number }[]> {
  const jsm = await jetstreamManager(nc);
  const stored: { event: { name: EventName; envelope: EventEnvelope; seq: number }; streamPosition: number }[] = [];
  for (let seq = 1; ;) {
    const m = await jsm.direct.getMessage(ORDERS_STREAM, { seq, next_by_subj: `orders.${orderId}.>` });
    if (m === null) break;
    const { name, envelope } = parseEnvelope(m.data);
    stored.push({ event: { name, envelope, seq: m.seq }, streamPosition: m.seq });
    seq = m.seq + 1;
  }
  return inSagaOrder(stored);
}

/** The subjects stored for one order, in stream order. */
export async function orderSubjects(nc: NatsConnection, orderId: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const subjects: string[] = [];
  for (let seq = 1; ;) {
    const m = await jsm.direct.getMessage(ORDERS_STREAM, { seq, next_by_subj: `orders.${orderId}.>` });
    if (m === null) return subjects;
    subjects.push(m.subject);
    seq = m.seq + 1;
  }
}
