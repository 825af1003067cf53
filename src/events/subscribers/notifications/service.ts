// Starts one instance of the notifications service: its database, the channel, and its subscription.
import type { NatsConnection } from '@nats-io/transport-node';
import type { DatabaseLocation } from '../../../db/database.js';
import type { Logger } from '../../../logger.js';
import type { EventSettings } from '../../nats/settings.js';
import { bookkeepingDb } from '../bookkeeping.js';
import { KyselyFailureLog } from '../failure-log.js';
import { startSubscription } from '../subscription.js';
import type { Subscription } from '../subscription.js';
import { storeAndLogChannel } from './channel.js';
import type { NotificationChannel } from './channel.js';
import { notificationsHandler } from './handler.js';
import { openNotificationStore } from './store.js';
import type { NotificationStore } from './store.js';

export interface NotificationsServiceOptions {
  nc: NatsConnection;
  /** From `readModelLocations`: a SQLite file instances on one host share, or PostgreSQL (`notifications` schema). */
  location: DatabaseLocation;
  settings: EventSettings;
  logger: Logger;
  /** Defaults to storing in the service's database and logging. */
  channel?: NotificationChannel;
}

export interface NotificationsService {
  store: NotificationStore;
  subscription: Subscription;
  /** Stops consuming, then closes the database. */
  stop(): Promise<void>;
}

export async function startNotificationsService(options: NotificationsServiceOptions): Promise<NotificationsService> {
  const { nc, location, settings, logger } = options;
  const store = await openNotificationStore(location);
  try {
    const subscription = await startSubscription({
      nc,
      handler: notificationsHandler(store.db, options.channel ?? storeAndLogChannel(logger)),
      settings,
      failures: new KyselyFailureLog(bookkeepingDb(store.db)),
      logger,
    });
    return {
      store,
      subscription,
      async stop() {
        await subscription.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
