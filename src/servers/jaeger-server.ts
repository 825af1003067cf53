// Starts a real Jaeger (v2 all-in-one): an OTLP/HTTP receiver, the query API, and badger storage under a given folder (or memory).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveJaeger } from '../../tools/servers.mjs';
import { freePort } from './ports.js';
import { startServerProcess, type ServerProcess, type StartOptions } from './server-process.js';

export interface JaegerServerOptions extends Pick<StartOptions, 'pidFile' | 'dieWithParent' | 'logFile'> {
  host?: string;
  /** Where processes send spans: OTLP over HTTP, `http://host:otlpPort/v1/traces`. */
  otlpPort: number;
  /** The query service: `/api/traces/{id}`, `/api/v3/traces/{id}`, and the page where the UI would be. */
  queryPort: number;
  /** Badger's folder, kept across restarts; unset, spans are kept in memory (tests). */
  storageDir?: string;
  /** Where the generated configuration is written. */
  configFile: string;
  /** How long badger keeps spans. */
  retention?: string;
}

export interface JaegerServer extends ServerProcess {
  /** `http://host:otlpPort`: OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpEndpoint: string;
  /** `http://host:queryPort`: TRACE_UI_URL. */
  readonly queryUrl: string;
}

/**
 * Jaeger v2 is an OpenTelemetry Collector distribution configured by YAML (JSON is YAML). Every port it would open
 * by default (OTLP gRPC 4317, the query gRPC 16685, health 13133, its own metrics 8888) is either not opened or
 * given a free one, so copies on one host (the main command beside a test's) never collide.
 */
export async function startJaegerServer(options: JaegerServerOptions): Promise<JaegerServer> {
  const { host = '127.0.0.1', otlpPort, queryPort, storageDir, configFile, retention = '168h' } = options;
  const [grpcPort, healthPort] = [await freePort(host), await freePort(host)];
  const store = storageDir
    ? {
        badger: {
          directories: { keys: join(storageDir, 'keys'), values: join(storageDir, 'values') },
          ephemeral: false,
          ttl: { spans: retention },
        },
      }
    : { memory: { max_traces: 100_000 } };
  const config = {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: `${host}:${healthPort}` } },
      jaeger_query: {
        storage: { traces: 'main' },
        // It would trace its own queries over OTLP gRPC to 127.0.0.1:4317: into someone else's collector, or nowhere.
        enable_tracing: false,
        http: { endpoint: `${host}:${queryPort}` },
        grpc: { endpoint: `${host}:${grpcPort}` },
      },
      jaeger_storage: { backends: { main: store } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: `${host}:${otlpPort}` } } } },
    processors: { batch: { timeout: '200ms' } },
    exporters: { jaeger_storage_exporter: { trace_storage: 'main' } },
  };
  mkdirSync(dirname(configFile), { recursive: true });
  if (storageDir) mkdirSync(storageDir, { recursive: true });
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const queryUrl = `http://${host}:${queryPort}`;
  const server = await startServerProcess({
    name: 'jaeger',
    binary: resolveJaeger(),
    args: ['--config', configFile],
    ports: [otlpPort, queryPort],
    ready: async () => (await fetch(`${queryUrl}/api/services`)).ok,
    logFile: options.logFile,
    pidFile: options.pidFile,
    dieWithParent: options.dieWithParent,
  });
  return Object.assign(server, { otlpEndpoint: `http://${host}:${otlpPort}`, queryUrl });
}
