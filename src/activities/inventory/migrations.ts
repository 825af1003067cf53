// Schema migrations of the inventory database, in order; portable to PostgreSQL (text IDs, integer money).
import type { Migration } from 'kysely';
import { widenToBigint } from '../../db/widen-to-bigint.js';
import { outboxMigration } from '../../events/outbox/schema.js';

export const inventoryMigrations: Record<string, Migration> = {
  '0001-create-products-and-reservations': {
    async up(db) {
      await db.schema
        .createTable('products')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('unit_price', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('available', 'integer', (c) => c.notNull())
        .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('shipped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('seeded', 'integer', (c) => c.notNull())
        .addColumn('restocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reservations')
        .addColumn('reservation_id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('release_key', 'text')
        .addColumn('released_at', 'text')
        .addColumn('commit_key', 'text')
        .addColumn('committed_at', 'text')
        .execute();
      await db.schema.createIndex('reservations_order_id').on('reservations').column('order_id').execute();
      await db.schema
        .createTable('reservation_lines')
        .addColumn('reservation_id', 'text', (c) => c.notNull().references('reservations.reservation_id'))
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('available_before', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('reservation_lines_pk', ['reservation_id', 'sku'])
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('reservation_lines').execute();
      await db.schema.dropTable('reservations').execute();
      await db.schema.dropTable('products').execute();
    },
  },
  /**
   * `tombstone` = 1 marks the row releaseInventory stores under reserveInventory's key when it finds nothing reserved, so a
   * late reserveInventory attempt cannot take effect after its compensation ran (see src/activities/step-context.ts).
   */
  '0002-add-tombstone': {
    async up(db) {
      await db.schema
        .alterTable('reservations')
        .addColumn('tombstone', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db) {
      await db.schema.alterTable('reservations').dropColumn('tombstone').execute();
    },
  },
  /** The transactional outbox: the events of each reservation and release, written in the same transaction. */
  '0003-outbox': outboxMigration,
  /** Prices and stock counters past 2^31 on PostgreSQL too: `restocked` and `shipped` only ever grow. */
  '0004-bigint': {
    async up(db) {
      await widenToBigint(db, 'products', ['unit_price', 'available', 'reserved', 'shipped', 'seeded', 'restocked']);
      await widenToBigint(db, 'reservation_lines', ['quantity', 'available_before']);
    },
  },
  /** Each order's first pricing under its step's key, so a reset run is priced as the first run was (pricings.ts). */
  '0005-pricings': {
    async up(db) {
      await db.schema
        .createTable('pricings')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('units', 'text', (c) => c.notNull())
        .addColumn('lines', 'text', (c) => c.notNull())
        .addColumn('total_amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('pricings').execute();
    },
  },
};
