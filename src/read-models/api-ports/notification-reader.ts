// The API's notification port over the notifications service's store.
import type { NotificationReader } from '../../api/ports/notification-reader.js';
import type { NotificationStore } from '../../events/subscribers/notifications/store.js';

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
