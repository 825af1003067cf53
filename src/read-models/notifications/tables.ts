// Row types of the notifications service's database.
import type { BookkeepingTables } from '../../events/consumer/bookkeeping.js';

/** One message per event that concerns a customer; the event ID is the key, so it exists once. */
export interface NotificationsTable {
  event_id: string;
  customer_id: string;
  order_id: string;
  event_name: string;
  title: string;
  body: string;
  /** The event's time: when the thing the customer is told about happened. */
  created_at: string;
  delivered_at: string;
}

/** Which customer an order belongs to, learnt from the events that say so, for those that do not. */
export interface OrderCustomersTable {
  order_id: string;
  customer_id: string;
}

export interface NotificationTables extends BookkeepingTables {
  notifications: NotificationsTable;
  order_customers: OrderCustomersTable;
}
