// Two writers of one read model at once, on SQLite and PostgreSQL: each race held open at its worst moment, then let go.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseLocation } from '../../src/db/database.js';
import { parseEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { EventMeta } from '../../src/events/consumer/subscriber.js';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { ORDERS_STREAM } from '../../src/events/nats/topology.js';
import { analyticsProjection } from '../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../src/read-models/analytics/store.js';
import { liveGeneration, liveReadModelHandler, readModelBaseDb } from '../../src/read-models/generation.js';
import type { ReadModelBaseTables } from '../../src/read-models/generation.js';
import { orderProjection } from '../../src/read-models/orders/projection.js';
import { openOrderReadModel } from '../../src/read-models/orders/store.js';
import { rebuildReadModel } from '../../src/read-models/rebuild.js';
import {
  cancelledOrderEvents,
  completedOrderEvents,
  newOrderId,
  messageOf,
  eventsLogger,
  startEventsServer,
} from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';
import { createTestDatabase } from '../support/postgres.js';
import { gateAfter, settlesWithin } from '../support/query-gate.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-concurrent-writers-'));
let files = 0;

interface EngineCase {
  engine: 'sqlite' | 'postgres';
  /** A fresh, empty location that two replicas open side by side (two connections, or two pools). */
  fresh: () => Promise<DatabaseLocation>;
}

const engines: EngineCase[] = [
  { engine: 'sqlite', fresh: () => Promise.resolve({ filename: join(dir, `rm-${++files}.sqlite`) }) },
  {
    engine: 'postgres',
    fresh: async () => {
      const server = inject('postgresUrl');
      if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
      return { url: await createTestDatabase(server, 'writers') };
    },
  },
];

let events: EventsServer;
beforeAll(async () => {
  events = await startEventsServer();
});
afterAll(async () => {
  await events?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
});
function track<S extends { close(): Promise<void> }>(store: S): S {
  opened.push(store);
  return store;
}

function metaAt(position: number): EventMeta {
  return { consumer: 'test', stream: 'ORDERS', streamSeq: position, position, subject: 'orders.x.y', deliveryCount: 1 };
}

/** How long the held transaction stays open once the other writer has started: it either finishes or waits. */
const holdMs = 750;

/**
 * Runs `first` until the statement matching `pattern` has run on `gated`, then `second` in full (or until it waits
 * for a lock `first` holds), then lets `first` finish: the interleaving that loses an update without a lock.
 */
async function race(
  gate: { reached: Promise<string>; release(): void },
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
): Promise<{ secondFinishedWhileHeld: boolean }> {
  const one = first();
  await Promise.race([gate.reached, one]);
  const two = second();
  const secondFinishedWhileHeld = await settlesWithin(two, holdMs);
  gate.release();
  await Promise.all([one, two]);
  return { secondFinishedWhileHeld };
}

describe.each(engines)('two writers of one read model on $engine', ({ fresh }) => {
  it('PaymentRefunded and OrderCancelled applied at once leave the order CANCELLED, not COMPENSATING', async () => {
    const location = await fresh();
    const replicaA = track(await openOrderReadModel(location));
    const replicaB = track(await openOrderReadModel(location));
    const orderId = newOrderId('race');
    const [created, charged, refunded, cancelled] = cancelledOrderEvents(orderId, 'cus-race').map(parseEnvelope);
    const a = liveReadModelHandler(readModelBaseDb(replicaA.db), orderProjection);
    await a.handle(created!, metaAt(1));
    await a.handle(charged!, metaAt(2));

    // Replica A holds its transaction right after it first touched the order's row; replica B applies the later event.
    const gate = gateAfter(readModelBaseDb(replicaA.db), /"orders"/);
    const held = liveReadModelHandler(gate.db, orderProjection);
    const b = liveReadModelHandler(readModelBaseDb(replicaB.db), orderProjection);
    await race(
      gate,
      () => held.handle(refunded!, metaAt(3)),
      () => b.handle(cancelled!, metaAt(4)),
    );

    expect(await replicaA.getOrder(orderId)).toMatchObject({
      status: 'CANCELLED',
      lastEvent: 'OrderCancelled',
      failure: { code: 'CANCELLED' },
      total: 4_999,
    });
  });

  it('the two ends of one step handled at once count its duration once', async () => {
    const location = await fresh();
    const replicaA = track(await openAnalyticsReadModel(location));
    const replicaB = track(await openAnalyticsReadModel(location));
    const orderId = newOrderId('steps');
    const [created, charged] = completedOrderEvents(orderId, 'cus-steps').map(parseEnvelope);

    // Replica A holds its transaction right after it read the order's event times; replica B handles the other end.
    const gate = gateAfter(readModelBaseDb(replicaA.db), /from "analytics_event_times"/);
    const held = liveReadModelHandler(gate.db, analyticsProjection);
    const b = liveReadModelHandler(readModelBaseDb(replicaB.db), analyticsProjection);
    await race(
      gate,
      () => held.handle(created!, metaAt(1)),
      () => b.handle(charged!, metaAt(2)),
    );

    const { stepDurations, events: counted } = await replicaA.summary();
    expect(counted).toEqual({ OrderCreated: 1, PaymentProcessed: 1 });
    expect(stepDurations.payment).toEqual({ count: 1, averageMs: 2_000, maxMs: 2_000 });
  });

  it('an event the live subscriber applies while a rebuild switches generations lands in the new one', async () => {
    const location = await fresh();
    const live = track(await openOrderReadModel(location));
    const rebuilder = track(await openOrderReadModel(location));
    const publisher = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
    const handler = liveReadModelHandler(readModelBaseDb(live.db), orderProjection);
    // The stream so far, applied live; the rebuild replays it into generation 2.
    let position = await lastSequence();
    for (const envelope of completedOrderEvents(newOrderId('before'), 'cus-switch')) {
      await publisher.publish(messageOf(envelope));
      await handler.handle(parseEnvelope(envelope), metaAt(++position));
    }

    // The rebuild holds its switch open right after it moved the pointer; an event arrives and is handled live.
    const gate = gateAfter(readModelBaseDb(rebuilder.db), /update "read_model_generations" set "live"/);
    const late: EventEnvelope = completedOrderEvents(newOrderId('during-switch'), 'cus-switch')[0]!;
    const { secondFinishedWhileHeld } = await race(
      gate,
      () => rebuildReadModel({ nc: events.nc, db: gate.db, model: orderProjection, logger: eventsLogger }),
      async () => {
        await publisher.publish(messageOf(late));
        await handler.handle(parseEnvelope(late), metaAt(++position));
      },
    );

    expect(await liveGeneration(readModelBaseDb(live.db), 'orders')).toBe(2);
    expect(await live.getOrder(late.subject), 'the event applied during the switch').toMatchObject({
      status: 'PENDING',
    });
    expect(await generationsOf(readModelBaseDb(live.db))).toEqual([2]);
    expect(secondFinishedWhileHeld, 'the live handler waited for the switch to commit').toBe(false);
  });
});

async function lastSequence(): Promise<number> {
  return (await (await jetstreamManager(events.nc)).streams.info(ORDERS_STREAM)).state.last_seq;
}

async function generationsOf(db: Kysely<ReadModelBaseTables>): Promise<number[]> {
  const rows = await (db as unknown as Kysely<{ orders: { generation: number } }>)
    .selectFrom('orders')
    .select('generation')
    .distinct()
    .execute();
  return rows.map((r) => Number(r.generation));
}
