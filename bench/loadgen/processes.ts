// Processes and the machine as the load tools see them: resident memory from /proc, the process behind a port, what machine ran.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface NamedProcess {
  name: string;
  pid: number;
}

/** Resident set size of a process in KiB (VmRSS in /proc/<pid>/status); undefined when it is gone or unreadable. */
export function residentKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export const kibToMiB = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** Resident memory of each process in MiB, null for one that is gone. */
export function residentMiB(processes: readonly NamedProcess[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const { name, pid } of processes) {
    const kib = residentKiB(pid);
    out[name] = kib === undefined ? null : kibToMiB(kib);
  }
  return out;
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      const hexPort = local.slice(local.lastIndexOf(':') + 1);
      if (Number.parseInt(hexPort, 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * The process listening on a local TCP port, found by matching the socket's inode against every process's open
 * file descriptors (needs permission to read them: the same user, or root). Lets the soak sample the memory of a
 * system it did not start, such as `npm run dev`, from the addresses it was given.
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (targets.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** The command line of a process, for reports ("node --import tsx src/workers/dev.ts"). */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    model: lscpuModel() ?? list[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** `model name` as lscpu prints it comes from /proc/cpuinfo on Linux. */
function lscpuModel(): string | undefined {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ): 100 on every Linux this runs on. */
const ticksPerSecond = 100;

/** CPU time a process has used so far (user + system), in seconds; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime + stime) ? (utime + stime) / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds per process name; null for one that is gone. */
export function cpuSecondsOf(processes: readonly NamedProcess[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const { name, pid } of processes) out[name] = cpuSeconds(pid) ?? null;
  return out;
}
