// Schema of the analytics database: the shared bookkeeping, the generation pointer and the analytics tables.
import type { Migration } from 'kysely';
import {
  bookkeepingMigration,
  bookkeepingPruningMigration,
  widenBookkeepingToBigint,
} from '../../events/consumer/bookkeeping.js';
import { widenToBigint } from '../../db/widen-to-bigint.js';
import { generationsMigration } from '../generation.js';

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
  /**
   * Counters (sums of cents), step durations (sums of milliseconds: 25 orders of a day each pass 2^31) and positions
   * as bigint on PostgreSQL; no way down (a narrower column could not hold every value).
   */
  '0004-bigint': {
    async up(db) {
      await widenBookkeepingToBigint(db);
      await widenToBigint(db, 'analytics_orders', ['status_position']);
      await widenToBigint(db, 'analytics_counters', ['value']);
      await widenToBigint(db, 'analytics_step_durations', ['count', 'total_ms', 'max_ms']);
    },
  },
  /** Indexes for the inbox pruning. */
  '0005-inbox-pruning': bookkeepingPruningMigration,
};
