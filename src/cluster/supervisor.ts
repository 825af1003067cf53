// Keeps one process of the cluster running, as compose's `restart: unless-stopped` does: started and waited for,
// restarted when it dies on its own, and killed or stopped on purpose without being restarted.
import { startServerProcess } from '../servers/server-process.js';
import type { ServerProcess, StartOptions } from '../servers/server-process.js';

/** What a supervised process is started from; `onExit` is the supervisor's own. */
export type ProcessSpec = Omit<StartOptions, 'onExit'>;

export interface Supervised {
  readonly name: string;
  /** The live process's pid; undefined while it is down. */
  readonly pid: number | undefined;
  /** Whether a process is up right now (started, ready, not exited). */
  readonly up: boolean;
  /** How many times it was started again after dying on its own. */
  readonly restarts: number;
  /** Starts it (the first time, or again after `kill`/`stop`) and resolves once it is ready. */
  start(): Promise<void>;
  /** Sends `signal` (SIGKILL unless told) and waits until it is gone; it stays down until `start()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it cleanly (the spec's stop: SIGTERM, then SIGKILL after a grace period); it stays down. */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** One line per event worth an operator's attention (a crash, a restart). */
  log: (line: string) => void;
  /** The first restart waits this long, each later one twice as long, up to 30 s; a process up for a minute resets it. */
  backoffMs?: number;
  /** Called when a process exits on its own, before its restart (tests count these). */
  onCrash?: (name: string, exit: { code: number | undefined; signal: string | undefined }) => void;
}

const maxBackoffMs = 30_000;
const stableAfterMs = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One process under supervision. `wanted` says whether it should be running: only an exit while it is wanted is a
 * crash that brings a restart; `kill` and `stop` clear it first.
 */
export function supervise(spec: ProcessSpec | (() => ProcessSpec), options: SupervisorOptions): Supervised {
  const specOf = typeof spec === 'function' ? spec : () => spec;
  const { log, backoffMs = 1_000, onCrash } = options;
  let current: ServerProcess | undefined;
  let exited: Promise<void> | undefined;
  let wanted = false;
  let restarts = 0;
  let delay = backoffMs;
  let starting: Promise<void> | undefined;

  const launch = async (): Promise<void> => {
    const { name } = specOf();
    let markExited: () => void = () => undefined;
    exited = new Promise<void>((resolve) => (markExited = resolve));
    const startedAt = Date.now();
    let ready = false;
    const started = startServerProcess({
      ...specOf(),
      onExit: (exit) => {
        current = undefined;
        markExited();
        // Dying during start-up is the starter's error to report (or retry), not a crash.
        if (!wanted || !ready) return;
        onCrash?.(name, exit);
        if (Date.now() - startedAt > stableAfterMs) delay = backoffMs;
        const cause = exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
        log(`${name} exited (${cause}); restarting in ${Math.round(delay / 100) / 10}s`);
        void restartLater();
      },
    });
    try {
      current = await started;
      ready = true;
    } catch (error) {
      markExited();
      throw error;
    }
  };

  const restartLater = async () => {
    while (wanted && current === undefined) {
      await sleep(delay);
      delay = Math.min(delay * 2, maxBackoffMs);
      if (!wanted || current) return;
      try {
        starting = launch();
        await starting;
        restarts++;
        log(`${specOf().name} is back`);
      } catch (error) {
        log(`${specOf().name} did not restart: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        starting = undefined;
      }
    }
  };

  const waitGone = async () => {
    await starting?.catch(() => undefined);
    await exited;
  };

  return {
    get name() {
      return specOf().name;
    },
    get pid() {
      return current?.pid;
    },
    get up() {
      return current !== undefined;
    },
    get restarts() {
      return restarts;
    },
    start: async () => {
      wanted = true;
      if (current) return;
      await starting?.catch(() => undefined);
      if (current) return;
      starting = launch();
      try {
        await starting;
      } finally {
        starting = undefined;
      }
    },
    kill: async (signal = 'SIGKILL') => {
      wanted = false;
      await starting?.catch(() => undefined);
      const pid = current?.pid;
      if (pid !== undefined) {
        try {
          process.kill(pid, signal);
        } catch {
          // Gone already.
        }
      }
      await waitGone();
    },
    stop: async () => {
      wanted = false;
      await starting?.catch(() => undefined);
      await current?.stop();
      await waitGone();
    },
  };
}
