// Starts a real nats-server with JetStream, storing under a given folder.
import { resolveNatsServer } from '../../tools/servers.mjs';
import { startServerProcess, type ServerProcess, type StartOptions } from './server-process.js';

export interface NatsServerOptions extends Pick<StartOptions, 'pidFile' | 'dieWithParent'> {
  host?: string;
  port: number;
  /** HTTP monitoring port (/healthz, /jsz); readiness is read from it. */
  monitorPort: number;
  /** JetStream store directory. */
  storeDir: string;
  logFile?: string;
  /** A configuration file read first (the users and their grants: src/events/nats/server-config.ts); the flags win. */
  configFile?: string;
}

export interface NatsServer extends ServerProcess {
  readonly url: string;
  readonly monitorUrl: string;
}

/** Starts nats-server and resolves once its health endpoint reports JetStream ready. */
export async function startNatsServer(options: NatsServerOptions): Promise<NatsServer> {
  const { host = '127.0.0.1', port, monitorPort, storeDir, logFile, pidFile, dieWithParent, configFile } = options;
  const monitorUrl = `http://${host}:${monitorPort}`;
  const server = await startServerProcess({
    name: 'nats-server',
    binary: resolveNatsServer(),
    args: [
      ...(configFile === undefined ? [] : ['-c', configFile]),
      '-a',
      host,
      '-p',
      String(port),
      '-m',
      String(monitorPort),
      '-js',
      '-sd',
      storeDir,
    ],
    ports: [port, monitorPort],
    ready: async () => (await fetch(`${monitorUrl}/healthz?js-enabled-only=true`)).ok,
    logFile,
    pidFile,
    dieWithParent,
  });
  return Object.assign(server, { url: `nats://${host}:${port}`, monitorUrl });
}
