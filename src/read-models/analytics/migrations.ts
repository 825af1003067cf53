// Schema of the analytics database: the shared bookkeeping, the generation pointer and the analytics tables.
import type { Migration } from 'kysely';
import { bookkeepingMigration } from '../../events/consumer/bookkeeping.js';
import { generationsMigration } from '../generation.js';
import { positionsToBigint } from '../position-columns.js';

export const analyticsMigrations: Record<string, Migration> = {
  '0001-bookkeeping': bookkeepingMigration,
  '0002-generations': generationsMigration,
  '0003-analytics': {
    async up(db) {
      await db.schema
        .createTable('analytics_orders')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text')
        .addColumn('status_position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_orders_pk', ['generation', 'order_id'])
        .execute();
      await db.schema
        .createTable('analytics_event_times')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_event_times_pk', ['generation', 'order_id', 'event_name'])
        .execute();
      await db.schema
        .createTable('analytics_counters')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_counters_pk', ['generation', 'metric', 'key'])
        .execute();
      await db.schema
        .createTable('analytics_step_durations')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('total_ms', 'integer', (c) => c.notNull())
        .addColumn('max_ms', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_step_durations_pk', ['generation', 'step'])
        .execute();
    },
    async down(db) {
      for (const table of [
        'analytics_step_durations',
        'analytics_counters',
        'analytics_event_times',
        'analytics_orders',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
  /** Positions are the order's sequence above 2^48 (src/events/order-sequence.ts): beyond PostgreSQL's integer. */
  '0004-order-positions-bigint': positionsToBigint('analytics_orders', ['status_position']),
};
