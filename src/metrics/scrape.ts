// What a process's GET /metrics answers: our prom-client series followed by the Temporal SDK's, as one page.
import { metricsRegistry } from './series.js';

export interface MetricsPage {
  contentType: string;
  body: string;
}

/**
 * The SDK's exporter (Core, in Rust) listens on a loopback port of its own; reading it here gives Prometheus one
 * target per process, registered once in the targets file. The two never share a name: ours start `order_saga_`,
 * the SDK's `temporal_`. An SDK exporter that does not answer leaves our series served.
 */
export function metricsPage(sdkMetricsUrl: string | undefined): () => Promise<MetricsPage> {
  return async () => {
    const ours = await metricsRegistry.metrics();
    let sdk = '';
    if (sdkMetricsUrl !== undefined) {
      sdk = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
    }
    return { contentType: metricsRegistry.contentType, body: sdk === '' ? ours : `${ours}\n${sdk}` };
  };
}
