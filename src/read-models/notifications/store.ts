// The notifications database: opening it, and reading a customer's notifications back for the API.
import type { Kysely } from 'kysely';
import type { DatabaseLocation } from '../../db/database.js';
import { emptyUntilCreated, openReadModelDatabase } from '../databases.js';
import type { ReadModelOpenOptions } from '../databases.js';
import type { Notification } from './channel.js';
import { notificationMigrations } from './migrations.js';
import type { NotificationTables } from './tables.js';

/** Opens (and, unless read-only on PostgreSQL, migrates) the notifications database: schema `notifications`. */
export async function openNotificationStore(
  location: DatabaseLocation,
  options: ReadModelOpenOptions = {},
): Promise<NotificationStore> {
  const { db } = await openReadModelDatabase<NotificationTables>(
    location,
    'notifications',
    notificationMigrations,
    options,
  );
  return new NotificationStore(db);
}

export class NotificationStore {
  constructor(readonly db: Kysely<NotificationTables>) {}

  /** A customer's notifications, newest first (by when the event happened). */
  async listNotifications(customerId: string, limit = 100): Promise<Notification[]> {
    const rows = await emptyUntilCreated(
      this.db
        .selectFrom('notifications')
        .selectAll()
        .where('customer_id', '=', customerId)
        .orderBy('created_at', 'desc')
        .orderBy('event_id', 'desc')
        .limit(limit)
        .execute(),
      [],
    );
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
