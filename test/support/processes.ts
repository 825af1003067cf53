// Spawns role processes (`node --import tsx src/workers/main.ts --role ...`) for the scale tests, and leaves none behind.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { envSchema } from '../../src/config/env.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One pino line of a role process, as JSON. */
export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RoleProcess {
  /** A test's name for it, e.g. `payments-2`; also its log file's name. */
  readonly name: string;
  readonly roles: string;
  readonly pid: number;
  /** The Temporal SDK's default worker identity (`<pid>@<host>`), as history events record it. */
  readonly identity: string;
  readonly logFile: string;
  /** From spawn to its `running` line. */
  readonly startedInMs: number;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ProcessExit>;
  readonly running: boolean;
  /** Every JSON log line so far. */
  lines(): readonly LogLine[];
  /** The last lines of its output, for failure messages. */
  tail(lines?: number): string;
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` and resolves with how it exited and how long that took. */
  stop(signal?: NodeJS.Signals): Promise<ProcessExit & { ms: number }>;
}

export interface RoleProcessOptions {
  /** The environment every process gets (TEMPORAL_ADDRESS, NATS_URL, DATA_DIR, ...). */
  env: Record<string, string>;
  /** Where each process's output goes, one file per process. */
  logDir: string;
  /** How long a process may take to log `running` (tsx compiling on a busy 2-core machine is slow). */
  startTimeoutMs?: number;
  /**
   * Processes starting at once. Each start is a few seconds of CPU (tsx, the SDK's native module, migrations); a
   * dozen at once on two cores makes every one of them slow, so they take turns.
   */
  maxConcurrentStarts?: number;
}

export interface RoleProcesses {
  /** Spawns one process running `roles` (comma-separated) and resolves once it logs `running`. */
  start(name: string, roles: string, env?: Record<string, string>): Promise<RoleProcess>;
  readonly all: readonly RoleProcess[];
  /** SIGTERM to every live process, SIGKILL to any still there after `graceMs`; resolves when all are gone. */
  stopAll(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test process dies before afterAll (an uncaught error, process.exit), take the children with it. */
function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/**
 * The children see none of the test runner's own configuration variables (a DATABASE_URL or LOG_LEVEL in the
 * developer's shell must not leak into a test), only what `env` sets.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !(key in envSchema.shape));
  return { ...Object.fromEntries(inherited), LOG_LEVEL: 'info', ...env };
}

/**
 * Processes log at `info` by default: the `running` line is the readiness signal (main.ts writes it once every
 * role has started), and a role's own account of its work is read from its lines. Output goes to files, not
 * to the test's output; a process that fails to start rejects with the tail of its output.
 */
export function roleProcesses(options: RoleProcessOptions): RoleProcesses {
  const { logDir, startTimeoutMs = 120_000, maxConcurrentStarts = 4 } = options;
  const all: RoleProcess[] = [];
  let starting = 0;
  const turns: (() => void)[] = [];
  const takeTurn = async () => {
    if (starting < maxConcurrentStarts) starting++;
    else await new Promise<void>((resolve) => turns.push(resolve));
  };
  /** Hands the turn to the next waiting start, if any. */
  const endTurn = () => {
    const next = turns.shift();
    if (next) next();
    else starting--;
  };

  const start = async (name: string, roles: string, env: Record<string, string> = {}): Promise<RoleProcess> => {
    await takeTurn();
    try {
      return await spawnRole(name, roles, env);
    } finally {
      endTurn();
    }
  };

  const spawnRole = async (name: string, roles: string, env: Record<string, string>): Promise<RoleProcess> => {
    const spawnedAt = Date.now();
    const logFile = join(logDir, `${name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/main.ts', '--role', roles], {
      cwd: repoRoot,
      env: childEnv({ ...options.env, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    if (child.pid === undefined) throw new Error(`${name}: could not spawn node`);
    const pid = child.pid;

    const parsed: LogLine[] = [];
    const raw: string[] = [];
    const listeners = new Set<(line: LogLine) => void>();
    const onLine = (text: string) => {
      log.write(`${text}\n`);
      raw.push(text);
      if (raw.length > 200) raw.shift();
      if (!text.startsWith('{')) return;
      try {
        const line = JSON.parse(text) as LogLine;
        parsed.push(line);
        for (const listener of listeners) listener(line);
      } catch {
        // Not a log line (a stack trace printed by node itself); kept in the raw tail.
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);

    let running = true;
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        running = false;
        // Let the last lines reach the file before anyone reads it.
        setImmediate(() => log.end(() => resolve({ code, signal })));
      });
    });

    const tail = (n = 30) => raw.slice(-n).join('\n');
    let startedInMs = 0;
    const proc: RoleProcess = {
      name,
      roles,
      pid,
      identity: `${pid}@${hostname()}`,
      logFile,
      get startedInMs() {
        return startedInMs;
      },
      exited,
      get running() {
        return running;
      },
      lines: () => parsed,
      tail,
      signal: (signal) => {
        if (running) child.kill(signal);
      },
      stop: async (signal = 'SIGTERM') => {
        const started = Date.now();
        if (running) child.kill(signal);
        const exit = await exited;
        return { ...exit, ms: Date.now() - started };
      },
    };
    all.push(proc);

    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${name} (--role ${roles}) did not log "running" within ${startTimeoutMs} ms:\n${tail()}`)),
        startTimeoutMs,
      );
      const listener = (line: LogLine) => {
        if (line.msg !== 'running') return;
        startedInMs = Date.now() - spawnedAt;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${name} (--role ${roles}) exited during start-up (${exit.code ?? exit.signal}):\n${tail()}`));
      });
    });
    await ready;
    return proc;
  };

  return {
    start,
    get all() {
      return all;
    },
    async stopAll(graceMs = 15_000) {
      await Promise.all(
        all.map(async (p) => {
          if (!p.running) return;
          p.signal('SIGTERM');
          // A process a test froze (SIGSTOP) acts on the SIGTERM only once it runs again.
          p.signal('SIGCONT');
          const timer = setTimeout(() => p.signal('SIGKILL'), graceMs);
          await p.exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
