// Schema of the order read model's database: the shared bookkeeping, the generation pointer, the orders table.
import type { Migration } from 'kysely';
import {
  bookkeepingMigration,
  bookkeepingPruningMigration,
  widenBookkeepingToBigint,
} from '../../events/consumer/bookkeeping.js';
import { widenToBigint } from '../../db/widen-to-bigint.js';
import { generationsMigration } from '../generation.js';

export const orderReadModelMigrations: Record<string, Migration> = {
  '0001-bookkeeping': bookkeepingMigration,
  '0002-generations': generationsMigration,
  '0003-orders': {
    async up(db) {
      await db.schema
        .createTable('orders')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('status', 'text')
        .addColumn('total', 'integer')
        .addColumn('currency', 'text')
        .addColumn('lines', 'text')
        .addColumn('failure_code', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('failure_position', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_event', 'text', (c) => c.notNull())
        .addColumn('last_position', 'integer', (c) => c.notNull())
        .addColumn('status_position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('orders_pk', ['generation', 'order_id'])
        .execute();
      await db.schema
        .createIndex('orders_newest')
        .on('orders')
        .columns(['generation', 'created_at', 'order_id'])
        .execute();
      await db.schema
        .createIndex('orders_by_customer')
        .on('orders')
        .columns(['generation', 'customer_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('orders_by_status')
        .on('orders')
        .columns(['generation', 'status', 'created_at'])
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('orders').execute();
    },
  },
  /** Totals and positions as bigint on PostgreSQL; no way down (a narrower column could not hold every value). */
  '0004-bigint': {
    async up(db) {
      await widenBookkeepingToBigint(db);
      await widenToBigint(db, 'orders', ['total', 'failure_position', 'last_position', 'status_position']);
    },
  },
  /** Indexes for the inbox pruning. */
  '0005-inbox-pruning': bookkeepingPruningMigration,
  /** OrderCreated v2's approval deadline; rows of older events keep null (v1 never stated it). */
  '0006-approval-deadline': {
    async up(db) {
      await db.schema.alterTable('orders').addColumn('approval_deadline', 'text').execute();
    },
    async down(db) {
      await db.schema.alterTable('orders').dropColumn('approval_deadline').execute();
    },
  },
};
