// The main command (`npm run dev`): starts the Temporal dev server with its Web UI, nats-server with JetStream,
// and every role of the service in this process, on persistent state under the data folder.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, splitHostPort, type Config } from '../config/env.js';
import { createLogger, type Logger } from '../logger.js';
import { startNatsServer } from '../servers/nats-server.js';
import type { ServerProcess } from '../servers/server-process.js';
import { startTemporalDevServer } from '../servers/temporal-dev-server.js';
import { readyBanner } from './banner.js';
import type { ProcessContext } from './role-context.js';
import { createRoleContext } from './role-context.js';
import { roleNames, type RunningRole } from './role.js';
import { startRoles, stopRoles } from './run-roles.js';
import { exitOnSignals } from './shutdown.js';
import { installTemporalRuntime } from './temporal-runtime.js';

/** Everything started so far, stopped in reverse order (roles, then connections, then servers) on shutdown or a failed start. */
const running: ServerProcess[] = [];
const roles: RunningRole[] = [];
let context: ProcessContext | undefined;
const stopAll = async () => {
  await stopRoles(roles);
  await context?.close();
  for (const server of running.splice(0).reverse()) await server.stop();
};

async function startServers(config: Config, logger: Logger) {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  mkdirSync(join(dataDir, 'nats'), { recursive: true });
  const nats = new URL(config.NATS_URL);
  logger.info({ dataDir }, 'starting Temporal dev server and nats-server');
  const results = await Promise.allSettled([
    startTemporalDevServer({
      port: splitHostPort(config.TEMPORAL_ADDRESS).port,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: join(dataDir, 'temporal.db'),
      logFile: join(dataDir, 'logs', 'temporal.log'),
    }),
    startNatsServer({
      port: Number(nats.port || 4222),
      monitorPort: config.NATS_MONITOR_PORT,
      storeDir: join(dataDir, 'nats'),
      logFile: join(dataDir, 'logs', 'nats.log'),
    }),
  ]);
  for (const result of results) if (result.status === 'fulfilled') running.push(result.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [temporal, natsServer] = results.map((r) => (r as PromiseFulfilledResult<ServerProcess>).value);
  return { temporal, natsServer, dataDir };
}

async function main() {
  const config = loadConfig();
  const logger = createLogger('dev', config.LOG_LEVEL);
  installTemporalRuntime(logger);
  exitOnSignals(logger, stopAll);
  const { dataDir } = await startServers(config, logger);
  context = createRoleContext(config, logger, 'order-saga:dev');
  roles.push(...(await startRoles(context, roleNames)));
  const { port: temporalPort } = splitHostPort(config.TEMPORAL_ADDRESS);
  console.log(
    readyBanner({
      running: roleNames.join(', '),
      api: `http://${config.API_HOST}:${config.API_PORT}  (docs at /docs)`,
      temporal: config.TEMPORAL_ADDRESS,
      ui: `http://localhost:${config.TEMPORAL_UI_PORT}  (gRPC port ${temporalPort})`,
      nats: `${config.NATS_URL}  (monitoring http://127.0.0.1:${config.NATS_MONITOR_PORT})`,
      data: `${dataDir}  (server logs in logs/)`,
    }),
  );
}

main().catch(async (error: unknown) => {
  console.error(`order-saga: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll().catch(() => undefined);
  process.exit(1);
});
