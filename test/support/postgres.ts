// Starts a throwaway PostgreSQL server for the tests (initdb into a temp dir, postgres on a free port) and removes it after.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/servers/ports.js';
import { postgresPrivileges, startPostgresServer } from '../../src/servers/postgres-server.js';

export interface PostgresServer {
  /** Superuser URL of the `postgres` database; use `createTestDatabase` for a database of your own. */
  url: string;
  /** How long initdb and the start-up took, in milliseconds. */
  startedInMs: number;
  stop(): Promise<void>;
}

/**
 * initdb (trust authentication, no fsync) into a fresh temp dir, then postgres on a free loopback port with
 * durability switched off: the tests need a real PostgreSQL, not a durable one, and this keeps start-up near 2 s.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const started = Date.now();
  // The unprivileged user must reach the folder: under /tmp it can, under a root-only TMPDIR it could not.
  const base = postgresPrivileges() && existsSync('/tmp') ? '/tmp' : tmpdir();
  const dir = await mkdtemp(join(base, 'order-saga-pg-'));
  try {
    const server = await startPostgresServer({
      dataDir: join(dir, 'data'),
      port: await freePort(),
      auth: 'trust',
      durable: false,
    });
    return {
      url: server.url,
      startedInMs: Date.now() - started,
      stop: async () => {
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
