// The orders role: runs the orderSaga workflows and publishes the order-level events.
import { fileURLToPath } from 'node:url';
import { createOrderActivities } from '../../activities/orders/activities.js';
import { TaskQueues } from '../../shared/task-queues.js';
import type { RoleStarter } from '../role.js';
import { startTemporalWorkerRole } from './temporal-worker.js';

/** The workflow source, bundled at start-up when no prebuilt bundle is configured (development). */
export const workflowsSourcePath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export const startOrders: RoleStarter = async (ctx) =>
  startTemporalWorkerRole(ctx, {
    name: 'orders',
    taskQueue: TaskQueues.orders,
    workflows: ctx.config.WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: ctx.config.WORKFLOW_BUNDLE } }
      : { workflowsPath: workflowsSourcePath },
    activities: createOrderActivities({ publisher: await ctx.publisher() }),
  });
