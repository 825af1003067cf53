// Runs a server binary as a child process that dies with us, waits until it answers, and stops it cleanly.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { ServerStartError } from './errors.js';
import { removePidRecord, writePidRecord } from './pid-file.js';
import { portInUse } from './ports.js';

export { ServerStartError };

export interface ServerProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  binary: string;
  args: string[];
  /** Ports the server will bind; checked first so a taken port fails fast instead of hanging. */
  ports: number[];
  /** Resolves true once the server answers. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  /** Appends the server's own output to this file (the dev command keeps it under the data folder). */
  logFile?: string;
  /**
   * Records the running server here (src/servers/pid-file.ts) and removes the record when it stops, so that a
   * later start can recognise a copy left running by a crash of ours.
   */
  pidFile?: string;
  /**
   * The server gets SIGTERM when this process dies, however it dies (kill -9, out of memory), where the system
   * can arrange it (Linux, through util-linux `setpriv --pdeathsig`); elsewhere `pidFile` is the only cleanup.
   */
  dieWithParent?: boolean;
  /** Extra environment for the server (on top of ours). */
  env?: Record<string, string>;
  /** The folder it runs in (ours unless given). */
  cwd?: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL (5 s unless given): a draining worker needs longer. */
  killAfterMs?: number;
  /** Called once when the process has exited, whoever stopped it: a supervisor restarts what died on its own. */
  onExit?: (exit: { code: number | undefined; signal: string | undefined }) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The line of a dying server's output that says why: the last one that reads like an error, else the last one. */
function causeLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.findLast((l) => /error|fatal|fail|panic|not defined|invalid|denied/i.test(l)) ?? lines.at(-1) ?? '';
}

const live = new Set<ResultPromise>();
let exitHookInstalled = false;

/** A detached child outlives us unless we kill it; 'exit' handlers run on every exit but SIGKILL. */
function killOnExit(child: ResultPromise): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  return () => live.delete(child);
}

let parentDeathSignal: boolean | undefined;

/** Linux with a util-linux `setpriv` that knows `--pdeathsig` (2.33 and later). */
function canSetParentDeathSignal(): boolean {
  if (parentDeathSignal === undefined) {
    try {
      parentDeathSignal =
        process.platform === 'linux' &&
        execFileSync('setpriv', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(
          '--pdeathsig',
        );
    } catch {
      parentDeathSignal = false;
    }
  }
  return parentDeathSignal;
}

/** Starts a server and resolves once `ready()` says so; rejects with a one-line cause otherwise. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const {
    name,
    binary,
    args,
    ports,
    ready,
    logFile,
    pidFile,
    dieWithParent = false,
    env,
    cwd,
    onExit,
    timeoutMs = 30_000,
  } = options;
  for (const port of ports) {
    if (await portInUse(port)) {
      throw new ServerStartError(`${name}: port ${port} is already in use; stop what holds it or choose another port`);
    }
  }
  const [command, commandArgs] =
    dieWithParent && canSetParentDeathSignal()
      ? // setpriv sets the signal and execs the server in place: the pid we get and signal is the server's own.
        ['setpriv', ['--pdeathsig', 'TERM', '--', binary, ...args]]
      : [binary, args];
  const child: ResultPromise = execa(command, commandArgs, {
    // Its own process group: a Ctrl-C in the terminal reaches us, not the server, so the server stays up
    // until the roles that use it have drained, and we stop it last. `killOnExit` covers our own exit.
    detached: true,
    reject: false,
    ...(env ? { env } : {}),
    ...(cwd ? { cwd } : {}),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    all: true,
    buffer: { stdout: false, stderr: false, all: true },
    forceKillAfterDelay: options.killAfterMs ?? 5_000,
  });
  // The cause is often the first line (a bad flag, then the usage text) or the last (a fatal error): keep both ends.
  let head = '';
  let tail = '';
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  child.all?.on('data', (chunk: Buffer) => {
    if (head.length < 4_000) head += chunk.toString();
    else tail = (tail + chunk.toString()).slice(-2_000);
    log?.write(chunk);
  });
  let exited = false;
  const unregister = killOnExit(child);
  if (pidFile && child.pid !== undefined) writePidRecord(pidFile, { name, pid: child.pid, binary, args });
  const done = child.then((result) => {
    exited = true;
    unregister();
    if (pidFile) removePidRecord(pidFile, child.pid);
    log?.end();
    onExit?.({ code: result.exitCode, signal: result.signal });
  });

  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await done;
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new ServerStartError(`${name} exited during start-up: ${causeLine(head + tail) || 'no output'}`);
    }
    if (await ready().catch(() => false)) return { name, pid: child.pid, stop };
    await sleep(100);
  }
  await stop();
  throw new ServerStartError(`${name} did not answer within ${timeoutMs / 1000}s`);
}
