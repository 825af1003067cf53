// Schema migrations of the orders service's database, in order; portable to PostgreSQL (text IDs and timestamps).
import type { Migration } from 'kysely';
import { outboxMigration } from '../../events/outbox/schema.js';

export const orderMigrations: Record<string, Migration> = {
  '0001-create-order-events': {
    async up(db) {
      await db.schema
        .createTable('order_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_events_order_id').on('order_events').column('order_id').execute();
    },
    async down(db) {
      await db.schema.dropTable('order_events').execute();
    },
  },
  /** The transactional outbox: each fact's event, written in the same transaction as the fact. */
  '0002-outbox': outboxMigration,
};
