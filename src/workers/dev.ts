// The main command (`npm run dev`): starts the Temporal dev server, its Web UI, nats-server with JetStream,
// and every role of the service in this process, on persistent state under the data folder.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { localPayloadKeysDir, payloadKeyRing } from '../codec/data-converter.js';
import { loadConfig, splitHostPort, type Config } from '../config/env.js';
import { createLogger, type Logger } from '../logger.js';
import { prepareProcessMetrics } from '../metrics/process-metrics.js';
import { targetsDir, writeTargetsFile, type TargetsFile } from '../metrics/targets-file.js';
import { writeLocalNatsConfig } from '../events/nats/server-config.js';
import { setUpEventStreams } from '../events/nats/setup.js';
import { startJaegerServer, type JaegerServer } from '../servers/jaeger-server.js';
import { startNatsServer } from '../servers/nats-server.js';
import { startTracing, type ProcessTracing } from '../tracing/tracing.js';
import { stopLeftBehind } from '../servers/pid-file.js';
import type { ServerProcess } from '../servers/server-process.js';
import { startTemporalDevServer } from '../servers/temporal-dev-server.js';
import { startTemporalUiServer } from '../servers/temporal-ui-server.js';
import { readyBanner } from './banner.js';
import { startOpsServer, type OpsServer } from './ops-server.js';
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
let ops: OpsServer | undefined;
let targets: TargetsFile | undefined;
let tracing: ProcessTracing | undefined;
const stopAll = async () => {
  await stopRoles(roles);
  await context?.close();
  targets?.remove();
  await ops?.close();
  await tracing?.shutdown();
  for (const server of running.splice(0).reverse()) await server.stop();
};

/** Where the main command records the servers it runs on this data folder (src/servers/pid-file.ts). */
const pidFiles = (dataDir: string) => ({
  temporal: join(dataDir, 'run', 'temporal.json'),
  ui: join(dataDir, 'run', 'temporal-ui.json'),
  nats: join(dataDir, 'run', 'nats-server.json'),
  jaeger: join(dataDir, 'run', 'jaeger.json'),
});

/**
 * The servers die with this process where the system allows it, and in any case are recorded under `run/`, so a
 * start after a crash (kill -9, out of memory) stops the copies the crashed one left running on this data folder
 * instead of failing on their ports. Anyone else's process on a port is still refused, on one line.
 */
async function stopServersLeftBehind(dataDir: string, logger: Logger) {
  for (const file of Object.values(pidFiles(dataDir))) {
    const found = await stopLeftBehind(file);
    if (found.kind === 'stopped') {
      const { name, pid } = found.record;
      logger.warn(
        { pid, signal: found.signal },
        `stopped the ${name} an earlier start left running on this data folder`,
      );
    }
  }
}

async function startServers(config: Config, logger: Logger) {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  mkdirSync(join(dataDir, 'nats'), { recursive: true });
  await stopServersLeftBehind(dataDir, logger);
  const nats = new URL(config.NATS_URL);
  const files = pidFiles(dataDir);
  logger.info({ dataDir }, 'starting Temporal dev server, its Web UI, Jaeger and nats-server');
  const results = await Promise.allSettled([
    // Headless: the dev server's own Web UI cannot be told to send the browser's credentials to the codec
    // endpoint (CLI 1.5.1 sets only its URL), so the standalone UI server of the same UI serves it below.
    startTemporalDevServer({
      port: splitHostPort(config.TEMPORAL_ADDRESS).port,
      dbFile: join(dataDir, 'temporal.db'),
      logFile: join(dataDir, 'logs', 'temporal.log'),
      pidFile: files.temporal,
      dieWithParent: true,
    }),
    // The Web UI decodes payloads in the browser through the API's codec endpoint, sending the sign-in cookie
    // (includeCredentials): a signed-in operator sees them decoded, with no setting of the browser's to change.
    startTemporalUiServer({
      temporalAddress: config.TEMPORAL_ADDRESS,
      port: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      dir: join(dataDir, 'temporal-ui'),
      codec: { endpoint: codecEndpoint(config), includeCredentials: true },
      logFile: join(dataDir, 'logs', 'temporal-ui.log'),
      pidFile: files.ui,
      dieWithParent: true,
    }),
    // Every role's spans, kept across restarts like the rest of the data folder (docs/observability.md).
    startJaegerServer({
      otlpPort: config.JAEGER_OTLP_PORT,
      queryPort: config.JAEGER_UI_PORT,
      storageDir: join(dataDir, 'jaeger'),
      configFile: join(dataDir, 'run', 'jaeger-config.json'),
      logFile: join(dataDir, 'logs', 'jaeger.log'),
      pidFile: files.jaeger,
      dieWithParent: true,
    }),
    startNatsServer({
      port: Number(nats.port || 4222),
      monitorPort: config.NATS_MONITOR_PORT,
      storeDir: join(dataDir, 'nats'),
      // Its users and their grants, with this folder's passwords (made on the first start, kept after).
      configFile: writeLocalNatsConfig(dataDir),
      logFile: join(dataDir, 'logs', 'nats.log'),
      pidFile: files.nats,
      dieWithParent: true,
    }),
  ]);
  for (const result of results) if (result.status === 'fulfilled') running.push(result.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [temporal, ui, jaeger, natsServer] = results.map((r) => (r as PromiseFulfilledResult<ServerProcess>).value);
  return { temporal, ui, jaeger: jaeger as JaegerServer, natsServer, dataDir };
}

/**
 * The API as the browser reaches it: `localhost`, like the Web UI, so the two are one site and the sign-in cookie
 * (SameSite=Strict) goes with the Web UI's codec calls. A browser treats 127.0.0.1 and localhost as different sites.
 */
function browserApiUrl(config: Config): string {
  const loopback = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'];
  const host = loopback.includes(config.API_HOST) ? 'localhost' : config.API_HOST;
  return `http://${host}:${config.API_PORT}`;
}

const codecEndpoint = (config: Config) => `${browserApiUrl(config)}/codec`;

/** The Jaeger this command starts, as the browser reaches it (the banner, each order's trace link). */
const jaegerUrl = (config: Config) => `http://localhost:${config.JAEGER_UI_PORT}`;

async function main() {
  const loaded = loadConfig();
  const logger = createLogger('dev', loaded.LOG_LEVEL);
  // Every role runs in this one process, so it has one metrics endpoint (and one SDK exporter), as a deployment
  // process running `--role all` does; each series says whose it is by its labels (service, consumer, route).
  const metrics = await prepareProcessMetrics();
  installTemporalRuntime(logger, metrics.sdk);
  exitOnSignals(logger, stopAll);
  // Made before anything starts, so every role (and the banner) uses the one key file (src/codec/).
  const keys = await payloadKeyRing(loaded);
  const servers = await startServers(loaded, logger);
  const { dataDir, jaeger } = servers;
  // The roles trace to the Jaeger just started, unless the environment names another collector (and viewer).
  const config: Config = {
    ...loaded,
    OTEL_EXPORTER_OTLP_ENDPOINT: loaded.OTEL_EXPORTER_OTLP_ENDPOINT ?? jaeger.otlpEndpoint,
    TRACE_UI_URL: loaded.TRACE_UI_URL ?? jaegerUrl(loaded),
  };
  tracing = startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'order-saga', logger });
  // Only the set-up user may create the streams; every role then connects as its own user, as in a deployment.
  await setUpEventStreams(config, 'order-saga:dev:setup');
  context = createRoleContext(config, logger, 'order-saga:dev');
  const shared = context;
  let ready = false;
  ops = await startOpsServer({
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    logger,
    probes: () => (ready ? [...shared.probes(), ...roles.flatMap((r) => r.probes ?? [])] : 'starting'),
    metrics: metrics.page,
  });
  targets = writeTargetsFile(dataDir, { host: config.METRICS_HOST, port: ops.port, roles: roleNames });
  roles.push(...(await startRoles(context, roleNames)));
  ready = true;
  const { port: temporalPort } = splitHostPort(config.TEMPORAL_ADDRESS);
  console.log(
    readyBanner({
      running: roleNames.join(', '),
      api: `${browserApiUrl(config)}  (docs at /docs)`,
      temporal: config.TEMPORAL_ADDRESS,
      ui: `http://localhost:${config.TEMPORAL_UI_PORT}  (gRPC port ${temporalPort})`,
      nats: `${config.NATS_URL}  (a user per role, passwords in nats-auth/; monitoring http://127.0.0.1:${config.NATS_MONITOR_PORT})`,
      more: [
        ['Console', `${browserApiUrl(config)}/console  (operators; sign in once at /signin)`],
        ['Traces', `${config.TRACE_UI_URL}  (query API: /api/traces/<trace id>; each order's links.trace)`],
        ['Metrics', `${ops.url}/metrics  (every role; Prometheus: file_sd ${targetsDir(dataDir)}/*.json)`],
      ],
      data: `${dataDir}  (server logs in logs/)`,
      notes: [...tokenLines(config), ...codecLines(config, keys.activeId)],
    }),
  );
}

/** How to call the API: every route but the open ones needs a bearer token. */
function tokenLines(config: Config): string[] {
  if (config.AUTH_JWKS_URL !== undefined) {
    return [`  Tokens:          from your identity provider (keys at ${config.AUTH_JWKS_URL}); docs/security.md`];
  }
  return [
    `  Tokens:          TOKEN=$(npm run -s token -- --customer cust-42)   operators: --operator alice`,
    `                   curl -H "authorization: Bearer $TOKEN" ${browserApiUrl(config)}/orders`,
  ];
}

/** Payloads are encrypted in Temporal: how the Web UI and the CLI show them. */
function codecLines(config: Config, activeKey: string): string[] {
  const keys =
    config.PAYLOAD_CODEC_KEYS === undefined ? `${localPayloadKeysDir(config)}/keys.json` : 'PAYLOAD_CODEC_KEYS';
  return [
    `  Payloads:        encrypted in Temporal (AES-256-GCM, key ${activeKey} from ${keys})`,
    `                   the Web UI decodes them through ${codecEndpoint(config)} once you sign in (once per`,
    `                   token) at ${browserApiUrl(config)}/signin with an operator token; the CLI: temporal workflow show`,
    `                   --codec-endpoint ${codecEndpoint(config)} --codec-auth "Bearer $OP" -w order-<orderId>`,
  ];
}

main().catch(async (error: unknown) => {
  console.error(`order-saga: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll().catch(() => undefined);
  process.exit(1);
});
