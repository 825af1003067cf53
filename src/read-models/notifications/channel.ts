// The port notifications are delivered through, and the default channel: store in the service's database and log.
import type { Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import type { NotificationTables } from './tables.js';

export interface Notification {
  /** The event ID: one notification per event, whatever the redeliveries. */
  id: string;
  customerId: string;
  orderId: string;
  event: string;
  title: string;
  body: string;
  createdAt: string;
}

/**
 * Delivers one notification. Called inside the event's local transaction (`trx`): a channel that writes
 * there (the default) is exactly-once with the inbox; an external one (e-mail, SMS) should write an outbox
 * row there and send after commit, or accept at-least-once delivery. Throwing rolls the event back for a retry.
 */
export interface NotificationChannel {
  deliver(notification: Notification, trx: Kysely<NotificationTables>): Promise<void>;
}

/** Stores the notification (the customer's inbox the API reads) and logs it. */
export function storeAndLogChannel(logger: Logger): NotificationChannel {
  return {
    async deliver(notification, trx) {
      await trx
        .insertInto('notifications')
        .values({
          event_id: notification.id,
          customer_id: notification.customerId,
          order_id: notification.orderId,
          event_name: notification.event,
          title: notification.title,
          body: notification.body,
          created_at: notification.createdAt,
          delivered_at: new Date().toISOString(),
        })
        .execute();
      logger.info(
        { customerId: notification.customerId, orderId: notification.orderId, title: notification.title },
        notification.body,
      );
    },
  };
}
