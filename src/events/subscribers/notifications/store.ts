// The notifications database: opening it, and reading a customer's notifications back for the API.
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../../../db/migrate.js';
import { openSqliteDatabase } from '../../../db/sqlite.js';
import type { SqliteOptions } from '../../../db/sqlite.js';
import type { Notification } from './channel.js';
import { notificationMigrations } from './migrations.js';
import type { NotificationTables } from './tables.js';

/** Opens (and migrates) the notifications database. */
export async function openNotificationStore(options: SqliteOptions): Promise<NotificationStore> {
  const db = openSqliteDatabase<NotificationTables>(options);
  await migrateToLatest(db, 'notifications', notificationMigrations);
  return new NotificationStore(db);
}

export class NotificationStore {
  constructor(readonly db: Kysely<NotificationTables>) {}

  /** A customer's notifications, newest first (by when the event happened). */
  async listNotifications(customerId: string, limit = 100): Promise<Notification[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('event_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.event_id,
      customerId: r.customer_id,
      orderId: r.order_id,
      event: r.event_name,
      title: r.title,
      body: r.body,
      createdAt: r.created_at,
    }));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
