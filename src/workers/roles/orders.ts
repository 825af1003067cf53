// The orders role: runs the orderSaga workflows and records the order-level events in its own store, whose relay publishes them.
import { fileURLToPath } from 'node:url';
import { createOrderActivities } from '../../activities/orders/activities.js';
import { openOrderStore } from '../../activities/orders/store.js';
import { ordersParked } from '../../metrics/series.js';
import { serviceWorkerRole } from './service-worker.js';

/** The workflow source, bundled at start-up when no prebuilt bundle is configured (development). */
export const workflowsSourcePath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export const startOrders = serviceWorkerRole({
  name: 'orders',
  open: (location) => openOrderStore(location),
  sample: (store) => ordersParked.add(async (sample) => sample({}, await store.parkedOrders())),
  activities: ({ store, config }) =>
    createOrderActivities({ store, orderCreatedVersion: config.EVENTS_ORDER_CREATED_VERSION }),
  workflows: (config) =>
    config.WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } }
      : { workflowsPath: workflowsSourcePath },
});
