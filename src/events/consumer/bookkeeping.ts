// The subscriber bookkeeping every consuming service keeps in its own database: the inbox and the failure log.
import type { Kysely, Migration, Transaction } from 'kysely';
import { widenToBigint } from '../../db/widen-to-bigint.js';

/**
 * The inbox: one row per event a scope has taken effect for. `scope` is the consumer name (plus the
 * read-model generation for rebuildable models). The row is written in the same local transaction as the
 * event's effect, so the effect happens at most once per event ID, however often the event is delivered.
 */
export interface ProcessedEventsTable {
  scope: string;
  event_id: string;
  event_name: string;
  stream_seq: number;
  processed_at: string;
}

/** The last error of each event a consumer is still retrying; it goes into the dead letter if retries run out. */
export interface EventFailuresTable {
  consumer: string;
  stream_seq: number;
  subject: string;
  deliveries: number;
  error: string;
  failed_at: string;
}

export interface BookkeepingTables {
  processed_events: ProcessedEventsTable;
  event_failures: EventFailuresTable;
}

/** Creates both tables; each service lists it first among its own migrations. */
export const bookkeepingMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('processed_events')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('stream_seq', 'integer', (c) => c.notNull())
      .addColumn('processed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('processed_events_pk', ['scope', 'event_id'])
      .execute();
    await db.schema
      .createTable('event_failures')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('stream_seq', 'integer', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('deliveries', 'integer', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_failures_pk', ['consumer', 'stream_seq'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('event_failures').execute();
    await db.schema.dropTable('processed_events').execute();
  },
};

/**
 * The stream positions of both tables as bigint on PostgreSQL (a stream's sequence passes 2^31 long before its
 * uint64 limit); each service calls it from a migration of its own, listed after `bookkeepingMigration`.
 */
// Kysely hands migrations a database without a schema type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function widenBookkeepingToBigint(db: Kysely<any>): Promise<void> {
  await widenToBigint(db, 'processed_events', ['stream_seq']);
  await widenToBigint(db, 'event_failures', ['stream_seq']);
}

/**
 * Indexes the times the pruning selects by (`pruneBookkeeping`), so a prune reads only the rows it deletes; each
 * service lists it after `bookkeepingMigration`.
 */
export const bookkeepingPruningMigration: Migration = {
  async up(db) {
    await db.schema
      .createIndex('processed_events_processed_at')
      .on('processed_events')
      .column('processed_at')
      .execute();
    await db.schema.createIndex('event_failures_failed_at').on('event_failures').column('failed_at').execute();
  },
  async down(db) {
    await db.schema.dropIndex('event_failures_failed_at').execute();
    await db.schema.dropIndex('processed_events_processed_at').execute();
  },
};

/**
 * Kysely's database type is invariant, so a service's `Kysely<ServiceTables & BookkeepingTables>` is not a
 * `Kysely<BookkeepingTables>`; this narrows it (same connection, same transaction) for the shared helpers.
 */
export function bookkeepingDb<DB extends BookkeepingTables>(
  db: Kysely<DB> | Transaction<DB>,
): Kysely<BookkeepingTables> {
  return db as unknown as Kysely<BookkeepingTables>;
}

/** How many events the service's inbox holds (handled, kept for duplicate detection until pruned). */
export async function inboxSize(db: Kysely<BookkeepingTables>): Promise<number> {
  const row = await db
    .selectFrom('processed_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
