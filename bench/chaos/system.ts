// The system under chaos: its own Temporal dev server and nats-server on fixed ports and data, and each role in its own process, every part killable and restartable.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { demoCatalogue } from '../../src/activities/inventory/catalogue.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import { loadConfig } from '../../src/config/env.js';
import { serviceDatabase } from '../../src/db/database.js';
import { startNatsServer } from '../../src/servers/nats-server.js';
import type { NatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import { startTemporalDevServer } from '../../src/servers/temporal-dev-server.js';
import type { TemporalDevServer } from '../../src/servers/temporal-dev-server.js';
import { workflowsSourcePath } from '../../src/workers/roles/orders.js';
import { roleNames } from '../../src/workers/role.js';
import type { RoleName } from '../../src/workers/role.js';
// The scale tests' process runner: the same `main.ts --role` children, logs to files, `running` as readiness.
import { roleProcesses } from '../../test/support/processes.js';
import type { RoleProcess, RoleProcesses } from '../../test/support/processes.js';
import { waitUntilReady } from '../loadgen/system.js';

export type Engine = 'sqlite' | 'postgres';

export interface ChaosSystemOptions {
  /** The run's folder: `data/` (stores, Temporal's database, JetStream's store) and `logs/` (one file per process). */
  dir: string;
  engine: Engine;
  /** A database of the run's own (postgres engine): every service and read model gets a schema in it. */
  databaseUrl?: string;
  /** Settings every role process gets on top of the addresses (deadlines, event tuning). */
  env: Record<string, string>;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Stock added to every SKU that has some, so a long run never turns orders into OutOfStock. */
  restockUnits: number;
}

/** Something the system did by itself during the run: a role process that exited without being told to. */
export interface SystemNote {
  at: number;
  what: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const live = new Set<ChaosSystem>();

/** Stops every system this process started and has not stopped yet: for a Ctrl-C in the middle of a run. */
export async function stopLiveSystems(): Promise<void> {
  await Promise.allSettled([...live].map((system) => system.stop()));
}

/**
 * Ports and folders stay the same for the whole run, so every restart (of a role, a server or everything) comes
 * back on the same data, the way an operator's restart would. PostgreSQL, when used, plays the durable database
 * outside the system: it is not among the parts the nemesis kills.
 *
 * A role process that exits on its own (a worker giving up on a lost server, say) is started again after a second,
 * as a supervisor (compose's `restart: always`) would; each such exit is noted for the report.
 */
export class ChaosSystem {
  readonly notes: SystemNote[] = [];
  private temporal: TemporalDevServer | undefined;
  private nats: NatsServer | undefined;
  private readonly roles = new Map<RoleName, RoleProcess>();
  /** Roles the nemesis stopped on purpose: their exit is not the supervisor's business. */
  private readonly expectedExit = new Set<RoleName>();
  private readonly processes: RoleProcesses;
  private readonly startedAt = Date.now();
  private stopping = false;

  private constructor(
    private readonly options: ChaosSystemOptions,
    private readonly ports: { temporal: number; nats: number; natsMonitor: number; api: number; unused: number },
    private readonly bundle: string,
  ) {
    this.processes = roleProcesses({
      env: {
        ...options.env,
        TEMPORAL_ADDRESS: this.temporalAddress,
        NATS_URL: this.natsUrl,
        DATA_DIR: this.dataDir,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        WORKFLOW_BUNDLE: bundle,
        // Only the api process listens; the others get a port nobody uses.
        API_PORT: String(ports.unused),
      },
      logDir: this.logDir,
      maxConcurrentStarts: 3,
      startTimeoutMs: 180_000,
    });
  }

  get dataDir(): string {
    return join(this.options.dir, 'data');
  }
  get logDir(): string {
    return join(this.options.dir, 'logs');
  }
  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }
  get natsUrl(): string {
    return `nats://127.0.0.1:${this.ports.nats}`;
  }
  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }
  /** The settings a tool reading the stores needs (the checker). */
  get storeConfig(): { DATA_DIR: string; DATABASE_URL?: string } {
    return { DATA_DIR: this.dataDir, ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}) };
  }
  /** The live role processes, for the report. */
  get processCount(): number {
    return [...this.roles.values()].filter((p) => p.running).length;
  }

  /** Servers, stock, the workflow bundle, then every role; resolves once the API is ready. */
  static async start(options: ChaosSystemOptions): Promise<ChaosSystem> {
    await mkdir(join(options.dir, 'data', 'nats'), { recursive: true });
    await mkdir(join(options.dir, 'logs'), { recursive: true });
    // Bundled once: an orders process restarted by the nemesis then starts in seconds instead of bundling again.
    options.log('bundling the workflow code');
    const bundle = join(options.dir, 'workflow-bundle.js');
    const { code } = await bundleWorkflowCode({
      workflowsPath: workflowsSourcePath,
      logger: new DefaultLogger('WARN'),
    });
    await writeFile(bundle, code);
    // Chosen after the bundling, just before the servers and roles take them: on a machine shared with other test
    // runs, a port found free tens of seconds earlier may be someone else's by then.
    const [temporal, nats, natsMonitor, api, unused] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
    const system = new ChaosSystem(
      options,
      { temporal: temporal!, nats: nats!, natsMonitor: natsMonitor!, api: api!, unused: unused! },
      bundle,
    );
    live.add(system);
    try {
      await system.startServers();
      await system.restock();
      await system.startRoles(roleNames);
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  private at(): number {
    return Date.now() - this.startedAt;
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({
      port: this.ports.temporal,
      dbFile: join(this.dataDir, 'temporal.db'),
      logFile: join(this.logDir, 'temporal.log'),
      dieWithParent: true,
    });
  }

  async startNats(): Promise<void> {
    this.nats = await startNatsServer({
      port: this.ports.nats,
      monitorPort: this.ports.natsMonitor,
      storeDir: join(this.dataDir, 'nats'),
      logFile: join(this.logDir, 'nats-server.log'),
      dieWithParent: true,
    });
  }

  private async startServers(): Promise<void> {
    await Promise.all([this.startTemporal(), this.startNats()]);
  }

  /** Stops nats-server (SIGTERM, as a broker going down for maintenance does). */
  async stopNats(): Promise<void> {
    const nats = this.nats;
    this.nats = undefined;
    await nats?.stop();
  }

  /** Stops the Temporal dev server and starts it again on the same database and port. */
  async restartTemporal(): Promise<void> {
    const temporal = this.temporal;
    this.temporal = undefined;
    await temporal?.stop();
    await this.startTemporal();
  }

  private async restock(): Promise<void> {
    if (this.options.restockUnits <= 0) return;
    const config = loadConfig({ ...this.storeConfig, LOG_LEVEL: 'silent' });
    const store = await openInventoryStore(serviceDatabase(config, 'inventory'));
    try {
      const at = new Date().toISOString();
      for (const item of demoCatalogue)
        if (item.stock > 0) await store.restock(item.sku, this.options.restockUnits, at);
    } finally {
      await store.close();
    }
  }

  /** Starts these roles, each in a process of its own, and waits for the API when it is among them. */
  async startRoles(names: readonly RoleName[]): Promise<void> {
    await Promise.all(names.map((name) => this.startRole(name)));
    if (names.includes('api')) await waitUntilReady(this.apiUrl, 120_000);
  }

  async startRole(name: RoleName): Promise<void> {
    const env: Record<string, string> = name === 'api' ? { API_PORT: String(this.ports.api) } : {};
    const proc = await this.processes.start(name, name, env);
    this.roles.set(name, proc);
    this.expectedExit.delete(name);
    void proc.exited.then(async (exit) => {
      if (this.stopping || this.expectedExit.has(name) || this.roles.get(name) !== proc) return;
      this.notes.push({ at: this.at(), what: `${name} exited on its own (${exit.code ?? exit.signal}); restarted` });
      this.options.log(`${name} exited on its own (${exit.code ?? exit.signal}); restarting it`);
      await sleep(1_000);
      if (!this.stopping && this.roles.get(name) === proc) await this.startRole(name).catch(() => undefined);
    });
  }

  /** kill -9 of one role's process; resolves once it is gone. */
  async killRole(name: RoleName): Promise<void> {
    const proc = this.roles.get(name);
    this.expectedExit.add(name);
    await proc?.stop('SIGKILL');
  }

  /** SIGSTOP: the process holds its connections and tasks but does nothing, as a hung or swapped-out one would. */
  pauseRole(name: RoleName): void {
    this.roles.get(name)?.signal('SIGSTOP');
  }

  resumeRole(name: RoleName): void {
    this.roles.get(name)?.signal('SIGCONT');
  }

  /** kill -9 of every role process and both servers at once, as a power cut would. */
  async killAll(): Promise<void> {
    for (const name of this.roles.keys()) this.expectedExit.add(name);
    const servers = [this.temporal, this.nats];
    this.temporal = undefined;
    this.nats = undefined;
    for (const server of servers) if (server?.pid !== undefined) process.kill(server.pid, 'SIGKILL');
    await Promise.all([...[...this.roles.values()].map((p) => p.stop('SIGKILL')), ...servers.map((s) => s?.stop())]);
  }

  /** After `killAll`: the servers on the same data, then every role. */
  async startAll(): Promise<void> {
    await this.startServers();
    await this.startRoles(roleNames);
  }

  /** Stops everything (roles first, SIGTERM then SIGKILL), including anything paused. */
  async stop(): Promise<void> {
    live.delete(this);
    this.stopping = true;
    await this.processes.stopAll(15_000);
    await Promise.allSettled([this.temporal?.stop(), this.nats?.stop()]);
    this.temporal = undefined;
    this.nats = undefined;
  }
}
