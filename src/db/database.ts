// Opens a service's database on either engine from one location: a PostgreSQL URL, or a SQLite file.
import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';
import type { Config } from '../config/env.js';
import { UnsupportedDatabaseUrlError } from './errors.js';
import { openPostgresDatabase } from './postgres.js';
import { openSqliteDatabase, serviceDatabaseFile } from './sqlite.js';
import type { SqliteOptions } from './sqlite.js';

/**
 * Where a service's data lives: `{ url }` with `postgres://…` (or `postgresql://…`), `sqlite:<path>`, a plain file
 * path or `:memory:`; or the SQLite opener's own options.
 */
export type DatabaseLocation = { url: string; maxConnections?: number } | SqliteOptions;

export type Engine = 'postgres' | 'sqlite';

/** The engine a location names, and what the engine's opener needs. Throws UnsupportedDatabaseUrl for other schemes. */
export function resolveLocation(
  location: DatabaseLocation,
): { engine: 'postgres'; url: string; maxConnections?: number } | { engine: 'sqlite'; options: SqliteOptions } {
  if ('filename' in location) return { engine: 'sqlite', options: location };
  const { url } = location;
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return location.maxConnections === undefined
      ? { engine: 'postgres', url }
      : { engine: 'postgres', url, maxConnections: location.maxConnections };
  }
  if (/^sqlite:/i.test(url)) {
    // sqlite:relative/path, sqlite:/absolute/path, sqlite:///absolute/path, sqlite::memory:
    const filename = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (filename === '') throw new UnsupportedDatabaseUrlError(url);
    return { engine: 'sqlite', options: { filename } };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new UnsupportedDatabaseUrlError(url);
  return { engine: 'sqlite', options: { filename: url } };
}

/**
 * Opens `service`'s database. On PostgreSQL the service gets its own schema, named after it, as the only schema on
 * its search path (see `openPostgresDatabase`); a SQLite file already belongs to one service. Either way the stores
 * run the same Kysely queries and migrations.
 */
export function openDatabase<DB>(location: DatabaseLocation, service: string): Kysely<DB> {
  const resolved = resolveLocation(location);
  if (resolved.engine === 'sqlite') return openSqliteDatabase<DB>(resolved.options);
  return openPostgresDatabase<DB>({
    url: resolved.url,
    schema: service,
    ...(resolved.maxConnections === undefined ? {} : { maxConnections: resolved.maxConnections }),
  });
}

/** The configured location of a service's database: DATABASE_URL when set, else its SQLite file under DATA_DIR. */
export function serviceDatabase(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>, service: string): DatabaseLocation {
  return config.DATABASE_URL
    ? { url: config.DATABASE_URL }
    : { filename: serviceDatabaseFile(config.DATA_DIR, service) };
}

/** Which engine an open database runs on, from the adapter its dialect installed. */
export function engineOf<DB>(db: Kysely<DB>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
