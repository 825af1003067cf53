// The cluster's three NATS nodes with JetStream, on deploy/nats/nats-<n>.conf with this host's ports.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveNatsServer } from '../../tools/servers.mjs';
import { ensureNatsPasswords } from '../events/nats/passwords.js';
import type { NatsUser } from '../events/nats/permissions.js';
import { natsPasswordVariable } from '../events/nats/server-config.js';
import type { ClusterLayout } from './layout.js';
import { deployFiles } from './paths.js';
import type { ProcessSpec } from './supervisor.js';

/** The client URL of every node, in order: what the role processes get as NATS_URL (comma-separated). */
export const natsUrls = (layout: ClusterLayout) => layout.nats.map(({ client }) => `nats://127.0.0.1:${client}`);

function nodeOf(layout: ClusterLayout, index: number) {
  const ports = layout.nats[index];
  const storeDir = layout.dirs.nats[index];
  if (!ports || !storeDir) throw new Error(`no NATS node ${index + 1} in the layout`);
  return { ports, storeDir };
}

/**
 * The NATS users' passwords of the cluster's data folder: made on its first start, kept after (as the main command
 * keeps its own). The nodes read them from the environment (deploy/nats/users.conf), each role process gets its own.
 */
export function clusterNatsPasswords(layout: ClusterLayout): Record<NatsUser, string> {
  return ensureNatsPasswords(layout.settings.dataDir);
}

/** The variables deploy/nats/cluster.conf (and the users.conf it includes) reads, as compose sets them, with node `index`'s local ports and folder. */
export function natsNodeEnv(layout: ClusterLayout, index: number): Record<string, string> {
  const { ports, storeDir } = nodeOf(layout, index);
  const routes = layout.nats.map(({ cluster }) => `nats-route://127.0.0.1:${cluster}`).join(', ');
  return {
    NATS_HOST: '127.0.0.1',
    NATS_PORT: String(ports.client),
    NATS_HTTP_PORT: String(ports.http),
    NATS_CLUSTER_PORT: String(ports.cluster),
    NATS_STORE_DIR: storeDir,
    NATS_ROUTES: `[${routes}]`,
    ...Object.fromEntries(
      Object.entries(clusterNatsPasswords(layout)).map(([user, password]) => [
        natsPasswordVariable(user as NatsUser),
        password,
      ]),
    ),
  };
}

/**
 * Node `index` (0-based) on deploy/nats/nats-<n>.conf, with routes to all three nodes. Ready once its JetStream is
 * enabled; the cluster is whole once `natsClusterReady`.
 */
export function natsNodeSpec(layout: ClusterLayout, index: number): ProcessSpec {
  const { ports, storeDir } = nodeOf(layout, index);
  mkdirSync(storeDir, { recursive: true });
  const name = `nats-${index + 1}`;
  return {
    name,
    binary: resolveNatsServer(),
    args: ['--config', deployFiles.natsNode(index + 1)],
    env: natsNodeEnv(layout, index),
    ports: [ports.client, ports.http, ports.cluster],
    ready: async () => (await fetch(`http://127.0.0.1:${ports.http}/healthz?js-enabled-only=true`)).ok,
    logFile: join(layout.dirs.logs, `${name}.log`),
    // JetStream flushes its stores on the way down.
    killAfterMs: 15_000,
  };
}

/** Every node's full health check passes: routes up, a JetStream meta leader elected, streams current. */
export async function natsClusterReady(layout: ClusterLayout): Promise<boolean> {
  const answers = await Promise.all(
    layout.nats.map(async ({ http }) => (await fetch(`http://127.0.0.1:${http}/healthz`)).ok),
  );
  return answers.every(Boolean);
}
