// The api role: builds the API's dependencies, serves it with @hono/node-server, and closes gracefully on stop.
import { clientTracingInterceptors } from '../../tracing/temporal.js';
import { processTracing } from '../../tracing/tracing.js';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { openApiAuth } from '../../api/auth/api-auth.js';
import { InventoryProductCatalogue } from '../../api/adapters/inventory-product-catalogue.js';
import { natsConnectionReadiness, natsUrlReadiness } from '../../api/adapters/nats-readiness.js';
import { natsCredentials } from '../../events/nats/credentials.js';
import { openEventReadPorts } from '../../api/adapters/read-ports.js';
import { temporalReadiness } from '../../api/adapters/temporal-readiness.js';
import { createApp } from '../../api/app.js';
import type { AppDeps } from '../../api/deps.js';
import type { ReadinessProbe } from '../../api/ports/readiness-probe.js';
import { dataConverterFor, openPayloadCodec } from '../../codec/data-converter.js';
import { serviceDatabase } from '../../db/database.js';
import { TaskQueues } from '../../shared/task-queues.js';
import type { RoleContext, RoleStarter } from '../role.js';

/** The read side of the API: the read models' databases and the event log (src/api/adapters/read-ports.ts). */
export interface ApiReadPorts extends Pick<AppDeps, 'orders' | 'notifications' | 'analytics' | 'events'> {
  /** A probe on the process's own NATS connection; without one, readiness connects to NATS_URL afresh. */
  natsReadiness?: ReadinessProbe;
  /** Closes what the ports opened (databases, consumers), after the server has stopped. */
  close?: () => Promise<void>;
}

export type ApiReadPortsFactory = (ctx: RoleContext) => Promise<ApiReadPorts>;

/** Beyond the longest a request waits on Temporal, stop() cuts whatever connection is still open. */
const drainGraceMs = 1_000;
const idleSweepMs = 50;

/**
 * The role, given where its read ports come from. Temporal is connected lazily, so the API starts (and
 * /healthz answers, /readyz says why not) even while Temporal is still coming up.
 */
export function apiRole(readPorts: ApiReadPortsFactory): RoleStarter {
  return async (ctx) => {
    const { config, logger } = ctx;
    const log = logger.child({ role: 'api' });
    // The client encrypts what it sends (order input, updates) and decrypts what it reads; the codec endpoint
    // serves the same keys to the Web UI and the CLI.
    const codec = await openPayloadCodec(config);
    const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: dataConverterFor(codec),
      interceptors: { workflow: clientTracingInterceptors(processTracing()) },
    });
    const inventory = serviceDatabase(config, 'inventory');
    // The catalogue is one query per page view: a small pool is plenty next to the inventory workers' own.
    const products = new InventoryProductCatalogue(
      'url' in inventory ? { ...inventory, maxConnections: 2 } : inventory,
    );
    // Local keys (no AUTH_JWKS_URL) are created in the data folder on first start; tokens verify through our own JWKS.
    const auth = await openApiAuth(config);
    const ports = await readPorts(ctx);
    const shutdown = new AbortController();
    const readiness = [
      temporalReadiness(temporal),
      ports.natsReadiness ?? natsUrlReadiness(config.NATS_URL, undefined, natsCredentials(config, 'api')),
    ];
    const app = createApp({
      config,
      logger: log,
      auth,
      temporal,
      codec,
      taskQueue: TaskQueues.orders,
      orders: ports.orders,
      notifications: ports.notifications,
      analytics: ports.analytics,
      events: ports.events,
      products,
      readiness,
      shutdown: shutdown.signal,
    });
    const server = createAdaptorServer({ fetch: app.fetch, hostname: config.API_HOST }) as Server;
    const closeAll = async () => {
      await ports.close?.();
      await products.close();
      await connection.close();
    };
    try {
      await listen(server, config.API_PORT, config.API_HOST);
    } catch (error) {
      await closeAll();
      throw error;
    }
    log.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'API listening');
    return {
      name: 'api',
      // The process's /readyz asks what the API's own /readyz asks.
      probes: readiness,
      stop: async () => {
        // Stop accepting, end the event streams, let requests in flight (bounded by the update timeout) finish.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        shutdown.abort();
        // A keep-alive connection turns idle when its last response ends; close each as soon as it does.
        const idle = setInterval(() => server.closeIdleConnections(), idleSweepMs);
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), config.API_UPDATE_TIMEOUT_MS + drainGraceMs);
        await closed;
        clearInterval(idle);
        clearTimeout(cut);
        await closeAll();
        log.info('API stopped');
      },
    };
  };
}

/** Resolves once listening; a taken port rejects with one line naming it. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`API: port ${port} on ${host} is already in use; set API_PORT to another port`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The api role: reads come from the read models' databases and the ORDERS stream, over the process's NATS connection. */
export const startApi: RoleStarter = apiRole(async (ctx) => {
  const nc = await ctx.nats();
  const ports = await openEventReadPorts({ config: ctx.config, nc });
  return { ...ports, natsReadiness: natsConnectionReadiness(nc) };
});
