// The cluster's PostgreSQL: Debian's server on the cluster's data folder, set up once as compose's image sets up its
// volume (the `order_saga` database, then deploy/postgres/init.sql), with the same logins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgresServer } from '../servers/postgres-server.js';
import type { PostgresServer } from '../servers/postgres-server.js';
import type { ClusterLayout } from './layout.js';
import { deployFiles } from './paths.js';

/** compose's `POSTGRES_PASSWORD` and `POSTGRES_DB`. */
export const superuserPassword = 'postgres';
export const databaseName = 'order_saga';

/**
 * The login of each deploy/postgres/init.sql role; its password is its name there (demo passwords, as in compose).
 * `temporal` is Temporal's own.
 */
export function postgresUrl(layout: ClusterLayout, login: string, database = databaseName): string {
  const password = login === 'postgres' ? superuserPassword : login;
  return `postgres://${login}:${password}@127.0.0.1:${layout.postgresPort}/${database}`;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates what compose's postgres image creates on an empty volume, unless it is there: the database, then
 * init.sql's roles and schemas in one transaction (a start interrupted half-way leaves nothing to trip over).
 */
async function setUp(layout: ClusterLayout, log: (line: string) => void): Promise<void> {
  await withClient(postgresUrl(layout, 'postgres', 'postgres'), async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (rowCount === 0) await client.query(`create database ${databaseName}`);
  });
  await withClient(postgresUrl(layout, 'postgres'), async (client) => {
    const { rowCount } = await client.query("select 1 from pg_roles where rolname = 'payments'");
    if (rowCount !== 0) return;
    log('PostgreSQL: first start, creating the logins and schemas (deploy/postgres/init.sql)');
    await client.query('begin');
    try {
      await client.query(readFileSync(deployFiles.postgresInit, 'utf8'));
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  });
}

/** Starts the server (initdb on the first start) and makes sure it is set up. Durable: the cluster keeps its data. */
export async function startClusterPostgres(
  layout: ClusterLayout,
  log: (line: string) => void,
): Promise<PostgresServer> {
  const server = await startPostgresServer({
    dataDir: join(layout.dirs.postgres, 'data'),
    port: layout.postgresPort,
    auth: { superuserPassword },
    durable: true,
    logFile: join(layout.dirs.logs, 'postgres.log'),
    // Two Temporal servers (up to 30 connections each), every role's pools, the probes.
    settings: { max_connections: '400' },
  });
  try {
    await setUp(layout, log);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
