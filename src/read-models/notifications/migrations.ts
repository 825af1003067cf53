// Schema of the notifications database.
import type { Migration } from 'kysely';
import {
  bookkeepingMigration,
  bookkeepingPruningMigration,
  widenBookkeepingToBigint,
} from '../../events/consumer/bookkeeping.js';

export const notificationMigrations: Record<string, Migration> = {
  '0001-bookkeeping': bookkeepingMigration,
  '0002-notifications': {
    async up(db) {
      await db.schema
        .createTable('notifications')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notifications_by_customer')
        .on('notifications')
        .columns(['customer_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('order_customers')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('order_customers').execute();
      await db.schema.dropTable('notifications').execute();
    },
  },
  /** The inbox's stream positions as bigint on PostgreSQL; no way down. */
  '0003-bigint': { up: widenBookkeepingToBigint },
  /** Indexes for the inbox pruning. */
  '0004-inbox-pruning': bookkeepingPruningMigration,
};
