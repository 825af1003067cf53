// Opens a service's own SQLite database through Kysely, with the pragmas every service relies on.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { ImmediateSqliteDialect } from './sqlite-immediate.js';

export interface SqliteOptions {
  /** A file path, or `:memory:` for a private in-process database (unit tests). */
  filename: string;
  /** How long a writer waits for another process's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a SQLite database as a typed Kysely instance. WAL lets the API read while a
 * worker writes; `synchronous=NORMAL` is durable enough under WAL and much faster than FULL; the busy
 * timeout turns lock contention between worker processes into waiting instead of errors; foreign keys
 * are off by default in SQLite, so they are switched on explicitly. Transactions begin IMMEDIATE and wait for the
 * write lock without blocking the process (`ImmediateSqliteDialect`). These pragmas are the only raw SQL: everything
 * else goes through the query builder so the same code runs on PostgreSQL.
 */
export function openSqliteDatabase<DB>(options: SqliteOptions): Kysely<DB> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
  const sqlite = new Database(options.filename, { timeout: busyTimeoutMs });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<DB>({ dialect: new ImmediateSqliteDialect(sqlite, busyTimeoutMs) });
}

/** One database file per service, so services share no tables and can be split onto separate hosts. */
export function serviceDatabaseFile(dataDir: string, service: string): string {
  return join(dataDir, `${service}.sqlite`);
}
