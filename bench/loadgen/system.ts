// Brings up the system under load for the benchmark, the soak and the tests: servers (own or given) and the roles, in this process or a child.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { demoCatalogue } from '../../src/activities/inventory/catalogue.js';
import { payloadKeysEnv } from '../../src/codec/data-converter.js';
import { loadConfig, type Config } from '../../src/config/env.js';
import { serviceDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import type { ServerProcess } from '../../src/servers/server-process.js';
import { startTemporalDevServer } from '../../src/servers/temporal-dev-server.js';
import { createRoleContext } from '../../src/workers/role-context.js';
import { roleNames, type RoleName, type RunningRole } from '../../src/workers/role.js';
import { startRoles, stopRoles } from '../../src/workers/run-roles.js';
import { pidListeningOn, type NamedProcess } from './processes.js';
import { localApiTokens, type ApiTokens } from './tokens.js';

export interface SystemOptions {
  /** Reuse a running Temporal server (host:port); unset starts a dev server on a free port. */
  temporalAddress?: string;
  /** Reuse a running nats-server; unset starts one on a free port. */
  natsUrl?: string;
  /** Must exist with the order search attributes; the dev server's `default` has them. */
  namespace?: string;
  /** Where the stores (and own servers' data and logs) go; unset is a fresh temp folder, removed on stop. */
  dataDir?: string;
  roles?: readonly RoleName[];
  /** Configuration on top of the environment's (WORKER_* tuning and the like still come from the environment). */
  config?: Partial<Config>;
  /** Units added to every SKU that has stock, so a long run never turns successes into OutOfStock. 0 for none. */
  restockUnits?: number;
}

export interface RunningSystem {
  config: Config;
  apiUrl: string;
  natsUrl: string;
  temporalAddress: string;
  namespace: string;
  dataDir: string;
  /** The processes doing the work, for memory figures: the servers this system started, and the roles' process. */
  processes: NamedProcess[];
  /** Tokens the system's API accepts: signed with the local keys in its data folder. */
  tokens: ApiTokens;
  stop(): Promise<void>;
}

interface Servers {
  temporalAddress: string;
  natsUrl: string;
  started: ServerProcess[];
  processes: NamedProcess[];
}

function localPid(address: string | undefined, defaultPort: number): number | undefined {
  if (address === undefined || !/^(127\.|localhost|\[::1\])/.test(address)) return undefined;
  const port = Number(address.slice(address.lastIndexOf(':') + 1)) || defaultPort;
  return pidListeningOn(port);
}

/** Starts the servers not given, on free ports, with their state and logs under `dataDir`. */
async function startServers(options: SystemOptions, dataDir: string): Promise<Servers> {
  const started: ServerProcess[] = [];
  const processes: NamedProcess[] = [];
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  const temporal = options.temporalAddress
    ? undefined
    : startTemporalDevServer({
        port: await freePort(),
        // A database file in WAL mode, as `npm run dev` runs it: an in-memory server would grow with every history.
        dbFile: join(dataDir, 'temporal.db'),
        logFile: join(dataDir, 'logs', 'temporal.log'),
      });
  const nats = options.natsUrl
    ? undefined
    : startNatsServer({
        port: await freePort(),
        monitorPort: await freePort(),
        storeDir: join(dataDir, 'nats'),
        logFile: join(dataDir, 'logs', 'nats.log'),
      });
  const results = await Promise.allSettled([temporal, nats]);
  for (const r of results) if (r.status === 'fulfilled' && r.value) started.push(r.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw failed.reason;
  }
  const [t, n] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startTemporalDevServer>> | undefined,
    Awaited<ReturnType<typeof startNatsServer>> | undefined,
  ];
  // A server given by address is still measured when it runs on this machine: found by its listening port.
  const temporalPid = t?.pid ?? localPid(options.temporalAddress, 7233);
  const natsPid = n?.pid ?? localPid(options.natsUrl?.replace(/^nats:\/\//, ''), 4222);
  if (temporalPid !== undefined) processes.push({ name: 'temporal', pid: temporalPid });
  if (natsPid !== undefined) processes.push({ name: 'nats', pid: natsPid });
  return {
    temporalAddress: options.temporalAddress ?? (t as { address: string }).address,
    natsUrl: options.natsUrl ?? (n as { url: string }).url,
    started,
    processes,
  };
}

async function prepare(options: SystemOptions) {
  const ownDir = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? (await mkdtemp(join(tmpdir(), 'order-saga-load-'))));
  const servers = await startServers(options, dataDir);
  const config: Config = {
    ...loadConfig(),
    LOG_LEVEL: 'warn',
    ...options.config,
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace ?? 'default',
    NATS_URL: servers.natsUrl,
    API_HOST: '127.0.0.1',
    API_PORT: options.config?.API_PORT ?? (await freePort()),
  };
  const cleanup = async () => {
    for (const server of servers.started.reverse()) await server.stop();
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await topUpStock(config, options.restockUnits ?? 1_000_000);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { config, dataDir, servers, cleanup };
}

/** Adds stock to every SKU that has some (SKU-SOLDOUT stays sold out), creating the inventory database if needed. */
async function topUpStock(config: Config, units: number): Promise<void> {
  if (units <= 0) return;
  const store = await openInventoryStore(serviceDatabase(config, 'inventory'));
  try {
    const at = new Date().toISOString();
    for (const item of demoCatalogue) if (item.stock > 0) await store.restock(item.sku, units, at);
  } finally {
    await store.close();
  }
}

/** Polls GET /readyz until the API says Temporal and NATS answer. */
export async function waitUntilReady(
  apiUrl: string,
  timeoutMs = 60_000,
  exited?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited?.();
    if (why) throw new Error(why);
    const ok = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the API at ${apiUrl} was not ready within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The roles run in this process (the benchmark's "everything in one process"; the caller installs the Temporal
 * runtime first). The system's own processes are the servers it started and this one.
 */
export async function startInProcessSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const { config, dataDir, servers, cleanup } = await prepare(options);
  const logger = createLogger('load', config.LOG_LEVEL);
  const context = createRoleContext(config, logger, 'order-saga:load');
  let roles: RunningRole[];
  try {
    roles = await startRoles(context, options.roles ?? roleNames);
  } catch (error) {
    await context.close();
    await cleanup();
    throw error;
  }
  const stop = async () => {
    await stopRoles(roles);
    await context.close();
    await cleanup();
  };
  const ready = (options.roles ?? roleNames).includes('api') ? { timeoutMs: 60_000 } : undefined;
  return runningSystem({ config, dataDir, servers, processes: [{ name: 'roles', pid: process.pid }], stop }, ready);
}

/**
 * The system as its callers see it, once the API answers GET /readyz (when `ready` is given; a system without the
 * API role has nothing to wait for). If it never does, everything is stopped before the error goes on.
 */
async function runningSystem(
  parts: { config: Config; dataDir: string; servers: Servers; processes: NamedProcess[]; stop: () => Promise<void> },
  ready?: { timeoutMs: number; exited?: () => string | undefined },
): Promise<RunningSystem> {
  const { config, dataDir, servers, stop } = parts;
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  if (ready) {
    await waitUntilReady(apiUrl, ready.timeoutMs, ready.exited).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
  }
  return {
    config,
    apiUrl,
    natsUrl: servers.natsUrl,
    temporalAddress: servers.temporalAddress,
    namespace: config.TEMPORAL_NAMESPACE,
    dataDir,
    processes: [...parts.processes, ...servers.processes],
    tokens: localApiTokens(config),
    stop,
  };
}

const workersMain = fileURLToPath(new URL('../../src/workers/main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every role in one child process (`src/workers/main.ts --role all`, as deployed), so its memory is measured apart
 * from the load generator's. Its log goes to `<dataDir>/logs/roles.log`.
 */
export async function startChildProcessSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const { config, dataDir, servers, cleanup } = await prepare(options);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (key === 'PAYLOAD_CODEC_KEYS') env[key] = payloadKeysEnv(config.PAYLOAD_CODEC_KEYS ?? []);
    // Every other list setting is a list of strings (origins, countries, algorithms).
    else env[key] = Array.isArray(value) ? (value as string[]).join(',') : String(value);
  }
  const child: ResultPromise = execa(process.execPath, ['--import', 'tsx', workersMain, '--role', 'all'], {
    cwd: repoRoot,
    env,
    reject: false,
    stdin: 'ignore',
    stdout: { file: join(dataDir, 'logs', 'roles.log') },
    stderr: { file: join(dataDir, 'logs', 'roles.err.log') },
    forceKillAfterDelay: 40_000,
  });
  let exitedWith: string | undefined;
  const done = child.then((r) => {
    exitedWith = `the roles process exited (${r.exitCode ?? r.signal ?? '?'}); see ${join(dataDir, 'logs')}`;
  });
  const stop = async () => {
    if (exitedWith === undefined) child.kill('SIGTERM');
    await done;
    await cleanup();
  };
  const processes = child.pid === undefined ? [] : [{ name: 'roles', pid: child.pid }];
  return runningSystem({ config, dataDir, servers, processes, stop }, { timeoutMs: 120_000, exited: () => exitedWith });
}
