// Which function starts which role; the one list both entry points (main.ts, dev.ts) run from.
import type { RoleName, RoleStarter } from './role.js';
import { startInventory } from './roles/inventory.js';
import { startOrders } from './roles/orders.js';
import { startPayments } from './roles/payments.js';
import { startShipping } from './roles/shipping.js';

export const roleStarters: Partial<Record<RoleName, RoleStarter>> = {
  orders: startOrders,
  payments: startPayments,
  inventory: startInventory,
  shipping: startShipping,
};
