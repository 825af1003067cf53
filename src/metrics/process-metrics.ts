// Sets up one process's metrics: the Temporal SDK's exporter on a loopback port, Node's own series, and the page both feed.
import { collectDefaultMetrics } from 'prom-client';
import { freePort } from '../servers/ports.js';
import { metricsPage, type MetricsPage } from './scrape.js';
import { metricsRegistry } from './series.js';

export interface ProcessMetrics {
  /** For `installTemporalRuntime`: where the SDK's exporter listens (loopback only: /metrics serves it). */
  sdk: { bindAddress: string };
  /** For the ops server's /metrics. */
  page: () => Promise<MetricsPage>;
}

let defaultsCollected = false;

/** Call once per process, before the Temporal runtime is installed (the SDK's exporter is the runtime's, one per process). */
export async function prepareProcessMetrics(): Promise<ProcessMetrics> {
  if (!defaultsCollected) {
    // CPU, memory, event-loop lag, GC: `order_saga_process_*` and `order_saga_nodejs_*`.
    collectDefaultMetrics({ register: metricsRegistry, prefix: 'order_saga_' });
    defaultsCollected = true;
  }
  const port = await freePort('127.0.0.1');
  return { sdk: { bindAddress: `127.0.0.1:${port}` }, page: metricsPage(`http://127.0.0.1:${port}/metrics`) };
}
