// The API's notification port over the notifications read model's store.
import type { NotificationStore } from '../../read-models/notifications/store.js';
import type { NotificationReader } from '../ports/notification-reader.js';

/** The message as sent: title and body in one line. */
export function notificationReaderPort(store: NotificationStore): NotificationReader {
  return {
    async listNotifications(customerId) {
      const notifications = await store.listNotifications(customerId);
      return notifications.map((n) => ({
        id: n.id,
        customerId: n.customerId,
        orderId: n.orderId,
        event: n.event,
        message: `${n.title}: ${n.body}`,
        createdAt: n.createdAt,
      }));
    },
  };
}
