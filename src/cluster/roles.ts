// The cluster's role processes: each one the deployment's start command (`npm start -- --role <role>`) with the
// environment compose gives that role's containers, pointed at this host's load balancers, NATS nodes and PostgreSQL.
import { join } from 'node:path';
import type { RoleName } from '../workers/role.js';
import type { ClusterLayout, RoleProcessPlan } from './layout.js';
import { clusterNatsPasswords, natsUrls } from './nats.js';
import { repoRoot } from './paths.js';
import { postgresUrl } from './postgres.js';
import type { ProcessSpec } from './supervisor.js';
import { temporalAddress } from './temporal.js';

/**
 * The PostgreSQL login of each role, as in docker-compose.yml (each owns its schema; order-read-model shares the
 * analytics login, which owns its schema; the API may only read). test/deploy/compose.test.ts keeps them equal.
 */
export const roleLogins: Record<RoleName, string | undefined> = {
  orders: 'orders',
  payments: 'payments',
  inventory: 'inventory',
  shipping: 'shipping',
  notifications: 'notifications',
  analytics: 'analytics',
  'order-read-model': 'analytics',
  api: 'api',
};

/** What every role container gets in compose (`x-app-environment`) beyond the addresses; the compose test compares. */
export const sharedRoleEnvironment = {
  TEMPORAL_NAMESPACE: 'default',
  // Every event stream keeps a copy on each of the three NATS nodes.
  EVENTS_REPLICAS: '3',
} as const;

/** A role's own settings in compose, beyond its login. */
export const roleEnvironment: Partial<Record<RoleName, Record<string, string>>> = {
  shipping: { SHIPPING_COUNTRIES: 'NL,DE,BE,FR,GB,US' },
  // Each order stays on the workflow code it started on; a new version takes new orders once promoted
  // (compose's orders-promote job, the cluster's promote step; docs/versioning.md).
  orders: { WORKER_VERSIONING: 'pinned' },
};

/** The environment of one role process; `extra` (a test's, or the operator's) comes last. */
export function roleEnv(
  layout: ClusterLayout,
  plan: RoleProcessPlan,
  extra: Record<string, string>,
): Record<string, string> {
  const login = roleLogins[plan.role];
  return {
    ...sharedRoleEnvironment,
    ...roleEnvironment[plan.role],
    DATA_DIR: layout.dirs.roles,
    TEMPORAL_ADDRESS: temporalAddress(layout),
    TEMPORAL_UI_URL: `http://localhost:${layout.settings.uiPort}`,
    // All three seeds: a process that starts while one node is down still connects.
    NATS_URL: natsUrls(layout).join(','),
    // Each role as its own NATS user, as compose connects each container (docs/security.md).
    NATS_USER: plan.role,
    NATS_PASSWORD: clusterNatsPasswords(layout)[plan.role],
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(plan.opsPort),
    ...(login ? { DATABASE_URL: postgresUrl(layout, login) } : {}),
    ...(plan.apiPort !== undefined ? { API_HOST: '127.0.0.1', API_PORT: String(plan.apiPort) } : {}),
    ...(plan.role === 'orders' ? { WORKFLOW_BUNDLE: layout.workflowBundle } : {}),
    ...extra,
  };
}

/** The process's ops server says it is ready: its roles started and their dependencies answer. */
export async function roleReady(plan: RoleProcessPlan): Promise<boolean> {
  return (await fetch(`http://127.0.0.1:${plan.opsPort}/readyz`)).ok;
}

/**
 * One role process: `node --import tsx src/workers/main.ts --role <role>` (the `start` script), stopped with SIGTERM
 * and given the worker's grace period (30 s by default) and a little more to drain before SIGKILL.
 */
export function roleProcessSpec(
  layout: ClusterLayout,
  plan: RoleProcessPlan,
  extra: Record<string, string>,
): ProcessSpec {
  return {
    name: plan.name,
    binary: process.execPath,
    args: ['--import', 'tsx', 'src/workers/main.ts', '--role', plan.role],
    cwd: repoRoot,
    env: roleEnv(layout, plan, extra),
    ports: [plan.opsPort, ...(plan.apiPort !== undefined ? [plan.apiPort] : [])],
    ready: () => roleReady(plan),
    logFile: join(layout.dirs.logs, `${plan.name}.log`),
    // tsx compiling the sources on a busy two-core machine, then the connections.
    timeoutMs: 180_000,
    killAfterMs: 45_000,
  };
}
