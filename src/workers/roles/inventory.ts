// The inventory role: pricing, reservations and releases on the inventory task queue, on its own database.
import { createInventoryActivities } from '../../activities/inventory/activities.js';
import { openInventoryStore } from '../../activities/inventory/store.js';
import { serviceWorkerRole } from './service-worker.js';

export const startInventory = serviceWorkerRole({
  name: 'inventory',
  open: (location) => openInventoryStore(location),
  activities: ({ store }) => createInventoryActivities({ store }),
});
