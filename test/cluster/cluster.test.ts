// Issue 16's cluster test: `npm run cluster`'s topology on a fresh data folder, orders through the API's load balancer
// while a NATS node, each Temporal server and role processes are killed or restarted, the invariants checked after
// each. Short inside `npm test`; `npm run test:cluster` is the full run (300 orders, every role process restarted).
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApiTokens } from '../../bench/loadgen/tokens.js';
import type { ApiTokens } from '../../bench/loadgen/tokens.js';
import { createCluster } from '../../src/cluster/cluster.js';
import { clusterNatsPasswords } from '../../src/cluster/nats.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import type { Supervised } from '../../src/cluster/supervisor.js';
import { ORDERS_STREAM } from '../../src/events/nats/topology.js';
import { loadConfig } from '../../src/config/env.js';
import { freePort } from '../../src/servers/ports.js';
import { orderWorkflowId } from '../../src/shared/order.js';
import { workflowBuildId } from '../../src/workers/worker-versioning.js';
import type { orderSaga } from '../../src/workflows/order-saga.js';
import { expectedStatus, mixedKinds } from '../scale/support/orders.js';
import type { PlacedOrder } from '../scale/support/orders.js';
import { waitFor } from '../support/wait-for.js';
import { openDataConverter } from '../../src/codec/data-converter.js';
import { checkInvariants } from './support/invariants.js';
import { placeThroughBalancer } from './support/place-orders.js';

const { VersioningBehavior } = proto.api.enums.v1;
const full = process.env.CLUSTER_TEST_FULL === '1';
/** Orders per fault: 300 in all in the full run (three faults). */
const perFault = full ? 100 : 12;
const concurrency = full ? 8 : 4;
/** One fault: its orders, the fault itself, the invariants settling. */
const faultTimeoutMs = full ? 900_000 : 180_000;

let cluster: Cluster;
let dataDir: string;
/** Signed with the keys the API processes keep in the roles' data folder, as `npm run token` there would. */
let tokens: ApiTokens;
let temporal: Client;
let connection: Connection;
let nats: NatsConnection;
const crashes: string[] = [];
const accepted: PlacedOrder[] = [];
/** Per fault, the answers a client had to send again (a 503 while a Temporal server's shards move). */
const retries: Record<string, Record<string, number>> = {};
const log = (line: string) => {
  if (process.env.LOG_LEVEL && process.env.LOG_LEVEL !== 'error') console.info(`[cluster] ${line}`);
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'order-saga-cluster-'));
  // As root, PostgreSQL runs as its own user, which must reach its folder inside this one (mkdtemp makes it 0700).
  await chmod(dataDir, 0o755);
  const [apiPort, temporalPort, uiPort, n1, n2, n3] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  cluster = await createCluster(
    {
      dataDir,
      apiPort: apiPort ?? 0,
      temporalPort: temporalPort ?? 0,
      uiPort: uiPort ?? 0,
      natsPorts: [n1 ?? 0, n2 ?? 0, n3 ?? 0],
      processesPerRole: 2,
      historyShards: 4,
    },
    {
      log,
      // A restarted role drains in seconds here, not the production 30.
      // Writes from the test's few customers are not limited as a real customer's would be.
      roleEnv: { SHUTDOWN_GRACE_PERIOD: '5s', API_WRITE_RATE: '1000', API_WRITE_BURST: '1000' },
      onCrash: (name, exit) => crashes.push(`${name}: ${exit.signal ?? exit.code}`),
    },
  );
  await cluster.start();
  tokens = localApiTokens({ ...loadConfig(), DATA_DIR: cluster.layout.dirs.roles });
  connection = await Connection.connect({ address: cluster.urls.temporal });
  // The roles made their payload keys in their shared data folder; the test reads with the same ones.
  const dataConverter = await openDataConverter(loadConfig({ DATA_DIR: cluster.layout.dirs.roles }));
  temporal = new Client({ connection, namespace: 'default', dataConverter });
  // The nodes ask every client for a user (docs/security.md): the checks read the stream as the operator.
  const operator = { user: 'operator', pass: clusterNatsPasswords(cluster.layout).operator };
  nats = await connect({ servers: cluster.urls.nats, maxReconnectAttempts: -1, ...operator });
}, 300_000);

afterAll(async () => {
  console.info(`cluster test: answers retried per fault ${JSON.stringify(retries)}`);
  await nats?.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 240_000);

/** Places `count` orders through the load balancer while `fault` runs; resolves once both are done. */
async function ordersDuring(count: number, runId: string, fault: () => Promise<void>): Promise<PlacedOrder[]> {
  const placing = placeThroughBalancer(cluster.urls.api, mixedKinds(count), { concurrency, runId, tokens });
  const [{ orders, retried }] = await Promise.all([placing, fault()]);
  accepted.push(...orders);
  retries[runId] = retried;
  return orders;
}

/** Polls the invariants until they hold for every order so far; the last violations otherwise. */
async function settledViolations(timeoutMs = 90_000): Promise<string[]> {
  let last: string[] = [];
  await waitFor(
    async () => {
      last = await checkInvariants({
        temporal,
        nats,
        postgresUrl: cluster.urls.postgres,
        apiUrl: cluster.urls.api,
        operatorToken: await tokens.operator(),
        orders: accepted,
      });
      return last.length === 0;
    },
    { timeoutMs, intervalMs: 2_000, what: 'the invariants' },
  ).catch(() => undefined);
  return last;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Kills a process, keeps it down for `downMs`, starts it again. */
async function bounce(process: Supervised, downMs: number): Promise<void> {
  await process.kill('SIGKILL');
  await sleep(downMs);
  await process.start();
}

describe('the cluster', () => {
  it('runs two Temporal servers, three NATS nodes and two processes of every role behind the load balancers', async () => {
    expect(cluster.temporal.map((t) => t.up)).toEqual([true, true]);
    expect(cluster.nats.map((n) => n.up)).toEqual([true, true, true]);
    for (const role of ['orders', 'payments', 'inventory', 'shipping', 'api']) {
      expect(cluster.processesOf(role).filter((p) => p.up).length, role).toBeGreaterThanOrEqual(2);
    }
    const jsm = await jetstreamManager(nats);
    const info = await jsm.streams.info(ORDERS_STREAM);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas?.length).toBe(2);
  });

  it(
    'loses nothing while the NATS node leading the event stream is killed and later restarted',
    async () => {
      const jsm = await jetstreamManager(nats);
      const leader = (await jsm.streams.info(ORDERS_STREAM)).cluster?.leader;
      const node = cluster.nats.find((n) => n.name === leader);
      expect(node, `the stream's leader ${leader} is one of the nodes`).toBeDefined();
      let electionMs = Number.POSITIVE_INFINITY;
      const placed = await ordersDuring(perFault, 'nats', async () => {
        await sleep(1_000);
        await (node as Supervised).kill('SIGKILL');
        const killedAt = Date.now();
        // Publishing to the stream stalls only until the two nodes left elect a new leader.
        await waitFor(
          async () => {
            const now = (await jsm.streams.info(ORDERS_STREAM)).cluster?.leader;
            return now !== undefined && now !== leader;
          },
          { timeoutMs: 30_000, intervalMs: 100, what: 'a new leader of the stream' },
        );
        electionMs = Date.now() - killedAt;
        await sleep(full ? 15_000 : 5_000);
        await (node as Supervised).start();
      });
      console.info(`cluster test: the stream had a new leader ${electionMs} ms after ${leader} was killed`);
      // Raft's election timeout is seconds; this also counts the test's own reconnect when it was on that node.
      expect(electionMs).toBeLessThan(20_000);
      expect(placed).toHaveLength(perFault);
      expect(await settledViolations()).toEqual([]);
      // The restarted node is back in the stream's group: three replicas again.
      const group = (await jsm.streams.info(ORDERS_STREAM)).cluster;
      expect([group?.leader, ...(group?.replicas ?? []).map((r) => r.name)].sort()).toEqual([
        'nats-1',
        'nats-2',
        'nats-3',
      ]);
    },
    faultTimeoutMs,
  );

  it(
    'loses nothing while each Temporal server in turn is killed and restarted',
    async () => {
      await ordersDuring(perFault, 'temporal', async () => {
        for (const server of cluster.temporal) {
          await sleep(1_000);
          await bounce(server, 3_000);
        }
      });
      expect(await settledViolations()).toEqual([]);
    },
    faultTimeoutMs,
  );

  it(
    'loses nothing while role processes are restarted one at a time',
    async () => {
      // The full run restarts every process; the short one one process of the orders, payments and API roles.
      const restarted = full
        ? cluster.roles
        : ['orders-1', 'payments-2', 'api-1'].map((name) => cluster.roles.find((r) => r.plan.name === name));
      await ordersDuring(perFault, 'roles', async () => {
        for (const role of restarted) {
          if (!role) throw new Error('no such role process');
          await role.stop();
          await role.start();
        }
      });
      expect(await settledViolations()).toEqual([]);
    },
    faultTimeoutMs,
  );

  it('pins every order to the orders processes’ version, which the start made current', async () => {
    const buildId = workflowBuildId(await readFile(cluster.layout.workflowBundle, 'utf8'));
    const deployment = await connection.workflowService.describeWorkerDeployment({
      namespace: 'default',
      deploymentName: 'order-saga',
    });
    expect(deployment.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe(buildId);
    for (const order of accepted.slice(0, 3)) {
      const { raw } = await temporal.workflow.getHandle(orderWorkflowId(order.orderId)).describe();
      const versioning = raw.workflowExecutionInfo?.versioningInfo;
      expect(versioning?.behavior, order.orderId).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
      expect(versioning?.deploymentVersion?.buildId, order.orderId).toBe(buildId);
    }
  });

  it(
    'gave every order the fate its kind decides, and nothing crashed on its own',
    async () => {
      expect(accepted).toHaveLength(perFault * 3);
      const wrong: string[] = [];
      for (const order of accepted) {
        const state = await temporal.workflow.getHandle<typeof orderSaga>(orderWorkflowId(order.orderId)).result();
        const { status } = state;
        if (status !== expectedStatus[order.kind]) wrong.push(`${order.orderId} (${order.kind}): ${status}`);
      }
      expect(wrong).toEqual([]);
      expect(crashes).toEqual([]);
    },
    faultTimeoutMs,
  );
});
