// Schema migrations of the shipping database, in order; portable to PostgreSQL (text IDs and timestamps).
import type { Migration } from 'kysely';

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
};
