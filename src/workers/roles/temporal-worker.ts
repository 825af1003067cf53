// Runs one Temporal worker for a role: connects, polls its task queue in the background, and drains on stop.
import { NativeConnection, Worker, type WorkerDeploymentOptions, type WorkerOptions } from '@temporalio/worker';
import { openDataConverter } from '../../codec/data-converter.js';
import type { Config } from '../../config/env.js';
import { activityMetricsInterceptor } from '../../metrics/activity-metrics.js';
import { activityTracingInterceptors, workflowTracingSinks } from '../../tracing/temporal.js';
import { processTracing } from '../../tracing/tracing.js';
import { temporalWorkerProbe } from '../readiness.js';
import type { RoleContext, RoleName, RunningRole } from '../role.js';

export interface TemporalWorkerRoleOptions {
  name: RoleName;
  taskQueue: string;
  activities?: WorkerOptions['activities'];
  /** The workflow code: a prebuilt bundle or a source path to bundle now. */
  workflows?: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** The Worker Deployment version this worker polls as (src/workers/worker-versioning.ts); unset, unversioned. */
  workerDeploymentOptions?: WorkerDeploymentOptions;
  /** Runs once the worker polls (the orders role makes its version current there, under auto-upgrade). */
  onPolling?: () => Promise<void>;
  /** Closes what the role opened (stores), after the worker has drained. */
  onStopped?: () => Promise<void>;
}

/** Tuning from the configuration; options left unset keep the SDK's defaults. */
export function workerTuning(config: Config): Partial<WorkerOptions> {
  const tuning: Partial<WorkerOptions> = {
    shutdownGraceTime: config.SHUTDOWN_GRACE_PERIOD,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskPolls: config.WORKER_ACTIVITY_POLLERS,
    maxConcurrentWorkflowTaskPolls: config.WORKER_WORKFLOW_POLLERS,
  };
  return Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
}

/**
 * Starts the worker and returns once it polls. `stop` stops polling, lets in-flight tasks finish within
 * SHUTDOWN_GRACE_PERIOD (activities still running then are cancelled and retried elsewhere), then closes
 * the connection. A worker that dies on its own is fatal for the process: a supervisor restarts it.
 */
export async function startTemporalWorkerRole(
  ctx: RoleContext,
  options: TemporalWorkerRoleOptions,
): Promise<RunningRole> {
  const { name, taskQueue, activities, workflows, workerDeploymentOptions, onPolling, onStopped } = options;
  // Payloads are decrypted as tasks arrive and encrypted as results leave; workflow code sees plain values.
  const dataConverter = await openDataConverter(ctx.config);
  const tracing = processTracing();
  const connection = await NativeConnection.connect({ address: ctx.config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: ctx.config.TEMPORAL_NAMESPACE,
    taskQueue,
    dataConverter,
    ...workerTuning(ctx.config),
    ...(activities ? { activities } : {}),
    ...workflows,
    ...(workerDeploymentOptions ? { workerDeploymentOptions } : {}),
    interceptors: { activity: [activityMetricsInterceptor, ...activityTracingInterceptors(tracing)] },
    ...(workflows ? { sinks: workflowTracingSinks(tracing) } : {}),
  });
  let stopping = false;
  const running = worker.run().catch((error: unknown) => {
    if (stopping) throw error;
    ctx.logger.fatal({ err: error, role: name }, 'worker failed');
    process.exit(1);
  });
  const version = workerDeploymentOptions?.version;
  ctx.logger.info({ role: name, taskQueue, ...(version ? { version } : {}) }, 'worker polling');
  if (onPolling) {
    try {
      await onPolling();
    } catch (error) {
      stopping = true;
      worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      throw error;
    }
  }
  return {
    name,
    probes: [temporalWorkerProbe(name, worker, connection)],
    stop: async () => {
      stopping = true;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await onStopped?.();
      ctx.logger.info({ role: name }, 'worker stopped');
    },
  };
}
