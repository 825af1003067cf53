// The shipping role: shipments and their cancellation on the shipping task queue, on its own database.
import { createShippingActivities } from '../../activities/shipping/activities.js';
import { openShippingStore } from '../../activities/shipping/store.js';
import { serviceWorkerRole } from './service-worker.js';

export const startShipping = serviceWorkerRole({
  name: 'shipping',
  open: (location) => openShippingStore(location),
  activities: ({ store, config }) => createShippingActivities({ store, servedCountries: config.SHIPPING_COUNTRIES }),
});
