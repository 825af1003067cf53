// What the main command records about each server it starts (data/run/<server>.json), so a later start can clean up after a crash.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isSameProcess, ownIdentity, processIdentity } from './process-identity.js';
import type { ProcessIdentity } from './process-identity.js';
import { ServerStartError } from './errors.js';

/** One running server and the process that started it. */
export interface PidRecord {
  name: string;
  pid: number;
  startTime: string;
  /** What was started (the binary and its arguments), for a person reading the file and as a second check. */
  binary: string;
  args: string[];
  /** The main command that started it: while that process lives, the server is in use, not left behind. */
  owner: Pick<ProcessIdentity, 'pid' | 'startTime' | 'command'>;
}

/** Records a server just spawned; the file is replaced atomically, so a crash never leaves half a record. */
export function writePidRecord(file: string, server: Pick<PidRecord, 'name' | 'pid' | 'binary' | 'args'>): void {
  const identity = processIdentity(server.pid);
  if (!identity) return; // Already gone: nothing to record.
  const owner = ownIdentity();
  const record: PidRecord = { ...server, startTime: identity.startTime, owner };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Removes the record once its server has stopped, unless it already describes a later one. */
export function removePidRecord(file: string, pid: number | undefined): void {
  if (readPidRecord(file)?.pid === pid) rmSync(file, { force: true });
}

export function readPidRecord(file: string): PidRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined; // Missing or unreadable: nothing we can trust.
  }
}

/** What `stopLeftBehind` found and did. */
export type LeftBehind =
  | { kind: 'none' }
  | { kind: 'stale'; record: PidRecord }
  | { kind: 'stopped'; record: PidRecord; signal: 'SIGTERM' | 'SIGKILL' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server a crashed main command left running holds its ports and its data folder (the Temporal database,
 * JetStream's store), so the next start would fail on the port. The record tells ours from anyone else's: a
 * process with the recorded pid, the same start time and the recorded binary in its command line is the very
 * process we started. It is stopped (SIGTERM, then SIGKILL after `graceMs`) when the main command that started
 * it is gone; while that one still runs, it is in use and the start is refused. A record whose process is gone,
 * or whose pid now belongs to another process, is only removed.
 */
export async function stopLeftBehind(file: string, graceMs = 10_000): Promise<LeftBehind> {
  const record = readPidRecord(file);
  if (!record) return { kind: 'none' };
  const now = processIdentity(record.pid);
  if (!now || now.startTime !== record.startTime || !now.command.includes(record.binary)) {
    rmSync(file, { force: true });
    return { kind: 'stale', record };
  }
  if (record.owner.pid !== process.pid && isSameProcess(record.owner)) {
    throw new ServerStartError(
      `${record.name}: already running (pid ${record.pid}) for another main command (pid ${record.owner.pid}) on ` +
        'this data folder; stop that one first, or set DATA_DIR to another folder',
    );
  }
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) {
      if (!isSameProcess(record)) return true;
    }
    return !isSameProcess(record);
  };
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(record.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return; // It stopped on its own meanwhile.
      throw new ServerStartError(`${record.name}: cannot stop the copy left running (pid ${record.pid})`, {
        cause: error,
      });
    }
  };
  let signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM';
  send(signal);
  if (!(await gone(graceMs))) {
    signal = 'SIGKILL';
    send(signal);
    if (!(await gone(5_000))) {
      throw new ServerStartError(`${record.name}: the copy left running (pid ${record.pid}) does not stop`);
    }
  }
  rmSync(file, { force: true });
  return { kind: 'stopped', record, signal };
}
