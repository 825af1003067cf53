// Worker Versioning for the orders worker: the build id from the workflow bundle's content, the worker's deployment options, and the promote call.
import { createHash } from 'node:crypto';
import { Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { Config } from '../config/env.js';

/** A failed promotion: the version never polled within the wait, or the server refused it. */
export class PromoteError extends Error {
  override readonly name = 'PromoteError';
  readonly code = 'PROMOTE_FAILED';
}

/**
 * The same workflow code gives the same build id on every machine and every start (the bundle holds no absolute
 * paths or times), and any change to it gives another: a restart on unchanged code rejoins its own version instead
 * of registering a new one, and a changed bundle can never be mistaken for the version its pinned runs need.
 */
export function workflowBuildId(bundleCode: string): string {
  return `wf-${createHash('sha256').update(bundleCode).digest('hex').slice(0, 20)}`;
}

/** The version the orders worker registers, or none when WORKER_VERSIONING is off. */
export function deploymentVersion(config: Config, bundleCode: string): WorkerDeploymentVersion | undefined {
  if (config.WORKER_VERSIONING === 'off') return undefined;
  return { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: workflowBuildId(bundleCode) };
}

/**
 * The worker's deployment options. Pinned runs stay on the version they started on until it is gone; auto-upgrade
 * runs move to the current version at their next workflow task, which is why every command change is still behind
 * `patched()`.
 */
export function workerDeploymentOptions(
  config: Config,
  version: WorkerDeploymentVersion | undefined,
): WorkerDeploymentOptions | undefined {
  if (!version) return undefined;
  return {
    version,
    useWorkerVersioning: true,
    defaultVersioningBehavior: config.WORKER_VERSIONING === 'pinned' ? 'PINNED' : 'AUTO_UPGRADE',
  };
}

export interface PromoteOptions {
  namespace: string;
  /** How long to wait for the version's workers to poll (the server refuses a version it has not seen). */
  waitMs?: number;
  identity?: string;
}

/**
 * Makes `version` the deployment's current version: new orders start on it (and auto-upgrade runs move to it).
 * The server knows a version only once one of its workers has polled, so this retries until then.
 */
export async function setCurrentVersion(
  connection: Connection,
  version: WorkerDeploymentVersion,
  options: PromoteOptions,
): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    try {
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: options.namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: options.identity ?? 'order-saga',
      });
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // NOT_FOUND (5) or FAILED_PRECONDITION (9) while the version's pollers have not registered yet.
      const code = (error as { code?: number }).code;
      if ((code !== 5 && code !== 9) || Date.now() > deadline) {
        throw new PromoteError(`cannot make ${version.deploymentName}.${version.buildId} current: ${message}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * One promotion over its own connection: the worker's first poll (auto-upgrade), `npm run workers:promote` and the
 * cluster's promote step hold no client of their own.
 */
export async function promoteVersion(
  address: string,
  version: WorkerDeploymentVersion,
  options: PromoteOptions,
): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await setCurrentVersion(connection, version, options);
  } finally {
    await connection.close();
  }
}
