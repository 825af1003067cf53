// Schema migrations of the payments database, in order; portable to PostgreSQL (text IDs, integer money).
import type { Migration } from 'kysely';
import { widenToBigint } from '../../db/widen-to-bigint.js';
import { outboxMigration } from '../../events/outbox/schema.js';

export const paymentMigrations: Record<string, Migration> = {
  '0001-create-charges': {
    async up(db) {
      await db.schema
        .createTable('charges')
        .addColumn('payment_id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failure_code', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('refund_blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('refund_key', 'text')
        .addColumn('refunded_at', 'text')
        .execute();
      await db.schema.createIndex('charges_order_id').on('charges').column('order_id').execute();
    },
    async down(db) {
      await db.schema.dropTable('charges').execute();
    },
  },
  /**
   * `tombstone` = 1 marks the row refundPayment stores under chargePayment's key when it finds no charge to refund, so a
   * late chargePayment attempt cannot take effect after its compensation ran (see src/activities/step-context.ts).
   */
  '0002-add-tombstone': {
    async up(db) {
      await db.schema
        .alterTable('charges')
        .addColumn('tombstone', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db) {
      await db.schema.alterTable('charges').dropColumn('tombstone').execute();
    },
  },
  /** The transactional outbox: the events of each charge and refund, written in the same transaction. */
  '0003-outbox': outboxMigration,
  /** A charge above 2^31 cents (21 million euros; 50 lines of 10,000 units can get there) fits on PostgreSQL too. */
  '0004-bigint': {
    up: (db) => widenToBigint(db, 'charges', ['amount']),
  },
};
