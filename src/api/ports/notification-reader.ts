// Port: the notifications the notifications read model recorded for a customer.
/** One message the customer was (or would have been) sent about one of their orders. */
export interface CustomerNotification {
  id: string;
  customerId: string;
  orderId: string;
  /** The domain event that caused it, e.g. `OrderShipped`. */
  event: string;
  /** Human-readable text, as sent. */
  message: string;
  createdAt: string;
}

/**
 * Implemented over the notifications read model's store (src/api/adapters/notification-reader.ts). Newest
 * first; an unknown customer simply has none, so there is no 404 here.
 */
export interface NotificationReader {
  listNotifications(customerId: string): Promise<CustomerNotification[]>;
}
