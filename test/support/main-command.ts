// `npm run dev`'s process (src/workers/dev.ts, without the bootstrap step) on free ports and a data folder of a test's own.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTestFailed } from 'vitest';
import { envSchema } from '../../src/config/env.js';
import { readPidRecord } from '../../src/servers/pid-file.js';
import { freePort } from '../../src/servers/ports.js';
import { processIdentity } from '../../src/servers/process-identity.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The servers the main command starts and records in `DATA_DIR/run/`. */
export const mainCommandServers = ['temporal', 'temporal-ui', 'jaeger', 'nats-server'] as const;

export interface MainCommandHome {
  dir: string;
  /** What the main command is started with: its data folder and every port it listens on, each free. */
  env: Record<string, string>;
  apiUrl: string;
  /** Kills whatever is still running (its processes and the servers they recorded) and removes the folder. */
  cleanUp(): Promise<void>;
}

/** A data folder and free ports for main commands a test starts with `startMainCommand`, which `cleanUp` ends. */
export async function mainCommandHome(name: string, extraEnv: Record<string, string> = {}): Promise<MainCommandHome> {
  const dir = await mkdtemp(join(tmpdir(), `order-saga-${name}-`));
  const [temporal, ui, nats, monitor, apiPort, otlp, jaeger] = await Promise.all(
    [1, 2, 3, 4, 5, 6, 7].map(() => freePort()),
  );
  const env = {
    DATA_DIR: join(dir, 'data'),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    TEMPORAL_UI_PORT: String(ui),
    // The Web UI's origin, which alone may call the codec endpoint from a browser (its default names port 8233).
    TEMPORAL_UI_URL: `http://localhost:${ui}`,
    NATS_URL: `nats://127.0.0.1:${nats}`,
    NATS_MONITOR_PORT: String(monitor),
    API_PORT: String(apiPort),
    JAEGER_OTLP_PORT: String(otlp),
    JAEGER_UI_PORT: String(jaeger),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  return {
    dir,
    env,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    async cleanUp() {
      for (const child of started.splice(0)) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      for (const server of mainCommandServers) {
        const record = readPidRecord(join(env.DATA_DIR, 'run', `${server}.json`));
        if (record && processIdentity(record.pid)?.startTime === record.startTime) process.kill(record.pid, 'SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const started: ChildProcess[] = [];

/** Starts the main command in `home` and resolves once its banner says it is ready; its output is printed if a test fails. */
export async function startMainCommand(home: MainCommandHome): Promise<{ child: ChildProcess; output: string[] }> {
  // The environment of the test runner without any setting of ours: the main command gets only the home's.
  const inherited = Object.entries(process.env).filter(([key]) => !(key in envSchema.shape));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/dev.ts'], {
    cwd: repoRoot,
    env: { ...Object.fromEntries(inherited), ...home.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const output: string[] = [];
  onTestFailed(() => console.error(`main command output:\n${output.join('\n')}`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 180 s:\n${output.join('\n')}`)), 180_000);
    const onLine = (line: string) => {
      output.push(line);
      if (line.startsWith('order-saga is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the main command exited (${code ?? signal}) before it was ready:\n${output.join('\n')}`));
    });
  });
  return { child, output };
}
