// The shape shared by the three service roles: open the service's own database, build its activities, poll its queue.
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../../config/env.js';
import { serviceDatabase } from '../../db/database.js';
import type { DatabaseLocation } from '../../db/database.js';
import type { EventPublisher } from '../../events/publisher.js';
import type { TaskQueue } from '../../shared/task-queues.js';
import { databaseProbe } from '../readiness.js';
import type { RoleName, RoleStarter } from '../role.js';
import { startTemporalWorkerRole } from './temporal-worker.js';

export interface ServiceWorkerSpec<Store extends { close(): Promise<void> }> {
  name: RoleName & TaskQueue;
  /** Opens the service's store where DATABASE_URL (or, unset, DATA_DIR) says. */
  open: (location: DatabaseLocation) => Promise<Store>;
  activities: (deps: { store: Store; publisher: EventPublisher; config: Config }) => WorkerOptions['activities'];
}

/** A role that runs one service's activities on the task queue of the same name. */
export function serviceWorkerRole<Store extends { close(): Promise<void> }>(
  spec: ServiceWorkerSpec<Store>,
): RoleStarter {
  return async (ctx) => {
    const location = serviceDatabase(ctx.config, spec.name);
    const store = await spec.open(location);
    const activities = spec.activities({ store, publisher: await ctx.publisher(), config: ctx.config });
    const database = databaseProbe(spec.name, location);
    const role = await startTemporalWorkerRole(ctx, {
      name: spec.name,
      taskQueue: spec.name,
      activities,
      onStopped: async () => {
        await database.close();
        await store.close();
      },
    });
    return { ...role, probes: [...(role.probes ?? []), database] };
  };
}
