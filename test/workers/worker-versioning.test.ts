// Worker Versioning on the real dev server: an order waiting for approval on version A finishes on A after version B is made current, while new orders run on B.
import { Client, Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import proto from '@temporalio/proto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { bundleWorkflowSource } from '../../src/workers/roles/orders.js';
import { deploymentVersion, setCurrentVersion, workerDeploymentOptions } from '../../src/workers/worker-versioning.js';
import { approveUpdate, confirmPlacementUpdate } from '../../src/workflows/definitions.js';
import { createTestNamespace } from '../api/support/dev-namespace.js';
import { newOrder, startOrder, waitForState, type OrderHandle } from '../support/order-workflows.js';
import { createOrdersWorker, startSagaWorkers, type SagaWorkers } from '../support/saga-harness.js';
import { testDataConverter } from '../support/test-payload-keys.js';
import { waitFor } from '../support/wait-for.js';

const { EventType } = proto.temporal.api.enums.v1;
const pinned = loadConfig({ WORKER_VERSIONING: 'pinned', WORKER_DEPLOYMENT_NAME: 'order-saga-test' });

let connection: Connection;
let nativeConnection: NativeConnection;
let namespace: string;
let client: Client;
let workers: SagaWorkers;
let workerB: Worker | undefined;
let runningB: Promise<void> | undefined;

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  nativeConnection = await NativeConnection.connect({ address });
  namespace = await createTestNamespace(connection, 'versioning');
  client = new Client({ connection, namespace, dataConverter: testDataConverter });
});

afterAll(async () => {
  if (workerB?.getState() === 'RUNNING') workerB.shutdown();
  await runningB;
  await workers?.stop();
  await nativeConnection?.close();
  await connection?.close();
});

/** The version the server says a run is on now (describe's versioning info). */
async function versionOf(handle: OrderHandle): Promise<string | undefined> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return info?.deploymentVersion?.buildId ?? undefined;
}

/** The build id of every worker that completed one of the run's workflow tasks, from its history. */
async function buildIdsInHistory(handle: OrderHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const ids = (events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '(none)');
  return [...new Set(ids)];
}

async function placeAndWait(handle: OrderHandle, status: 'AWAITING_APPROVAL' | 'COMPLETED') {
  await handle.executeUpdate(confirmPlacementUpdate, { args: [{}] });
  if (status === 'AWAITING_APPROVAL') await waitForState(handle, (s) => s.status === status);
}

describe('Worker Versioning (pinned)', () => {
  it('keeps an order waiting for approval on version A while version B takes new orders', async () => {
    // Two versions of the workflow code: the second differs by a comment, which is enough for another build id.
    const codeA = await bundleWorkflowSource();
    const codeB = `${codeA}\n// version B\n`;
    const versionA = deploymentVersion(pinned, codeA) as WorkerDeploymentVersion;
    const versionB = deploymentVersion(pinned, codeB) as WorkerDeploymentVersion;
    expect(versionA.buildId).not.toBe(versionB.buildId);

    workers = await startSagaWorkers(
      { nativeConnection, namespace },
      {
        ordersWorker: {
          workflowBundle: { code: codeA },
          workerDeploymentOptions: workerDeploymentOptions(pinned, versionA),
        },
      },
    );
    await setCurrentVersion(connection, versionA, { namespace });

    const waiting = await startOrder(client, newOrder({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] }));
    await placeAndWait(waiting, 'AWAITING_APPROVAL');
    expect(await versionOf(waiting)).toBe(versionA.buildId);

    // Version B deployed beside A and promoted, as `npm run workers:promote` does.
    workerB = await createOrdersWorker({ nativeConnection, namespace }, workers.stores.orders, {
      workflowBundle: { code: codeB },
      workerDeploymentOptions: workerDeploymentOptions(pinned, versionB),
    });
    runningB = workerB.run();
    await setCurrentVersion(connection, versionB, { namespace });

    const fresh = await startOrder(client, newOrder());
    await placeAndWait(fresh, 'COMPLETED');
    expect((await fresh.result()).status).toBe('COMPLETED');
    expect(await versionOf(fresh)).toBe(versionB.buildId);
    expect(await buildIdsInHistory(fresh)).toEqual([versionB.buildId]);

    // The old order is still on A; approved, it completes there.
    expect(await versionOf(waiting)).toBe(versionA.buildId);
    // docs/versioning.md's drain query counts it: A cannot be retired yet.
    const drainQuery = `TemporalWorkerDeploymentVersion="${versionA.deploymentName}:${versionA.buildId}" AND ExecutionStatus="Running"`;
    await waitFor(async () => (await client.workflow.count(drainQuery)).count === 1, {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'the running order on version A in visibility',
    });
    await waiting.executeUpdate(approveUpdate, { args: [{}] });
    expect((await waiting.result()).status).toBe('COMPLETED');
    expect(await buildIdsInHistory(waiting)).toEqual([versionA.buildId]);
  });
});
