// A scale test's own little cluster: a Temporal namespace, a private nats-server, a data folder and role processes.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { localApiTokens } from '../../../bench/loadgen/tokens.js';
import type { ApiTokens } from '../../../bench/loadgen/tokens.js';
import { loadConfig } from '../../../src/config/env.js';
import { pendingEvents } from '../../../src/events/outbox/status.js';
import { serviceDatabaseFile } from '../../../src/db/sqlite.js';
import { connectToNats } from '../../../src/events/nats/connection.js';
import { ORDERS_STREAM } from '../../../src/events/nats/topology.js';
import { startNatsServer } from '../../../src/servers/nats-server.js';
import type { NatsServer } from '../../../src/servers/nats-server.js';
import { freePort } from '../../../src/servers/ports.js';
import { createTestNamespace } from '../../api/support/dev-namespace.js';
import { processExists, roleProcesses } from '../../support/processes.js';
import type { RoleProcess, RoleProcesses } from '../../support/processes.js';
import { waitFor } from '../../support/wait-for.js';
import { testDataConverter, testPayloadKeysEnv } from '../../support/test-payload-keys.js';

export interface Cluster {
  namespace: string;
  /** A client on the cluster's namespace, for results and histories. */
  client: Client;
  /** A connection to the cluster's own nats-server, for stream and consumer state. */
  nc: NatsConnection;
  dataDir: string;
  /** Tokens the cluster's APIs accept: signed with the local keys under `dataDir/auth`, which they all share. */
  tokens: ApiTokens;
  processes: RoleProcesses;
  /** A service's SQLite file under the cluster's DATA_DIR. */
  readonly file: (service: string) => string;
  /** Starts an `api` process on a port of its own and returns it with its base URL. */
  startApi(name: string, env?: Record<string, string>): Promise<{ process: RoleProcess; url: string }>;
  /** Keeps the folder (logs, databases) after `stop`, for a test that failed. */
  keep(): void;
  /** Stops every process (SIGTERM, then SIGKILL), checks none is left, closes everything, removes the folder. */
  stop(): Promise<void>;
}

/**
 * Stream names are fixed, so each file gets a nats-server of its own (sharing the suite's would mix the files'
 * events); Temporal task queues are fixed too, so each file gets a namespace of its own on the suite's server.
 */
export async function startCluster(prefix: string, env: Record<string, string> = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), `order-saga-${prefix}-`));
  const dataDir = join(dir, 'data');
  const logDir = join(dir, 'logs');
  await Promise.all([mkdir(dataDir), mkdir(logDir)]);
  const cleanups: (() => Promise<void>)[] = [];
  let keep = false;
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    if (keep) console.warn(`${prefix}: logs and databases kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  };
  try {
    const nats: NatsServer = await startNatsServer({
      port: await freePort(),
      monitorPort: await freePort(),
      storeDir: join(dir, 'nats'),
      logFile: join(logDir, 'nats-server.log'),
    });
    cleanups.push(() => nats.stop());
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    cleanups.push(() => connection.close());
    const namespace = await createTestNamespace(connection, prefix);
    const client = new Client({ connection, namespace, dataConverter: testDataConverter });
    const nc = await connectToNats(nats.url, `${prefix}-test`);
    cleanups.push(() => nc.close());

    const spawned = roleProcesses({
      env: {
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: namespace,
        NATS_URL: nats.url,
        DATA_DIR: dataDir,
        ...testPayloadKeysEnv,
        // Every process binds API_PORT only if it runs the api role; give the others a port nobody uses.
        API_PORT: String(await freePort()),
        // Small pulls spread the events over competing subscriber instances; quick retries keep an
        // out-of-order event (a competing instance saw a later event first) from stalling the test.
        EVENTS_FETCH_BATCH: '5',
        EVENTS_RETRY_BACKOFF: '200ms,1s,2s,5s',
        EVENTS_MAX_DELIVER: '10',
        // The tests measure how work spreads over processes, not the per-customer write limit in front of them.
        API_WRITE_RATE: '100000',
        API_WRITE_BURST: '100000',
        ...env,
      },
      logDir,
    });
    // A process that would not start is a failure whose logs are worth keeping, whatever the test does next.
    const processes: RoleProcesses = {
      start: (name, roles, env) =>
        spawned.start(name, roles, env).catch((error: unknown) => {
          keep = true;
          throw error;
        }),
      all: spawned.all,
      stopAll: (graceMs) => spawned.stopAll(graceMs),
    };
    cleanups.push(async () => {
      await processes.stopAll();
      const left = processes.all.filter((p) => processExists(p.pid)).map((p) => `${p.name} (${p.pid})`);
      if (left.length > 0) throw new Error(`processes left behind: ${left.join(', ')}`);
    });

    return {
      namespace,
      client,
      nc,
      dataDir,
      tokens: localApiTokens(loadConfig({ DATA_DIR: dataDir })),
      processes,
      file: (service) => serviceDatabaseFile(dataDir, service),
      async startApi(name, extra = {}) {
        const port = await freePort();
        const process = await processes.start(name, 'api', { API_PORT: String(port), ...extra });
        return { process, url: `http://127.0.0.1:${port}` };
      },
      keep: () => {
        keep = true;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits until no service's outbox holds an event its relay has not published. Each service's relay publishes on its
 * own, so an order's OrderFailed (the orders relay) can be on the stream before its PaymentRefunded (the payments
 * relay): counting the stream before this would count an order's events before all of them are there.
 */
export async function waitForOutboxesDrained(dataDir: string, timeoutMs = 60_000): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir });
  await waitFor(async () => (await pendingEvents(config)) === 0, {
    timeoutMs,
    intervalMs: 250,
    what: 'every outbox to be published',
  });
}

/** Waits until a durable on ORDERS has nothing pending and nothing awaiting acknowledgement. */
export async function waitForConsumersDrained(
  nc: NatsConnection,
  consumers: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      for (const consumer of consumers) {
        const info = await jsm.consumers.info(ORDERS_STREAM, consumer);
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 250, what: `consumers ${consumers.join(', ')} to drain` },
  );
}

/** How many messages the event log holds per subject (`orders.<orderId>.<EventName>`). */
export async function messagesPerSubject(nc: NatsConnection): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(ORDERS_STREAM, { subjects_filter: '>' });
  return info.state.subjects ?? {};
}
