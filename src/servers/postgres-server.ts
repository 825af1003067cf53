// Runs a PostgreSQL server from Debian's binaries on a data folder (initdb on first use), as a child process we stop.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { missingPostgresMessage, resolvePostgresBinDir } from '../../tools/postgres.mjs';
import { ServerStartError, startServerProcess } from './server-process.js';
import type { ServerProcess } from './server-process.js';

export interface PostgresServerOptions {
  /**
   * The cluster's data folder (PGDATA); initdb runs when it holds no cluster yet. Its parent is the server's own
   * folder (created, and given to the server's user when running as root): the socket goes there too.
   */
  dataDir: string;
  port: number;
  /**
   * `trust` lets any local login in without a password (throwaway test servers); a password sets the `postgres`
   * superuser's at initdb and requires passwords (SCRAM) from every login, as a deployed server does.
   */
  auth: 'trust' | { superuserPassword: string };
  /**
   * false trades durability for speed (no fsync, no synchronous commit, no full page writes): for tests, whose data
   * is thrown away. A cluster that keeps its data runs durable.
   */
  durable: boolean;
  logFile?: string;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

export interface PostgresServer extends ServerProcess {
  /** The superuser's URL of the `postgres` database (with its password, if any). */
  readonly url: string;
  /** True when this start ran initdb: the caller sets up roles and databases once. */
  readonly initialised: boolean;
}

interface Privileges {
  wrap: (binary: string, args: string[]) => [string, string[]];
  uid: number;
  gid: number;
}

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL refuses to run as root. As root (CI, this machine) every PostgreSQL process runs as the `postgres`
 * user that Debian's package creates (else `nobody`), through `setpriv` (util-linux), which execs in place: the
 * process we start and signal is postgres itself, not a wrapper that may or may not pass signals on. Without
 * setpriv, `runuser` does it (it forwards SIGTERM to the server; stop() sends SIGTERM after SIGINT).
 */
export function postgresPrivileges(): Privileges | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const hasSetpriv = commandExists('setpriv');
  for (const user of ['postgres', 'nobody']) {
    let uid: number;
    let gid: number;
    try {
      uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    } catch {
      continue; // No such user: try the next.
    }
    const wrap = (binary: string, args: string[]): [string, string[]] =>
      hasSetpriv
        ? ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', binary, ...args]]
        : ['runuser', ['-u', user, '--', binary, ...args]];
    return { wrap, uid, gid };
  }
  throw new ServerStartError('postgres: running as root and neither a postgres nor a nobody user exists to run it as');
}

/** Accepts a connection and answers a query: the server is up, past recovery, and lets this login in. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function initdb(options: PostgresServerOptions, binDir: string, privileges: Privileges | undefined) {
  const { dataDir, auth } = options;
  const wrap = privileges?.wrap ?? ((binary: string, args: string[]): [string, string[]] => [binary, args]);
  const args = ['-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--locale=C'];
  if (!options.durable) args.push('--no-sync');
  // The password reaches initdb in a file beside the data folder, readable by the server's user, removed after.
  const pwfile = join(dirname(dataDir), '.initdb-password');
  if (auth === 'trust') args.push('-A', 'trust');
  else {
    writeFileSync(pwfile, `${auth.superuserPassword}\n`, { mode: 0o600 });
    if (privileges) chownSync(pwfile, privileges.uid, privileges.gid);
    args.push('--auth=scram-sha-256', `--pwfile=${pwfile}`);
  }
  const [binary, wrapped] = wrap(join(binDir, 'initdb'), args);
  try {
    const init = await execa(binary, wrapped, { reject: false, all: true, stdin: 'ignore' });
    if (init.exitCode !== 0 || !existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new ServerStartError(`postgres: initdb failed: ${String(init.all).trim().split('\n').at(-1) ?? ''}`);
    }
  } finally {
    await rm(pwfile, { force: true });
  }
}

/**
 * Starts postgres on 127.0.0.1:`port` over `dataDir`, running initdb first when the folder holds no cluster, and
 * resolves once it answers a query. `stop()` is PostgreSQL's fast shutdown (SIGINT: open sessions are ended).
 */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const { dataDir, port, auth, durable, logFile, settings = {} } = options;
  const binDir = resolvePostgresBinDir();
  if (!binDir) throw new ServerStartError(`postgres: ${missingPostgresMessage}`);
  const privileges = postgresPrivileges();
  const wrap = privileges?.wrap ?? ((binary: string, args: string[]): [string, string[]] => [binary, args]);
  const home = dirname(dataDir);
  mkdirSync(home, { recursive: true });
  if (privileges) chownSync(home, privileges.uid, privileges.gid);
  const initialised = !existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised) await initdb(options, binDir, privileges);

  const password = auth === 'trust' ? '' : `:${encodeURIComponent(auth.superuserPassword)}`;
  const url = `postgres://postgres${password}@127.0.0.1:${port}/postgres`;
  const all = {
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    max_connections: '300',
    ...settings,
  };
  // The socket goes beside the data folder, which the server's user can write (/var/run/postgresql may not exist).
  const [binary, args] = wrap(join(binDir, 'postgres'), [
    ...['-D', dataDir, '-k', home, '-h', '127.0.0.1', '-p', String(port)],
    ...Object.entries(all).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ]);
  const server = await startServerProcess({
    name: 'postgres',
    binary,
    args,
    ports: [port],
    ready: () => answers(url),
    logFile,
  });
  return {
    name: server.name,
    pid: server.pid,
    url,
    initialised,
    stop: async () => {
      // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for every pool to close.
      try {
        if (server.pid !== undefined) process.kill(server.pid, 'SIGINT');
      } catch {
        // Already gone.
      }
      await server.stop();
    },
  };
}
