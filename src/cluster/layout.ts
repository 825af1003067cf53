// Where every process of the local cluster listens and keeps its files: the addresses users dial come from the
// settings, the ports between the cluster's own processes are picked free at each start.
import { join, resolve } from 'node:path';
import type { Config } from '../config/env.js';
import { roleNames } from '../workers/role.js';
import type { RoleName } from '../workers/role.js';

/** What a cluster is started from: the settings of `npm run cluster` (src/config/env.ts), or a test's own. */
export interface ClusterSettings {
  /** Absolute. */
  dataDir: string;
  apiPort: number;
  temporalPort: number;
  uiPort: number;
  /** The three NATS nodes' client ports. */
  natsPorts: readonly [number, number, number];
  processesPerRole: number;
  historyShards: number;
}

/** The Temporal server processes and the API processes behind the load balancer (deploy/haproxy/haproxy.cfg). */
export const temporalNodeCount = 2;
export const apiProcessCount = 2;
export const natsNodeCount = 3;

export interface TemporalNodePorts {
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
}

export interface NatsNodePorts {
  client: number;
  http: number;
  cluster: number;
}

export interface RoleProcessPlan {
  /** `payments-1`, `api-2`: its log file's name too. */
  name: string;
  role: RoleName;
  /** Its ops server (METRICS_PORT), which the runner asks `/readyz`. */
  opsPort: number;
  /** The api processes' own port, behind the load balancer. */
  apiPort?: number;
}

export interface ClusterLayout {
  settings: ClusterSettings;
  postgresPort: number;
  temporal: TemporalNodePorts[];
  nats: NatsNodePorts[];
  processes: RoleProcessPlan[];
  dirs: { postgres: string; nats: string[]; logs: string; roles: string };
  workflowBundle: string;
}

/** The settings `npm run cluster` reads. */
export function clusterSettings(config: Config): ClusterSettings {
  const nats = config.CLUSTER_NATS_PORT;
  return {
    dataDir: resolve(config.CLUSTER_DATA_DIR),
    apiPort: config.CLUSTER_API_PORT,
    temporalPort: config.CLUSTER_TEMPORAL_PORT,
    uiPort: config.CLUSTER_UI_PORT,
    natsPorts: [nats, nats + 1, nats + 2],
    processesPerRole: config.CLUSTER_PROCESSES_PER_ROLE,
    historyShards: config.CLUSTER_HISTORY_SHARDS,
  };
}

/** Ports a plan draws from: any free one, and a free one Temporal can store (below). */
export interface PortSource {
  free(): Promise<number>;
  /** Temporal keeps each process's membership port in a `smallint` column: it must be below 32768. */
  freeBelow32768(): Promise<number>;
}

/** Picks every internal port (one at a time, so no two are the same). */
export async function planCluster(settings: ClusterSettings, ports: PortSource): Promise<ClusterLayout> {
  const taken = new Set<number>([settings.apiPort, settings.temporalPort, settings.uiPort, ...settings.natsPorts]);
  const pick = async (source: () => Promise<number>): Promise<number> => {
    for (;;) {
      const port = await source();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const next = () => pick(() => ports.free());
  const low = () => pick(() => ports.freeBelow32768());
  const postgresPort = await next();
  const temporal: TemporalNodePorts[] = [];
  for (let i = 0; i < temporalNodeCount; i++) {
    temporal.push({
      frontendGrpc: await low(),
      frontendHttp: await low(),
      frontendMembership: await low(),
      historyGrpc: await low(),
      historyMembership: await low(),
      matchingGrpc: await low(),
      matchingMembership: await low(),
      workerGrpc: await low(),
      workerMembership: await low(),
    });
  }
  const nats: NatsNodePorts[] = [];
  for (const client of settings.natsPorts) nats.push({ client, http: await next(), cluster: await next() });
  const processes: RoleProcessPlan[] = [];
  for (const role of roleNames) {
    const count = role === 'api' ? apiProcessCount : settings.processesPerRole;
    for (let i = 1; i <= count; i++) {
      const plan: RoleProcessPlan = { name: `${role}-${i}`, role, opsPort: await next() };
      if (role === 'api') plan.apiPort = await next();
      processes.push(plan);
    }
  }
  const { dataDir } = settings;
  return {
    settings,
    postgresPort,
    temporal,
    nats,
    processes,
    dirs: {
      postgres: join(dataDir, 'postgres'),
      nats: nats.map((_, i) => join(dataDir, `nats-${i + 1}`)),
      logs: join(dataDir, 'logs'),
      roles: join(dataDir, 'roles'),
    },
    workflowBundle: join(dataDir, 'workflow-bundle.js'),
  };
}
