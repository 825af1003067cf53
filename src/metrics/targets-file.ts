// Registers a process's metrics endpoint where Prometheus's file-based discovery finds it: DATA_DIR/prometheus/targets/.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** The folder a Prometheus `file_sd_configs` entry globs (`targets/*.json`); deploy/prometheus/prometheus.yml. */
export const targetsDir = (dataDir: string) => join(resolve(dataDir), 'prometheus', 'targets');

export interface TargetsFile {
  readonly path: string;
  /** Removes the file (on a clean shutdown), so Prometheus stops scraping the process. */
  remove(): void;
}

/**
 * One file per process, named by host and pid so copies on one host never overwrite each other's. Written to a
 * temporary name and renamed, so Prometheus never reads half a file. A process killed without shutting down leaves
 * its file behind; Prometheus then shows that target down (`up == 0`) until someone deletes the file.
 */
export function writeTargetsFile(dataDir: string, target: { host: string; port: number; roles: readonly string[] }) {
  const dir = targetsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${hostname()}-${process.pid}.json`);
  const host = target.host === '0.0.0.0' || target.host === '::' ? '127.0.0.1' : target.host;
  const entry = [
    {
      targets: [`${host.includes(':') ? `[${host}]` : host}:${target.port}`],
      labels: { job: 'order-saga', roles: target.roles.join(','), instance_pid: String(process.pid) },
    },
  ];
  writeFileSync(`${path}.tmp`, `${JSON.stringify(entry, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return { path, remove: () => rmSync(path, { force: true }) } satisfies TargetsFile;
}
