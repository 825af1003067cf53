// The shape shared by the four worker roles that own a store: open the service's own database, build its activities, run its outbox relay, poll its queue.
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../../config/env.js';
import { serviceDatabase } from '../../db/database.js';
import type { DatabaseLocation } from '../../db/database.js';
import type { Outbox } from '../../events/outbox/outbox.js';
import { relaySettingsFromConfig, startOutboxRelay } from '../../events/outbox/relay.js';
import { sampleOutbox } from '../../metrics/outbox-metrics.js';
import type { TaskQueue } from '../../shared/task-queues.js';
import { databaseProbe } from '../readiness.js';
import type { RoleName, RoleStarter } from '../role.js';
import { startTemporalWorkerRole } from './temporal-worker.js';
import type { TemporalWorkerRoleOptions } from './temporal-worker.js';

export interface ServiceWorkerSpec<Store extends { close(): Promise<void>; readonly outbox: Outbox }> {
  name: RoleName & TaskQueue;
  /** Opens the service's store where DATABASE_URL (or, unset, DATA_DIR) says. */
  open: (location: DatabaseLocation) => Promise<Store>;
  activities: (deps: { store: Store; config: Config }) => WorkerOptions['activities'];
  /** Adds the store's own gauges to the process's metrics; the returned function removes them. */
  sample?: (store: Store) => () => void;
  /** The orders role also runs the workflows, as a Worker Deployment version when versioning is on. */
  workflows?: (
    config: Config,
  ) => Promise<Pick<TemporalWorkerRoleOptions, 'workflows' | 'workerDeploymentOptions' | 'onPolling'>>;
}

/**
 * A role that runs one service's activities on the task queue of the same name, and the relay that publishes the
 * events its store's transactions wrote. The activities never touch NATS, so the worker starts and takes effect
 * while NATS is down; the relay connects when it can (the process's one connection) and catches up. On stop the
 * worker drains first, then the relay finishes its round, then the store closes.
 */
export function serviceWorkerRole<Store extends { close(): Promise<void>; readonly outbox: Outbox }>(
  spec: ServiceWorkerSpec<Store>,
): RoleStarter {
  return async (ctx) => {
    const location = serviceDatabase(ctx.config, spec.name);
    const store = await spec.open(location);
    const database = databaseProbe(spec.name, location);
    const relay = startOutboxRelay({
      outbox: store.outbox,
      publisher: ctx.publisher,
      settings: relaySettingsFromConfig(ctx.config),
      logger: ctx.logger.child({ role: spec.name }),
    });
    const unsample = [sampleOutbox(store.outbox), ...(spec.sample ? [spec.sample(store)] : [])];
    const closeAll = async () => {
      unsample.forEach((remove) => remove());
      await relay.stop();
      await database.close();
      await store.close();
    };
    try {
      const role = await startTemporalWorkerRole(ctx, {
        name: spec.name,
        taskQueue: spec.name,
        activities: spec.activities({ store, config: ctx.config }),
        ...(spec.workflows ? await spec.workflows(ctx.config) : {}),
        onStopped: closeAll,
      });
      return { ...role, probes: [...(role.probes ?? []), database] };
    } catch (error) {
      await closeAll();
      throw error;
    }
  };
}
