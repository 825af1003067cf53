// An order started on the previous release's workflow code (bundled from its commit in git) and waiting for approval completes after the orders worker restarts on the current code.
import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import proto from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { bundleWorkflowSource } from '../../src/workers/roles/orders.js';
import { deploymentVersion, setCurrentVersion, workerDeploymentOptions } from '../../src/workers/worker-versioning.js';
import { approveUpdate, confirmPlacementUpdate } from '../../src/workflows/definitions.js';
import { createTestNamespace } from '../api/support/dev-namespace.js';
import { currentRelease } from '../support/histories.js';
import { eventNames, newOrder, startOrder, waitForState } from '../support/order-workflows.js';
import { bundleWorkflowAt, previousRelease } from '../support/previous-release.js';
import { startSagaWorkers, type SagaWorkers } from '../support/saga-harness.js';
import { testDataConverter } from '../support/test-payload-keys.js';

const { EventType } = proto.temporal.api.enums.v1;
/** The main command's setting: the restarted worker promotes itself, as `npm run dev` does after an edit. */
const autoUpgrade = loadConfig({ WORKER_VERSIONING: 'auto-upgrade', WORKER_DEPLOYMENT_NAME: 'order-saga-test' });

let connection: Connection;
let nativeConnection: NativeConnection;
let namespace: string;
let client: Client;
let workers: SagaWorkers;

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  nativeConnection = await NativeConnection.connect({ address });
  namespace = await createTestNamespace(connection, 'cross-release');
  client = new Client({ connection, namespace, dataConverter: testDataConverter });
});

afterAll(async () => {
  await workers?.stop();
  await nativeConnection?.close();
  await connection?.close();
});

/** Why the run's last workflow task failed (a non-determinism error names the command that differs), if one did. */
async function taskFailure(handle: { fetchHistory: () => Promise<proto.temporal.api.history.v1.IHistory> }) {
  const { events } = await handle.fetchHistory();
  const failed = (events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).at(-1);
  return failed?.workflowTaskFailedEventAttributes?.failure?.message ?? 'no workflow task failed';
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

describe('an order across a release', () => {
  it('waits for approval on the previous release and completes on the current code', async () => {
    const previous = previousRelease();
    const [oldCode, newCode] = await Promise.all([bundleWorkflowAt(previous.commit), bundleWorkflowSource()]);
    // Two different workflow codes, or the test proves nothing (a release without workflow changes has no reason to be).
    expect(
      hash(oldCode),
      `release ${previous.version} (${previous.commit}) has the workflow code of ${currentRelease}`,
    ).not.toBe(hash(newCode));

    // The previous release ran unversioned: no Worker Versioning before this release.
    workers = await startSagaWorkers(
      { nativeConnection, namespace },
      { ordersWorker: { workflowBundle: { code: oldCode } } },
    );
    const order = newOrder({ items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });
    const handle = await startOrder(client, order);
    await handle.executeUpdate(confirmPlacementUpdate, { args: [{}] });
    await waitForState(handle, (s) => s.status === 'AWAITING_APPROVAL');

    // The deployment: the orders worker stops and starts on the current code, which replays the run from its history.
    const version = deploymentVersion(autoUpgrade, newCode) as WorkerDeploymentVersion;
    await workers.restartOrders({
      workflowBundle: { code: newCode },
      workerDeploymentOptions: workerDeploymentOptions(autoUpgrade, version),
    });
    await setCurrentVersion(connection, version, { namespace });

    const approved = await handle.executeUpdate(approveUpdate, { args: [{}] }).catch(async (error: unknown) => {
      throw new Error(
        `the current code cannot carry on an order of release ${previous.version}: ${await taskFailure(handle)}`,
        { cause: error },
      );
    });
    expect(approved.steps.find((s) => s.name === 'chargePayment')?.outcome).toBe('succeeded');
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(await workers.stores.payments.findChargeByOrder(order.orderId)).toMatchObject({
      status: 'captured',
      amount: { amount: 189_900 },
    });
    expect(await eventNames(workers, order.orderId)).toEqual([
      'OrderCreated',
      'OrderApproved',
      'PaymentProcessed',
      'InventoryUpdated',
      'OrderShipped',
      'OrderCompleted',
    ]);
    // Its first workflow tasks ran unversioned on the old code, the rest on the current code's version.
    const { events } = await handle.fetchHistory();
    const buildIds = (events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
      .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '');
    expect(buildIds[0]).toBe('');
    expect(buildIds.at(-1)).toBe(version.buildId);
  });
});
