// A role process's ops server: GET /healthz and GET /readyz for supervisors and load balancers (compose's healthchecks,
// `npm run cluster`), and GET /metrics for Prometheus, on a port of its own so it answers whatever the roles do.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { runProbes, type Probe } from '../lib/readiness.js';
import type { Logger } from '../logger.js';
import type { MetricsPage } from '../metrics/scrape.js';

export interface OpsServerOptions {
  host: string;
  /** 0 lets the OS choose: several processes on one host never collide. */
  port: number;
  logger: Logger;
  /**
   * What the process depends on right now, or why it cannot be ready whatever they say: its roles are still
   * `starting`, or `stopping` (draining). Called on every /readyz.
   */
  probes: () => readonly Probe[] | 'starting' | 'stopping';
  /** The process's Prometheus page (src/metrics/scrape.ts); without it, /metrics is not served. */
  metrics?: () => Promise<MetricsPage>;
}

export interface OpsServer {
  /** The port it listens on (the chosen one, when asked for 0). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Liveness (`/healthz`) never looks at dependencies: restarting the process would not bring NATS back. Readiness
 * (`/readyz`) does, so a supervisor waits for it before counting the process in, and an operator sees which one is
 * missing. Both answer JSON: `{ status, checks }`, with 503 when not ready.
 */
export function opsApp(probes: OpsServerOptions['probes'], metrics?: OpsServerOptions['metrics']): Hono {
  const app = new Hono();
  if (metrics) {
    app.get('/metrics', async (c) => {
      const page = await metrics();
      return c.body(page.body, 200, { 'content-type': page.contentType });
    });
  }
  return app
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const current = probes();
      if (typeof current === 'string') return c.json({ status: current, checks: {} }, 503);
      const { checks, down } = await runProbes(current);
      return c.json({ status: down.length === 0 ? 'ready' : 'not-ready', checks }, down.length === 0 ? 200 : 503);
    });
}

/** Listens, logs the address (`ops server listening`, with `port`), and resolves once it accepts connections. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { host, port, logger, probes, metrics } = options;
  const server = createAdaptorServer({ fetch: opsApp(probes, metrics).fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`ops server: port ${port} on ${host} is already in use; set METRICS_PORT to another port (or 0)`)
          : error,
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const chosen = (server.address() as AddressInfo).port;
  const url = `http://${host}:${chosen}`;
  logger.info({ port: chosen, url }, 'ops server listening');
  return {
    port: chosen,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
