// The orders role: runs the orderSaga workflows and publishes the order-level events.
import { fileURLToPath } from 'node:url';
import { createOrderActivities } from '../../activities/orders/activities.js';
import { TaskQueues } from '../../shared/task-queues.js';
import type { RoleStarter } from '../role.js';
import { startTemporalWorkerRole } from './temporal-worker.js';

/** Development bundles the workflow code from source at start-up. */
const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export const startOrders: RoleStarter = async (ctx) =>
  startTemporalWorkerRole(ctx, {
    name: 'orders',
    taskQueue: TaskQueues.orders,
    workflowsPath,
    activities: createOrderActivities({ publisher: await ctx.publisher() }),
  });
