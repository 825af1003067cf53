// Opens a service's own schema of a PostgreSQL database through Kysely, on a pg connection pool.
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (any form pg's connection strings accept). */
  url: string;
  /**
   * The schema this service owns. Every connection's `search_path` is this schema alone, so the same unqualified
   * queries and migrations that run on SQLite land in the service's own tables, and a service cannot read another
   * service's tables by accident. `migrateToLatest` creates it when missing.
   */
  schema: string;
  /** Connections the pool opens at most (pg's default is 10). */
  maxConnections?: number;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** Lower-case letters, digits and underscores: usable unquoted in SQL and safe to splice into `SET search_path`. */
export function assertSchemaName(schema: string): string {
  if (!identifier.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use lower-case letters, digits and underscores`);
  }
  return schema;
}

/**
 * pg hands int8 (the bigint columns, `count(*)`) back as text by default, so the stores' numbers would turn into
 * strings on PostgreSQL alone. Every int8 here is a counter, a sum of cents or milliseconds, or a stream position,
 * far below 2^53, which a JavaScript number holds exactly; so int8 text is parsed as a number, every other type as
 * pg does.
 */
const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === (pg.types.builtins.INT8 as number) && format !== 'binary'
      ? Number
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool lazily (no connection is made until the first query) as a typed Kysely instance. `destroy()` ends
 * the pool. The search path is set when each connection is created, before Kysely hands it to any query.
 */
export function openPostgresDatabase<DB>(options: PostgresOptions): Kysely<DB> {
  const schema = assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: `order-saga:${schema}`,
    types: int8AsNumber,
  });
  // pg reports an idle connection that the server closed (a restart, a failover) on the pool; the pool has already
  // dropped it and the next query opens a new one, so there is nothing to do but not crash on the unhandled event.
  pool.on('error', () => undefined);
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`set search_path to ${schema}`));
      },
    }),
  });
}
