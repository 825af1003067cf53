// The cluster's Temporal: the schema job, two server processes forming one cluster on PostgreSQL, the namespace job,
// and the Web UI, from the same files and variables compose gives its containers (deploy/temporal/).
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import {
  resolveTemporalCli,
  resolveTemporalSchemaDir,
  resolveTemporalServer,
  resolveTemporalSqlTool,
  resolveTemporalUiServer,
} from '../../tools/servers.mjs';
import { temporalServing } from '../servers/temporal-health.js';
import type { ClusterLayout } from './layout.js';
import { deployFiles } from './paths.js';
import type { ProcessSpec } from './supervisor.js';

/** The load balancer's address: what every client of the cluster dials. */
export const temporalAddress = (layout: ClusterLayout) => `127.0.0.1:${layout.settings.temporalPort}`;

/** Runs one of deploy/temporal's scripts with `sh`, its output appended to a log file; rejects with its last line. */
async function runScript(script: string, env: Record<string, string>, logFile: string, what: string): Promise<void> {
  const log = createWriteStream(logFile, { flags: 'a' });
  try {
    const result = await execa('sh', [script], { env, reject: false, all: true, stdin: 'ignore' });
    log.write(`${String(result.all)}\n`);
    if (result.exitCode !== 0) {
      const last = String(result.all).trim().split('\n').filter(Boolean).at(-1) ?? `exit ${result.exitCode}`;
      throw new Error(`${what} failed (see ${logFile}): ${last}`);
    }
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

const withPath = (dir: string) => ({ PATH: `${dir}:${process.env.PATH ?? ''}` });

/**
 * deploy/temporal/setup-schema.sh, as compose's temporal-schema job runs it, with this release's sql tool and
 * schemas: creates the two databases and brings them to the release's schema; a no-op when they are there.
 */
export async function setUpTemporalSchema(layout: ClusterLayout): Promise<void> {
  await runScript(
    deployFiles.temporalSetupSchema,
    {
      ...withPath(dirname(resolveTemporalSqlTool())),
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(layout.postgresPort),
      POSTGRES_USER: 'temporal',
      SQL_PASSWORD: 'temporal',
      TEMPORAL_SCHEMA_DIR: resolveTemporalSchemaDir(),
    },
    join(layout.dirs.logs, 'temporal-schema.log'),
    'the Temporal schema setup (deploy/temporal/setup-schema.sh)',
  );
}

/**
 * deploy/temporal/init.sh, as compose's temporal-init job runs it, through the load balancer: the `default`
 * namespace and the search attributes the workflow sets. Safe to rerun.
 */
export async function initTemporal(layout: ClusterLayout): Promise<void> {
  await runScript(
    deployFiles.temporalInit,
    {
      ...withPath(dirname(resolveTemporalCli())),
      TEMPORAL_ADDRESS: temporalAddress(layout),
      TEMPORAL_NAMESPACE: 'default',
    },
    join(layout.dirs.logs, 'temporal-init.log'),
    'the Temporal namespace setup (deploy/temporal/init.sh)',
  );
}

function nodePorts(layout: ClusterLayout, index: number) {
  const ports = layout.temporal[index];
  if (!ports) throw new Error(`no Temporal node ${index + 1} in the layout`);
  return ports;
}

/**
 * The variables deploy/temporal/config/order-saga.yaml reads, the ones compose sets, with server process `index`'s
 * ports on this host.
 */
export function temporalNodeEnv(layout: ClusterLayout, index: number): Record<string, string> {
  const ports = nodePorts(layout, index);
  return {
    TEMPORAL_ROOT: '/',
    TEMPORAL_CONFIG_DIR: deployFiles.temporalConfigDir,
    TEMPORAL_ENVIRONMENT: 'order-saga',
    TEMPORAL_ALLOW_NO_AUTH: 'true',
    TEMPORAL_LOG_LEVEL: 'info',
    NUM_HISTORY_SHARDS: String(layout.settings.historyShards),
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(layout.postgresPort),
    POSTGRES_USER: 'temporal',
    POSTGRES_PWD: 'temporal',
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_ADDRESS: temporalAddress(layout),
    FRONTEND_GRPC_PORT: String(ports.frontendGrpc),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
  };
}

/**
 * Server process `index` (0-based) of the cluster. Both processes run every service; they find each other through
 * the membership table in PostgreSQL and split the history shards between them.
 */
export function temporalNodeSpec(layout: ClusterLayout, index: number): ProcessSpec {
  const ports = nodePorts(layout, index);
  const name = `temporal-${index + 1}`;
  return {
    name,
    binary: resolveTemporalServer(),
    args: ['start'],
    env: temporalNodeEnv(layout, index),
    ports: [
      ports.frontendGrpc,
      ports.frontendHttp,
      ports.frontendMembership,
      ports.historyGrpc,
      ports.historyMembership,
      ports.matchingGrpc,
      ports.matchingMembership,
      ports.workerGrpc,
      ports.workerMembership,
    ],
    ready: () => temporalServing(`127.0.0.1:${ports.frontendGrpc}`),
    logFile: join(layout.dirs.logs, `${name}.log`),
    // Joining the ring and acquiring shards takes a while on a busy machine.
    timeoutMs: 120_000,
    killAfterMs: 15_000,
  };
}

/**
 * The variables the `temporalio/ui` image's `docker.yaml` reads, the ones compose's `temporal-ui` service sets: the
 * load balancer, and the API's codec endpoint as the browser reaches it (`localhost`, the Web UI's site, so the
 * sign-in cookie goes with it), with the browser's credentials included.
 */
export function temporalUiEnv(layout: ClusterLayout): Record<string, string> {
  const { uiPort, apiPort } = layout.settings;
  return {
    TEMPORAL_ADDRESS: temporalAddress(layout),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_CORS_ORIGINS: `http://localhost:${apiPort}`,
    TEMPORAL_CODEC_ENDPOINT: `http://localhost:${apiPort}/codec`,
    TEMPORAL_CODEC_INCLUDE_CREDENTIALS: 'true',
  };
}

/** The Web UI server on the configuration the `temporalio/ui` image runs (its `docker.yaml`), at the load balancer. */
export function temporalUiSpec(layout: ClusterLayout): ProcessSpec {
  const binary = resolveTemporalUiServer();
  const { uiPort } = layout.settings;
  return {
    name: 'temporal-ui',
    binary,
    args: ['--root', dirname(binary), '--config', 'config', '--env', 'docker', 'start'],
    env: temporalUiEnv(layout),
    ports: [uiPort],
    ready: async () => (await fetch(`http://127.0.0.1:${uiPort}/`)).ok,
    logFile: join(layout.dirs.logs, 'temporal-ui.log'),
    timeoutMs: 60_000,
  };
}
