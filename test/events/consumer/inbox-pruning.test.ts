// The bounded inbox on both engines: rows past the retention go, recent ones stay and still drop a redelivery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { DatabaseLocation } from '../../../src/db/database.js';
import { bookkeepingDb } from '../../../src/events/consumer/bookkeeping.js';
import type { BookkeepingTables } from '../../../src/events/consumer/bookkeeping.js';
import { KyselyFailureLog } from '../../../src/events/consumer/failure-log.js';
import { pruneBookkeeping, startInboxPruner } from '../../../src/events/consumer/inbox-pruning.js';
import type { InboxPruner } from '../../../src/events/consumer/inbox-pruning.js';
import type { EventMeta } from '../../../src/events/consumer/subscriber.js';
import { parseEnvelope } from '../../../src/events/envelope.js';
import { analyticsProjection } from '../../../src/read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../../../src/read-models/analytics/store.js';
import { liveReadModelHandler, readModelBaseDb } from '../../../src/read-models/generation.js';
import { openOrderReadModel } from '../../../src/read-models/orders/store.js';
import { openNotificationStore } from '../../../src/read-models/notifications/store.js';
import { startNotificationsService } from '../../../src/read-models/notifications/subscription.js';
import { completedOrderEvents, eventsLogger, newOrderId, startEventsServer, testSettings } from '../nats/fixtures.js';
import { startReadModels } from './support.js';
import { createTestDatabase } from '../../support/postgres.js';
import { waitFor } from '../../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-inbox-pruning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const engines: { engine: string; fresh: () => Promise<DatabaseLocation> }[] = [
  { engine: 'sqlite', fresh: () => Promise.resolve({ filename: join(dir, `rm-${++files}.sqlite`) }) },
  {
    engine: 'postgres',
    fresh: async () => {
      const server = inject('postgresUrl');
      if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
      return { url: await createTestDatabase(server, 'inbox') };
    },
  },
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

const dayMs = 86_400_000;
const retentionMs = 7 * dayMs;

function metaAt(position: number): EventMeta {
  return { consumer: 'test', stream: 'ORDERS', streamSeq: position, position, subject: 'orders.x.y', deliveryCount: 1 };
}

/** Makes the inbox rows of `eventIds` look processed `ageMs` ago. */
async function age(db: Kysely<BookkeepingTables>, eventIds: string[], ageMs: number): Promise<void> {
  await db
    .updateTable('processed_events')
    .set({ processed_at: new Date(Date.now() - ageMs).toISOString() })
    .where('event_id', 'in', eventIds)
    .execute();
}

async function inboxIds(db: Kysely<BookkeepingTables>): Promise<string[]> {
  const rows = await db.selectFrom('processed_events').select('event_id').orderBy('event_id').execute();
  return rows.map((r) => r.event_id);
}

describe.each(engines)('the inbox on $engine', ({ fresh }) => {
  it('loses rows past the retention and keeps recent ones, which still drop a redelivery', async () => {
    const store = await openAnalyticsReadModel(await fresh());
    cleanups.push(() => store.close());
    const db = bookkeepingDb(readModelBaseDb(store.db));
    const handler = liveReadModelHandler(readModelBaseDb(store.db), analyticsProjection);
    const [oldEvent] = completedOrderEvents(newOrderId('old'), 'cus-old').map(parseEnvelope);
    const [recentEvent] = completedOrderEvents(newOrderId('recent'), 'cus-recent').map(parseEnvelope);
    await handler.handle(oldEvent!, metaAt(1));
    await handler.handle(recentEvent!, metaAt(2));
    await age(db, [oldEvent!.envelope.id], retentionMs + dayMs);
    await age(db, [recentEvent!.envelope.id], retentionMs - dayMs);
    // The failure log: a row no delivery updated for longer than the retention, and one still being retried.
    const failures = new KyselyFailureLog(db);
    await failures.record({ consumer: 'test', streamSeq: 7, subject: 'orders.a.b', deliveries: 5, error: 'stale' });
    await db
      .updateTable('event_failures')
      .set({ failed_at: new Date(Date.now() - retentionMs - dayMs).toISOString() })
      .execute();
    await failures.record({ consumer: 'test', streamSeq: 8, subject: 'orders.a.b', deliveries: 2, error: 'retrying' });

    const pruner: InboxPruner = startInboxPruner({
      prune: (olderThan) => pruneBookkeeping(db, olderThan),
      retentionMs,
      intervalMs: 50,
      logger: eventsLogger,
    });
    cleanups.push(() => pruner.stop());

    // The pruner's first run, at start, takes the old rows.
    await waitFor(async () => (await inboxIds(db)).length === 1, { what: 'the old inbox row pruned' });
    expect(await inboxIds(db)).toEqual([recentEvent!.envelope.id]);
    expect(await failures.last('test', 7), 'the stale failure').toBeUndefined();
    expect(await failures.last('test', 8)).toMatchObject({ error: 'retrying' });

    // A redelivery within the retention is still dropped: OrderCreated counted once.
    await handler.handle(recentEvent!, metaAt(2));
    expect((await store.summary()).events).toEqual({ OrderCreated: 2 });
    // One past it is not (what the retention's floor, the duplicate window, guards against).
    await handler.handle(oldEvent!, metaAt(1));
    expect((await store.summary()).events).toEqual({ OrderCreated: 3 });

    // And periodically: a row that grows old is pruned at a later run, without a restart.
    await age(db, [recentEvent!.envelope.id], retentionMs + 1_000);
    await waitFor(async () => !(await inboxIds(db)).includes(recentEvent!.envelope.id), {
      what: 'the aged row pruned by a later run',
    });
    expect(await inboxIds(db)).toEqual([oldEvent!.envelope.id]);
  });

  it('prunes a large backlog in batches', async () => {
    const store = await openAnalyticsReadModel(await fresh());
    cleanups.push(() => store.close());
    const db = bookkeepingDb(readModelBaseDb(store.db));
    const old = new Date(Date.now() - retentionMs - dayMs).toISOString();
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      scope: i % 2 === 0 ? 'analytics' : 'analytics@3',
      event_id: `evt-${i}`,
      event_name: 'OrderCreated',
      stream_seq: i + 1,
      processed_at: old,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('processed_events')
        .values(rows.slice(i, i + 500))
        .execute();
    await db
      .insertInto('processed_events')
      .values({
        scope: 'analytics',
        event_id: 'evt-new',
        event_name: 'OrderCreated',
        stream_seq: 9_999,
        processed_at: new Date().toISOString(),
      })
      .execute();

    expect(await pruneBookkeeping(db, new Date(Date.now() - retentionMs))).toEqual({ inbox: 2_500, failures: 0 });
    expect(await inboxIds(db)).toEqual(['evt-new']);
  });
});

describe('each subscriber', () => {
  it('prunes its own inbox from the start, once it is given a retention', async () => {
    const events = await startEventsServer();
    cleanups.push(() => events.stop());
    const settings = { ...testSettings, inboxRetentionMs: retentionMs };
    const locations = {
      notifications: { filename: join(dir, `sub-${++files}-notifications.sqlite`) },
      analytics: { filename: join(dir, `sub-${files}-analytics.sqlite`) },
      orders: { filename: join(dir, `sub-${files}-orders.sqlite`) },
    };
    // Each service's database as a previous run left it: one inbox row long past the retention.
    const oldRow = (scope: string) => ({
      scope,
      event_id: `evt-old-${scope}`,
      event_name: 'OrderCreated',
      stream_seq: 1,
      processed_at: new Date(Date.now() - retentionMs - dayMs).toISOString(),
    });
    const notificationsStore = await openNotificationStore(locations.notifications);
    await bookkeepingDb(notificationsStore.db).insertInto('processed_events').values(oldRow('notifications')).execute();
    await notificationsStore.close();
    const analyticsStore = await openAnalyticsReadModel(locations.analytics);
    await bookkeepingDb(readModelBaseDb(analyticsStore.db))
      .insertInto('processed_events')
      .values(oldRow('model'))
      .execute();
    await analyticsStore.close();
    const ordersStore = await openOrderReadModel(locations.orders);
    await bookkeepingDb(readModelBaseDb(ordersStore.db))
      .insertInto('processed_events')
      .values(oldRow('model'))
      .execute();
    await ordersStore.close();

    const notifications = await startNotificationsService({
      nc: events.nc,
      location: locations.notifications,
      settings,
      logger: eventsLogger,
    });
    cleanups.push(() => notifications.stop());
    const models = await startReadModels({ nc: events.nc, locations, settings, logger: eventsLogger });
    cleanups.push(() => models.stop());

    const dbs = [
      bookkeepingDb(notifications.store.db),
      bookkeepingDb(readModelBaseDb(models.analytics.db)),
      bookkeepingDb(readModelBaseDb(models.orders.db)),
    ];
    for (const db of dbs) {
      await waitFor(async () => (await inboxIds(db)).length === 0, { what: 'the old row pruned at start' });
    }
  });
});
