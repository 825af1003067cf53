// `npm run cluster`: the compose topology (docker-compose.yml) as local processes, from the same server configuration
// files, on state kept under CLUSTER_DATA_DIR; Ctrl-C stops it all (docs/scaling.md).
import { z } from 'zod';
import { parseFlags, positiveInteger, runCommand, type CommandInfo } from '../cli/args.js';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../logger.js';
import { readyBanner } from '../workers/banner.js';
import { exitOnSignals } from '../workers/shutdown.js';
import { roleNames } from '../workers/role.js';
import { ClusterStoppedError, createCluster } from './cluster.js';
import type { RunningCluster } from './cluster.js';
import { clusterSettings } from './layout.js';

const command = {
  name: 'cluster',
  usage: 'npm run cluster -- [--data-dir <path>] [--processes-per-role <n>] [--history-shards <n>]',
  summary:
    'Runs the compose topology as local processes, on state under CLUSTER_DATA_DIR, until Ctrl-C; the ports and ' +
    'processes per role are CLUSTER_* settings, which these flags override (docs/configuration.md, docs/scaling.md).',
  flags: {
    'data-dir': { type: 'string', value: 'a folder', help: 'where the state and logs go (CLUSTER_DATA_DIR)' },
    'processes-per-role': {
      type: 'string',
      value: 'a number',
      help: 'processes of each worker and subscriber role, 1 to 8 (CLUSTER_PROCESSES_PER_ROLE)',
    },
    'history-shards': {
      type: 'string',
      value: 'a number',
      help: "Temporal's history shards on a new data folder (CLUSTER_HISTORY_SHARDS; fixed by the first start)",
    },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  'data-dir': z.string().trim().min(1, 'must name a folder').optional(),
  'processes-per-role': positiveInteger(8).optional(),
  'history-shards': positiveInteger(16_384).optional(),
});

const progress = (line: string) => console.error(`[cluster] ${line}`);

function banner(cluster: RunningCluster): string {
  const { urls, layout } = cluster;
  const count = (role: string) => cluster.processesOf(role).length;
  return readyBanner({
    running: roleNames.map((role) => `${role} ×${count(role)}`).join(', '),
    api: `${urls.api}  (docs at /docs; load balancer over ${count('api')} API processes)`,
    temporal: `${urls.temporal}  (load balancer over ${cluster.temporal.length} servers, ${layout.settings.historyShards} history shards)`,
    ui: urls.ui,
    nats: `${urls.nats.join(', ')}  (monitoring http://127.0.0.1:${layout.nats[0]?.http ?? '?'})`,
    more: [['PostgreSQL', urls.postgres]],
    data: `${layout.settings.dataDir}  (one log per process in logs/)`,
    // The API processes keep their signing keys with the roles' data; `npm run token` signs from there.
    notes: [
      `  Tokens:          TOKEN=$(DATA_DIR=${layout.dirs.roles} npm run -s token -- --customer cust-42)`,
      `                   curl -H "authorization: Bearer $TOKEN" ${urls.api}/orders`,
      // localhost, the Web UI's site: the sign-in cookie (SameSite=Strict) then goes with the Web UI's codec calls.
      `  Payloads:        encrypted; the Web UI decodes them once you sign in (--operator token) at`,
      `                   http://localhost:${layout.settings.apiPort}/signin`,
    ],
  });
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  const settings = clusterSettings({
    ...config,
    ...(flags['data-dir'] !== undefined ? { CLUSTER_DATA_DIR: flags['data-dir'] } : {}),
    ...(flags['processes-per-role'] !== undefined ? { CLUSTER_PROCESSES_PER_ROLE: flags['processes-per-role'] } : {}),
    ...(flags['history-shards'] !== undefined ? { CLUSTER_HISTORY_SHARDS: flags['history-shards'] } : {}),
  });
  const logger = createLogger('cluster', config.LOG_LEVEL);
  const cluster = await createCluster(settings, { log: progress });
  exitOnSignals(logger, async () => {
    progress('stopping: the APIs, the workers, the subscribers, then the servers');
    await cluster.stop();
    progress('stopped; nothing is left running');
  });
  try {
    await cluster.start();
  } catch (error) {
    // Ctrl-C during the start: the signal handler stops the rest and exits.
    if (error instanceof ClusterStoppedError) return;
    throw error;
  }
  console.log(banner(cluster));
}

runCommand(command, main);
