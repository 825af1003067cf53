// Starts a throwaway PostgreSQL server for the tests (initdb into a temp dir, postgres on a free port) and removes it after.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { missingPostgresMessage, resolvePostgresBinDir } from '../../tools/postgres.mjs';
import { freePort } from '../../src/servers/ports.js';
import { ServerStartError, startServerProcess } from '../../src/servers/server-process.js';

export interface PostgresServer {
  /** Superuser URL of the `postgres` database; use `createTestDatabase` for a database of your own. */
  url: string;
  /** How long initdb and the start-up took, in milliseconds. */
  startedInMs: number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root. As root (CI, this machine) every PostgreSQL process runs as the `postgres`
 * user that Debian's package creates (else `nobody`), through `setpriv` (util-linux), which execs in place: the
 * process we start and signal is postgres itself, not a wrapper that may or may not pass signals on. Without
 * setpriv, `runuser` does it (it forwards SIGTERM to the server; stop() sends SIGTERM after SIGINT).
 */
function dropPrivileges():
  { wrap: (binary: string, args: string[]) => [string, string[]]; uid: number; gid: number } | undefined {
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

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Accepts a connection and answers a query: the server is up, past recovery, and trusts local TCP logins. */
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

/**
 * initdb (trust authentication, no fsync) into a fresh temp dir, then postgres on a free loopback port with
 * durability switched off: the tests need a real PostgreSQL, not a durable one, and this keeps start-up near 2 s.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const started = Date.now();
  const binDir = resolvePostgresBinDir();
  if (!binDir) throw new ServerStartError(`postgres: ${missingPostgresMessage}`);
  const privileges = dropPrivileges();
  const wrap = privileges?.wrap ?? ((binary: string, args: string[]): [string, string[]] => [binary, args]);
  // The unprivileged user must reach the folder: under /tmp it can, under a root-only TMPDIR it could not.
  const base = privileges && existsSync('/tmp') ? '/tmp' : tmpdir();
  const dir = await mkdtemp(join(base, 'order-saga-pg-'));
  const dataDir = join(dir, 'data');
  try {
    if (privileges) chownSync(dir, privileges.uid, privileges.gid);
    const [initdb, initdbArgs] = wrap(join(binDir, 'initdb'), [
      ...['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    ]);
    const init = await execa(initdb, initdbArgs, { reject: false, all: true, stdin: 'ignore' });
    if (init.exitCode !== 0 || !existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new ServerStartError(`postgres: initdb failed: ${String(init.all).trim().split('\n').at(-1) ?? ''}`);
    }
    const port = await freePort();
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const [binary, args] = wrap(join(binDir, 'postgres'), [
      ...['-D', dataDir, '-k', dir, '-h', '127.0.0.1', '-p', String(port)],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    ]);
    const server = await startServerProcess({
      name: 'postgres',
      binary,
      args,
      ports: [port],
      ready: () => answers(url),
    });
    return {
      url,
      startedInMs: Date.now() - started,
      stop: async () => {
        // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for every pool to close.
        try {
          if (server.pid !== undefined) process.kill(server.pid, 'SIGINT');
        } catch {
          // Already gone.
        }
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

let databases = 0;

/** Creates an empty database on the server at `serverUrl` and returns its URL: one per test keeps tests apart. */
export async function createTestDatabase(serverUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${++databases}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
