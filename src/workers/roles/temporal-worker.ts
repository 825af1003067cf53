// Runs one Temporal worker for a role: connects, polls its task queue in the background, and drains on stop.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { RoleContext, RoleName, RunningRole } from '../role.js';

export interface TemporalWorkerRoleOptions {
  name: RoleName;
  taskQueue: string;
  activities?: WorkerOptions['activities'];
  workflowsPath?: string;
  /** Closes what the role opened (stores), after the worker has drained. */
  onStopped?: () => Promise<void>;
}

/** Starts the worker and returns once it polls; a worker that dies later is logged and exits the process. */
export async function startTemporalWorkerRole(ctx: RoleContext, options: TemporalWorkerRoleOptions): Promise<RunningRole> {
  const { name, taskQueue, activities, workflowsPath, onStopped } = options;
  const connection = await NativeConnection.connect({ address: ctx.config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: ctx.config.TEMPORAL_NAMESPACE,
    taskQueue,
    ...(activities ? { activities } : {}),
    ...(workflowsPath ? { workflowsPath } : {}),
  });
  const running = worker.run().catch((error: unknown) => {
    ctx.logger.fatal({ err: error, role: name }, 'worker failed');
    process.exit(1);
  });
  ctx.logger.info({ role: name, taskQueue }, 'worker polling');
  return {
    name,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await onStopped?.();
    },
  };
}
