// Tells one process from another that later got the same pid: its start time and command line, from /proc (or ps).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Who a pid is right now; a pid reused by another process has another start time. */
export interface ProcessIdentity {
  pid: number;
  /** Opaque: clock ticks since boot from /proc, or ps's start time elsewhere; only ever compared for equality. */
  startTime: string;
  /** The command line, arguments separated by spaces. */
  command: string;
}

/** The identity of a live process, or undefined when no process has this pid (or it is a zombie). */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return existsSync('/proc/self/stat') ? fromProc(pid) : fromPs(pid);
}

/** This process's own identity, to name the owner of what it starts. */
export function ownIdentity(): ProcessIdentity {
  const identity = processIdentity(process.pid);
  if (!identity) throw new Error('cannot read this process’s own start time');
  return identity;
}

/** True when `pid` still is the process `identity` describes. */
export function isSameProcess(identity: Pick<ProcessIdentity, 'pid' | 'startTime'>): boolean {
  return processIdentity(identity.pid)?.startTime === identity.startTime;
}

function fromProc(pid: number): ProcessIdentity | undefined {
  let stat: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state] = fields;
  // Field 22 of the whole line (starttime) is the 20th after comm.
  const startTime = fields[19];
  if (state === 'Z' || state === 'X' || startTime === undefined) return undefined;
  return { pid, startTime, command: cmdline.split('\0').filter(Boolean).join(' ') };
}

function fromPs(pid: number): ProcessIdentity | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    // `Ss   Mon Dec  1 20:25:01 2026     /path/to/server args`: the state, five words of date, then the command.
    const match = /^(\S+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(out);
    if (!match || match[1]?.startsWith('Z')) return undefined;
    return { pid, startTime: match[2] ?? '', command: match[3] ?? '' };
  } catch {
    return undefined;
  }
}
