// The payments role: charges and refunds on the payments task queue, on its own database.
import { createPaymentActivities } from '../../activities/payments/activities.js';
import { openPaymentStore } from '../../activities/payments/store.js';
import { serviceWorkerRole } from './service-worker.js';

export const startPayments = serviceWorkerRole({
  name: 'payments',
  open: (location) => openPaymentStore(location),
  activities: ({ store }) => createPaymentActivities({ store }),
});
