// The orders role: runs the orderSaga workflows and records the order-level events in its own store, whose relay publishes them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOrderActivities } from '../../activities/orders/activities.js';
import { openOrderStore } from '../../activities/orders/store.js';
import type { Config } from '../../config/env.js';
import { ordersParked } from '../../metrics/series.js';
import { workflowInterceptorModules } from '../../tracing/temporal.js';
import { deploymentVersion, promoteVersion, workerDeploymentOptions } from '../worker-versioning.js';
import { serviceWorkerRole } from './service-worker.js';

/** The workflow source, bundled at start-up when no prebuilt bundle is configured (development). */
export const workflowsSourcePath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/** The bundler's progress lines are noise in a role's log (and a benchmark's output); its errors are not. */
export const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/** Bundles the workflow source with the tracing interceptors (src/tracing/temporal.ts), as `npm run build` and the cluster do once for every orders process. */
export async function bundleWorkflowSource(): Promise<string> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: workflowsSourcePath,
    workflowInterceptorModules,
    logger: quietBundlerLogger,
  });
  return bundle.code;
}

/**
 * The workflow code the worker runs: WORKFLOW_BUNDLE's, or the source bundled now. The role holds the code itself
 * (rather than letting the worker bundle it) because the deployment version's build id is its hash.
 */
export async function workflowBundleCode(config: Config): Promise<string> {
  return config.WORKFLOW_BUNDLE ? await readFile(config.WORKFLOW_BUNDLE, 'utf8') : await bundleWorkflowSource();
}

export const startOrders = serviceWorkerRole({
  name: 'orders',
  open: (location) => openOrderStore(location),
  sample: (store) => ordersParked.add(async (sample) => sample({}, await store.parkedOrders())),
  activities: ({ store, config }) =>
    createOrderActivities({ store, orderCreatedVersion: config.EVENTS_ORDER_CREATED_VERSION }),
  workflows: async (config) => {
    const code = await workflowBundleCode(config);
    const version = deploymentVersion(config, code);
    const deployment = workerDeploymentOptions(config, version);
    return {
      workflows: { workflowBundle: { code } },
      ...(deployment ? { workerDeploymentOptions: deployment } : {}),
      // Auto-upgrade (the main command) promotes itself: the server routes a deployment's tasks only to its
      // current version, so an edited workflow would otherwise wait for a promote nobody runs. Pinned waits for one.
      ...(version && config.WORKER_VERSIONING === 'auto-upgrade'
        ? {
            onPolling: () =>
              promoteVersion(config.TEMPORAL_ADDRESS, version, {
                namespace: config.TEMPORAL_NAMESPACE,
                identity: 'order-saga:orders',
              }),
          }
        : {}),
    };
  },
});
