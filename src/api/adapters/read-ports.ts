// Opens everything the API reads from the event side: the three read databases and the event history on NATS.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../../config/env.js';
import { openAnalyticsReadModel } from '../../read-models/analytics/store.js';
import { readModelLocations } from '../../read-models/databases.js';
import { openNotificationStore } from '../../read-models/notifications/store.js';
import { openOrderReadModel } from '../../read-models/orders/store.js';
import type { AnalyticsReader } from '../ports/analytics-reader.js';
import type { EventHistory } from '../ports/event-history.js';
import type { NotificationReader } from '../ports/notification-reader.js';
import type { OrderReadModel } from '../ports/order-read-model.js';
import { analyticsReaderPort } from './analytics-reader.js';
import { jetStreamEventHistory } from './jetstream-event-history.js';
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
 * For the API role: the databases the subscriber processes write (`readModelLocations`). SQLite files are opened
 * and migrated so the API can start before the subscribers and answer with empty lists (WAL lets it read while
 * they write); on PostgreSQL the API connects as a role that may only read the schemas, so it does not migrate and
 * answers with empty lists until the subscribers have created their tables.
 */
export async function openEventReadPorts(options: {
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>;
  nc: NatsConnection;
}): Promise<EventReadPorts> {
  const locations = readModelLocations(options.config);
  const opened: { close(): Promise<void> }[] = [];
  const open = async <S extends { close(): Promise<void> }>(opening: Promise<S>): Promise<S> => {
    const store = await opening;
    opened.push(store);
    return store;
  };
  try {
    const orders = await open(openOrderReadModel(locations.orders, { readOnly: true }));
    const analytics = await open(openAnalyticsReadModel(locations.analytics, { readOnly: true }));
    const notifications = await open(openNotificationStore(locations.notifications, { readOnly: true }));
    return {
      orders: orderReadModelPort(orders),
      notifications: notificationReaderPort(notifications),
      analytics: analyticsReaderPort(analytics),
      events: jetStreamEventHistory(options.nc),
      async close() {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(opened.map((s) => s.close()));
    throw error;
  }
}
