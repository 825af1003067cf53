// Which function starts which role; the one list both entry points (main.ts, dev.ts) run from.
import type { RoleName, RoleStarter } from './role.js';
import { startAnalytics } from './roles/analytics.js';
import { startApi } from './roles/api.js';
import { startInventory } from './roles/inventory.js';
import { startNotifications } from './roles/notifications.js';
import { startOrderReadModel } from './roles/order-read-model.js';
import { startOrders } from './roles/orders.js';
import { startPayments } from './roles/payments.js';
import { startShipping } from './roles/shipping.js';

export const roleStarters: Record<RoleName, RoleStarter> = {
  orders: startOrders,
  payments: startPayments,
  inventory: startInventory,
  shipping: startShipping,
  notifications: startNotifications,
  analytics: startAnalytics,
  'order-read-model': startOrderReadModel,
  api: startApi,
};
