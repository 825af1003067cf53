// The cluster's PostgreSQL: Debian's server on the cluster's data folder, set up once as compose's image sets up its
// volume (the `order_saga` database, then deploy/postgres/init.sh), with the same logins.
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { resolvePostgresBinDir } from '../../tools/postgres.mjs';
import { startPostgresServer } from '../servers/postgres-server.js';
import type { PostgresServer } from '../servers/postgres-server.js';
import type { ClusterLayout } from './layout.js';
import { deployFiles } from './paths.js';

/** compose's `POSTGRES_PASSWORD` and `POSTGRES_DB`. */
export const superuserPassword = 'postgres';
export const databaseName = 'order_saga';

/** The roles deploy/postgres/init.sql creates, by the variable init.sh reads each one's password from. */
const rolePasswordVariables = {
  temporal: 'TEMPORAL_DB_PASSWORD',
  orders: 'ORDERS_DB_PASSWORD',
  payments: 'PAYMENTS_DB_PASSWORD',
  inventory: 'INVENTORY_DB_PASSWORD',
  shipping: 'SHIPPING_DB_PASSWORD',
  notifications: 'NOTIFICATIONS_DB_PASSWORD',
  analytics: 'ANALYTICS_DB_PASSWORD',
  api: 'API_DB_PASSWORD',
} as const;

/**
 * The login of each deploy/postgres/init.sql role; locally its password is its name (the server listens on
 * 127.0.0.1 only), handed to init.sh as compose hands it `.env`'s. `temporal` is Temporal's own.
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
    log('PostgreSQL: first start, creating the logins and schemas (deploy/postgres/init.sh)');
    await runPostgresInitScript(postgresUrl(layout, 'postgres'));
  });
}

/**
 * deploy/postgres/init.sh as compose's postgres image runs it, with this host's psql, over TCP as the superuser of
 * `databaseUrl` into its database: init.sql in one transaction (a start interrupted half-way leaves nothing to trip
 * over), each role's password a variable. Locally, and in the tests, each login's name is its password.
 */
export async function runPostgresInitScript(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const binDir = resolvePostgresBinDir();
  const passwords = Object.fromEntries(Object.entries(rolePasswordVariables).map(([role, name]) => [name, role]));
  const result = await execa('sh', [deployFiles.postgresInitScript], {
    env: {
      PATH: `${binDir ?? ''}:${process.env.PATH ?? ''}`,
      PGHOST: url.hostname,
      PGPORT: url.port || '5432',
      PGPASSWORD: decodeURIComponent(url.password),
      POSTGRES_USER: decodeURIComponent(url.username),
      POSTGRES_DB: url.pathname.slice(1),
      ORDER_SAGA_INIT_SQL: deployFiles.postgresInit,
      ...passwords,
    },
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  if (result.exitCode !== 0) {
    const last = String(result.all).trim().split('\n').filter(Boolean).at(-1) ?? `exit ${result.exitCode}`;
    throw new Error(`the PostgreSQL set-up (deploy/postgres/init.sh) failed: ${last}`);
  }
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
