// Starts the local cluster in compose's order and stops it in reverse: PostgreSQL, Temporal's schema, two Temporal
// servers and three NATS nodes, the load balancer, the namespace, the Web UI, then every role process.
import { localPayloadKeysDir } from '../codec/data-converter.js';
import { LocalPayloadKeys } from '../codec/local-payload-keys.js';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config/env.js';
import { setUpEventStreams } from '../events/nats/setup.js';
import { freePort, freePortInRange } from '../servers/ports.js';
import type { PostgresServer } from '../servers/postgres-server.js';
import { bundleWorkflowSource } from '../workers/roles/orders.js';
import { deploymentVersion, promoteVersion } from '../workers/worker-versioning.js';
import { haproxySpec } from './haproxy.js';
import { planCluster } from './layout.js';
import type { ClusterLayout, ClusterSettings, RoleProcessPlan } from './layout.js';
import { clusterNatsPasswords, natsClusterReady, natsNodeSpec, natsUrls } from './nats.js';
import { postgresUrl, startClusterPostgres } from './postgres.js';
import { roleEnv as roleEnvOf, roleProcessSpec, sharedRoleEnvironment } from './roles.js';
import { supervise } from './supervisor.js';
import type { Supervised, SupervisorOptions } from './supervisor.js';
import { initTemporal, setUpTemporalSchema, temporalAddress, temporalNodeSpec, temporalUiSpec } from './temporal.js';

export interface ClusterOptions {
  /** A progress line: what is starting, what crashed and came back. */
  log: (line: string) => void;
  /** Extra environment for every role process (a test's settings, say). */
  roleEnv?: Record<string, string>;
  /** Role processes starting at once: each is seconds of CPU (tsx, the SDK's native module). */
  maxConcurrentStarts?: number;
  onCrash?: SupervisorOptions['onCrash'];
}

export interface RoleProcess extends Supervised {
  readonly plan: RoleProcessPlan;
}

export interface RunningCluster {
  layout: ClusterLayout;
  /** The addresses a user or a test dials: the load balancers, the UI, the NATS nodes, the database. */
  urls: { api: string; temporal: string; ui: string; nats: string[]; postgres: string };
  postgres: PostgresServer;
  temporal: Supervised[];
  nats: Supervised[];
  haproxy: Supervised;
  ui: Supervised;
  /** Every role process, the two API processes included, in start order. */
  roles: RoleProcess[];
  /** The role processes of one role. */
  processesOf(role: string): RoleProcess[];
  /** Stops everything: the APIs, the workers, the subscribers, then the servers; nothing is left running. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} within ${timeoutMs / 1000}s`);
}

/** Runs `work` over `items` with at most `limit` at once; the first failure rejects once the started ones settle. */
async function inTurns<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined && errors.length === 0; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
}

/** The workflow code, bundled once for every orders process (as the image's `npm run build` does for compose). */
async function bundleWorkflow(layout: ClusterLayout): Promise<string> {
  const code = await bundleWorkflowSource();
  await writeFile(layout.workflowBundle, code);
  return code;
}

/**
 * Compose's `orders-promote` job: the orders processes run pinned, so their version takes new orders only once it
 * is made current (docs/versioning.md). Nothing to do when a test's settings turn versioning off.
 */
async function promoteOrdersVersion(
  layout: ClusterLayout,
  plan: RoleProcessPlan,
  extra: Record<string, string>,
  code: string,
  log: (line: string) => void,
): Promise<void> {
  const config = loadConfig(roleEnvOf(layout, plan, extra));
  const version = deploymentVersion(config, code);
  if (!version) return;
  log(`Temporal: ${version.deploymentName}.${version.buildId} made the current version (npm run workers:promote)`);
  await promoteVersion(temporalAddress(layout), version, {
    namespace: config.TEMPORAL_NAMESPACE,
    identity: 'order-saga:cluster',
  });
}

/** Stop order: the APIs stop taking orders first, then the workers drain, then the subscribers catch up. */
const stopOrder = [
  'api',
  'orders',
  'payments',
  'inventory',
  'shipping',
  'notifications',
  'analytics',
  'order-read-model',
];

/** A cluster that is planned and may be starting: `stop()` works at any point, also half-way through `start()`. */
export interface Cluster extends RunningCluster {
  /** Starts everything in order and resolves once every process is ready; a failed start stops what had started. */
  start(): Promise<void>;
}

/** The cluster stopped while it was starting. */
export class ClusterStoppedError extends Error {
  readonly code = 'CLUSTER_STOPPED';
  constructor() {
    super('the cluster was stopped while it was starting');
    this.name = 'ClusterStoppedError';
  }
}

/** Plans the cluster on `settings.dataDir` (resuming what a previous start left there); nothing runs yet. */
export async function createCluster(settings: ClusterSettings, options: ClusterOptions): Promise<Cluster> {
  const { log, roleEnv = {}, maxConcurrentStarts = 3, onCrash } = options;
  const layout = await planCluster(settings, {
    free: () => freePort(),
    freeBelow32768: () => freePortInRange(20_000, 32_768),
  });
  for (const dir of [settings.dataDir, layout.dirs.logs, layout.dirs.roles]) mkdirSync(dir, { recursive: true });
  // Every role process shares this data folder and so its payload keys; made once here, not raced by the roles.
  if (roleEnv.PAYLOAD_CODEC_KEYS === undefined)
    await LocalPayloadKeys.open(localPayloadKeysDir({ DATA_DIR: layout.dirs.roles }));
  const supervisorOptions: SupervisorOptions = { log, ...(onCrash ? { onCrash } : {}) };
  const temporal = layout.temporal.map((_, i) => supervise(temporalNodeSpec(layout, i), supervisorOptions));
  const nats = layout.nats.map((_, i) => supervise(natsNodeSpec(layout, i), supervisorOptions));
  const haproxy = supervise(haproxySpec(layout), supervisorOptions);
  const ui = supervise(temporalUiSpec(layout), supervisorOptions);
  const roles: RoleProcess[] = layout.processes.map((plan) =>
    Object.assign(supervise(roleProcessSpec(layout, plan, roleEnv), supervisorOptions), { plan }),
  );
  let postgres: PostgresServer | undefined;
  let stopping = false;
  /** Between the steps of a start: a stop asked for meanwhile ends it. */
  const step = () => {
    if (stopping) throw new ClusterStoppedError();
  };

  const stopAll = async () => {
    const byRole = (role: string) => roles.filter((r) => r.plan.role === role);
    for (const role of stopOrder) await Promise.all(byRole(role).map((r) => r.stop()));
    await ui.stop();
    await haproxy.stop();
    // The second server first: the first one's stop then finds no peer to hand its shards to mid-shutdown.
    for (const node of [...temporal].reverse()) await node.stop();
    await Promise.all(nats.map((node) => node.stop()));
    await postgres?.stop();
    postgres = undefined;
  };

  const start = async () => {
    const started = Date.now();
    log(`PostgreSQL on 127.0.0.1:${layout.postgresPort} (data in ${layout.dirs.postgres})`);
    postgres = await startClusterPostgres(layout, log);
    step();
    log('Temporal: schema (deploy/temporal/setup-schema.sh)');
    const natsUp = (async () => {
      log(`NATS: three JetStream nodes on ${natsUrls(layout).join(', ')}`);
      await Promise.all(nats.map((node) => node.start()));
      await waitUntil(() => natsClusterReady(layout), 60_000, 'the NATS nodes did not form a cluster');
      // The streams, as the one user that may create them (compose's nats-setup job); the roles only check them.
      log('NATS: streams (npm run events:setup)');
      await setUpEventStreams(
        loadConfig({
          NATS_URL: natsUrls(layout).join(','),
          NATS_USER: 'setup',
          NATS_PASSWORD: clusterNatsPasswords(layout).setup,
          EVENTS_REPLICAS: sharedRoleEnvironment.EVENTS_REPLICAS,
        }),
        'order-saga:cluster:setup',
      );
    })();
    const temporalUp = (async () => {
      await setUpTemporalSchema(layout);
      // One at a time: on a new database the first server writes the cluster's metadata, which two at once race on.
      for (const [i, node] of temporal.entries()) {
        step();
        log(`Temporal: server ${i + 1} of ${temporal.length} (${settings.historyShards} history shards)`);
        await node.start();
      }
    })();
    const bundled = (async () => {
      log('bundling the workflow code for the orders processes');
      return await bundleWorkflow(layout);
    })();
    const results = await Promise.allSettled([natsUp, temporalUp, bundled]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const workflowCode = await bundled;
    step();
    log(`load balancer: Temporal on ${temporalAddress(layout)}, API on 127.0.0.1:${settings.apiPort}`);
    await haproxy.start();
    log('Temporal: namespace and search attributes (deploy/temporal/init.sh)');
    await initTemporal(layout);
    step();
    log(`Temporal Web UI on http://localhost:${settings.uiPort}`);
    await ui.start();
    const services = roles.filter((r) => r.plan.role !== 'api');
    log(`starting ${services.length} role processes (${settings.processesPerRole} per role)`);
    let ready = 0;
    await inTurns(services, maxConcurrentStarts, async (role) => {
      step();
      await role.start();
      ready++;
      if (ready % 4 === 0 || ready === services.length) log(`  ${ready} of ${services.length} ready`);
    });
    step();
    const orders = roles.find((r) => r.plan.role === 'orders');
    if (orders) await promoteOrdersVersion(layout, orders.plan, roleEnv, workflowCode, log);
    step();
    log('starting the two API processes');
    await Promise.all(roles.filter((r) => r.plan.role === 'api').map((r) => r.start()));
    log(`cluster ready in ${Math.round((Date.now() - started) / 1000)}s`);
  };

  let starting: Promise<void> | undefined;
  return {
    layout,
    urls: {
      api: `http://127.0.0.1:${settings.apiPort}`,
      temporal: temporalAddress(layout),
      ui: `http://localhost:${settings.uiPort}`,
      nats: natsUrls(layout),
      postgres: postgresUrl(layout, 'postgres'),
    },
    get postgres() {
      if (!postgres) throw new Error('PostgreSQL is not running');
      return postgres;
    },
    temporal,
    nats,
    haproxy,
    ui,
    roles,
    processesOf: (role) => roles.filter((r) => r.plan.role === role),
    start: () =>
      (starting = start().catch(async (error: unknown) => {
        await stopAll().catch(() => undefined);
        throw error;
      })),
    stop: async () => {
      stopping = true;
      // A start in progress ends at its next step, and stops what it started; then whatever is left is stopped.
      await starting?.catch(() => undefined);
      await stopAll();
    },
  };
}

/** Plans and starts a cluster; resolves once every process is ready (see `createCluster`). */
export async function startCluster(settings: ClusterSettings, options: ClusterOptions): Promise<Cluster> {
  const cluster = await createCluster(settings, options);
  await cluster.start();
  return cluster;
}
