// Starts Temporal's standalone Web UI server (temporal-ui-server) on a configuration file of ours, for the main command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTemporalUiServer } from '../../tools/servers.mjs';
import { startServerProcess, type ServerProcess, type StartOptions } from './server-process.js';

export interface TemporalUiServerOptions extends Pick<StartOptions, 'pidFile' | 'dieWithParent' | 'logFile'> {
  /** The frontend's gRPC address the UI server calls. */
  temporalAddress: string;
  host?: string;
  port: number;
  namespace?: string;
  /** The folder its configuration file is written to (`<dir>/config/order-saga.yaml`). */
  dir: string;
  /**
   * The codec server the UI sends payloads to from the browser (`codec.endpoint`): the API's `/codec`, at an address
   * the browser reaches. `includeCredentials` makes the browser send its cookies with those calls (the API's
   * sign-in cookie), which the dev server's own UI cannot be told to do.
   */
  codec: { endpoint: string; includeCredentials: boolean };
}

export interface TemporalUiServer extends ServerProcess {
  readonly url: string;
}

/**
 * The ui-server's configuration (its `server/config/config.go` keys), written as JSON, which is YAML. The same
 * settings the CLI gives its embedded UI (127.0.0.1, CSRF cookie without `Secure` on plain HTTP, no log lines per
 * request), plus the codec's `includeCredentials`.
 */
export function temporalUiConfig(options: TemporalUiServerOptions): Record<string, unknown> {
  return {
    temporalGrpcAddress: options.temporalAddress,
    host: options.host ?? '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace ?? 'default',
    notifyOnNewVersion: false,
    cors: { cookieInsecure: true },
    codec: { endpoint: options.codec.endpoint, includeCredentials: options.codec.includeCredentials },
    hideLogs: true,
  };
}

/** Starts the UI server and resolves once it serves its page. */
export async function startTemporalUiServer(options: TemporalUiServerOptions): Promise<TemporalUiServer> {
  const configDir = join(options.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'order-saga.yaml'), `${JSON.stringify(temporalUiConfig(options), null, 2)}\n`);
  const host = options.host ?? '127.0.0.1';
  const server = await startServerProcess({
    name: 'temporal-ui-server',
    binary: resolveTemporalUiServer(),
    args: ['--root', options.dir, '--config', 'config', '--env', 'order-saga', 'start'],
    ports: [options.port],
    ready: async () => (await fetch(`http://${host}:${options.port}/`)).ok,
    logFile: options.logFile,
    pidFile: options.pidFile,
    dieWithParent: options.dieWithParent,
    timeoutMs: 60_000,
  });
  return Object.assign(server, { url: `http://localhost:${options.port}` });
}
