// The outbox every producing service keeps in its own database: the table of events to publish, its relay's lease, and their migration.
import type { Kysely, Migration, Transaction } from 'kysely';

/**
 * One row per event, written in the same local transaction as the effect it announces (the charge, the reservation,
 * the order-level fact), so an effect never commits without its event nor an event without its effect. The row
 * holds everything the relay publishes, as it will go on the wire; the rest is the relay's bookkeeping.
 */
export interface OutboxTable {
  /** The event ID: the `Nats-Msg-Id`, and the row's key, so writing an event twice stores it once. */
  event_id: string;
  event_name: string;
  order_id: string;
  /** `orders.<orderId>.<EventName>`. */
  subject: string;
  /** The CloudEvents envelope, JSON, exactly as published. */
  envelope: string;
  /** The message headers besides `Nats-Msg-Id`, a JSON object of name to value. */
  headers: string;
  /** The W3C trace context to publish the event under, stored with the row by the tracing work; null for none. */
  traceparent: string | null;
  created_at: string;
  /** The relay instance holding the row while it publishes it, and until when; a crashed relay's claim lapses. */
  claimed_by: string | null;
  claimed_until: string | null;
  /** When the stream acknowledged it; null while pending. Sent rows are pruned after the duplicate window. */
  sent_at: string | null;
  /** Publish attempts so far, and the last one's error while it keeps failing. */
  attempts: number;
  last_error: string | null;
}

/**
 * One row, `relay`. On SQLite it is the lease that makes one relay per file publish (the others stand by); on both
 * engines `installed_at` says since when the database has an outbox: effects stored before that were published by
 * the activities themselves, and a retried activity that replays one writes its events (src/events/outbox/write.ts).
 */
export interface OutboxRelayTable {
  name: string;
  holder: string | null;
  lease_until: string | null;
  installed_at: string;
}

export interface OutboxTables {
  outbox: OutboxTable;
  outbox_relay: OutboxRelayTable;
}

/** The name of the one row of `outbox_relay`. */
export const relayRow = 'relay';

/**
 * Creates both tables; each producing service lists it among its own migrations. Idempotent, like the services'
 * separate migration bookkeeping: two services pointed at one SQLite file by mistake share one outbox (whose relay
 * publishes both services' events) instead of failing to start.
 */
export const outboxMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('outbox')
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('traceparent', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    // Pending rows oldest first (sent_at is null), and sent rows by age for pruning: one index serves both.
    await db.schema
      .createIndex('outbox_by_state')
      .ifNotExists()
      .on('outbox')
      .columns(['sent_at', 'created_at'])
      .execute();
    await db.schema.createIndex('outbox_by_order').ifNotExists().on('outbox').column('order_id').execute();
    await db.schema
      .createTable('outbox_relay')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('installed_at', 'text', (c) => c.notNull())
      .execute();
    await db
      .insertInto('outbox_relay')
      .values({ name: relayRow, holder: null, lease_until: null, installed_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('outbox_relay').execute();
    await db.schema.dropTable('outbox').execute();
  },
};

/**
 * Kysely's database type is invariant, so a service's `Kysely<ServiceTables & OutboxTables>` is not a
 * `Kysely<OutboxTables>`; this narrows it (same connection, same transaction) for the outbox's own queries.
 */
export function outboxDb<DB extends OutboxTables>(db: Kysely<DB> | Transaction<DB>): Kysely<OutboxTables> {
  return db as unknown as Kysely<OutboxTables>;
}
