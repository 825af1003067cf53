// Opens everything the API reads from the event side: the three read databases and the event history on NATS.
import type { NatsConnection } from '@nats-io/transport-node';
import type { AnalyticsReader } from '../../api/ports/analytics-reader.js';
import type { EventHistory } from '../../api/ports/event-history.js';
import type { NotificationReader } from '../../api/ports/notification-reader.js';
import type { OrderReadModel } from '../../api/ports/order-read-model.js';
import { serviceDatabaseFile } from '../../db/sqlite.js';
import { jetStreamEventHistory } from '../../events/nats/event-history.js';
import { openNotificationStore } from '../../events/subscribers/notifications/store.js';
import { openAnalyticsReadModel } from '../analytics/store.js';
import { openOrderReadModel } from '../orders/store.js';
import { readModelFiles } from '../service.js';
import { analyticsReaderPort } from './analytics-reader.js';
import { notificationReaderPort } from './notification-reader.js';
import { orderReadModelPort } from './order-read-model.js';

export interface EventReadPorts {
  orders: OrderReadModel;
  notifications: NotificationReader;
  analytics: AnalyticsReader;
  events: EventHistory;
  /** Closes the databases (not the NATS connection, which the caller owns). */
  close(): Promise<void>;
}

/**
 * For the API role: the same files the subscriber processes write (`<DATA_DIR>/order-read-model.sqlite`,
 * `analytics.sqlite`, `notifications.sqlite`), opened and migrated so the API can start before them and
 * answer with empty lists. SQLite's WAL lets the API read while the subscribers write.
 */
export async function openEventReadPorts(options: { dataDir: string; nc: NatsConnection }): Promise<EventReadPorts> {
  const files = readModelFiles((name) => serviceDatabaseFile(options.dataDir, name));
  const orders = await openOrderReadModel({ filename: files.orders });
  const analytics = await openAnalyticsReadModel({ filename: files.analytics });
  const notifications = await openNotificationStore({
    filename: serviceDatabaseFile(options.dataDir, 'notifications'),
  });
  return {
    orders: orderReadModelPort(orders),
    notifications: notificationReaderPort(notifications),
    analytics: analyticsReaderPort(analytics),
    events: jetStreamEventHistory(options.nc),
    async close() {
      await Promise.all([orders.close(), analytics.close(), notifications.close()]);
    },
  };
}
