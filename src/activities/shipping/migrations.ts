// Schema migrations of the shipping database, in order; portable to PostgreSQL (text IDs and timestamps).
import type { Migration } from 'kysely';
import { outboxMigration } from '../../events/outbox/schema.js';

export const shippingMigrations: Record<string, Migration> = {
  '0001-create-shipments': {
    async up(db) {
      await db.schema
        .createTable('shipments')
        .addColumn('shipment_id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('tracking_number', 'text', (c) => c.notNull().unique())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('item_count', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('cancel_key', 'text')
        .addColumn('cancelled_at', 'text')
        .execute();
      await db.schema.createIndex('shipments_order_id').on('shipments').column('order_id').execute();
    },
    async down(db) {
      await db.schema.dropTable('shipments').execute();
    },
  },
  /**
   * `tombstone` = 1 marks the row cancelShipment stores under createShipment's key when it finds no shipment to cancel, so a
   * late createShipment attempt cannot take effect after its compensation ran (see src/activities/step-context.ts).
   */
  '0002-add-tombstone': {
    async up(db) {
      await db.schema
        .alterTable('shipments')
        .addColumn('tombstone', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db) {
      await db.schema.alterTable('shipments').dropColumn('tombstone').execute();
    },
  },
  /**
   * `address` holds the destination a shipment was booked for (JSON), so a later attempt under the same key can tell
   * the same request from another address (IdempotencyMismatch). Null on rows stored before it, and on tombstones.
   */
  '0003-add-address': {
    async up(db) {
      await db.schema.alterTable('shipments').addColumn('address', 'text').execute();
    },
    async down(db) {
      await db.schema.alterTable('shipments').dropColumn('address').execute();
    },
  },
  /** The transactional outbox: the events of each shipment and cancellation, written in the same transaction. */
  '0004-outbox': outboxMigration,
};
