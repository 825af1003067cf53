// Where the read models keep their data, and how a store opens it: on either engine, written or only read.
import { NoResultError } from 'kysely';
import type { Kysely, Migration, TransactionBuilder } from 'kysely';
import type { Config } from '../config/env.js';
import { openDatabase, resolveLocation, serviceDatabase } from '../db/database.js';
import type { DatabaseLocation } from '../db/database.js';
import { isMissingTableError } from '../db/errors.js';
import { migrateToLatest } from '../db/migrate.js';

/** Each read model's database: its SQLite file under DATA_DIR, or DATABASE_URL (where the store picks its schema). */
export interface ReadModelLocations {
  notifications: DatabaseLocation;
  analytics: DatabaseLocation;
  orders: DatabaseLocation;
}

/**
 * How a read-model store is opened. The writers (the subscribers, the rebuild) migrate it; a reader (the API)
 * connecting to PostgreSQL as a role that may only select must not, so it skips migrating and answers as if empty
 * until a writer has created the tables. On SQLite the reader still migrates: it may start before the writers and
 * WAL lets them share the file.
 */
export interface ReadModelOpenOptions {
  readOnly?: boolean;
}

/**
 * The one place the read models' locations come from: DATABASE_URL when set (the stores then use the schemas
 * `notifications`, `analytics` and `order_read_model`), else `notifications.sqlite`, `analytics.sqlite` and
 * `order-read-model.sqlite` under DATA_DIR.
 */
export function readModelLocations(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): ReadModelLocations {
  return {
    notifications: serviceDatabase(config, 'notifications'),
    analytics: serviceDatabase(config, 'analytics'),
    orders: serviceDatabase(config, 'order-read-model'),
  };
}

/**
 * Opens a read-model store's database (on PostgreSQL, in `schema`) and migrates it unless it is opened read-only
 * on PostgreSQL; `writable` says whether it did, so the store knows it may also seed its rows.
 */
export async function openReadModelDatabase<DB>(
  location: DatabaseLocation,
  schema: string,
  migrations: Record<string, Migration>,
  options: ReadModelOpenOptions = {},
): Promise<{ db: Kysely<DB>; writable: boolean }> {
  const db = openDatabase<DB>(location, schema);
  const writable = !(options.readOnly === true && resolveLocation(location).engine === 'postgres');
  if (!writable) return { db, writable };
  try {
    await migrateToLatest(db, schema, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, writable };
}

/**
 * A transaction for a consistent read of several queries (a page and the pointer it is read from): a snapshot that
 * takes no write lock. On SQLite it begins DEFERRED, so under WAL it never waits for a writer; on PostgreSQL it is a
 * READ ONLY transaction, which a reader role that may only select can run.
 */
export function readSnapshot<DB>(db: Kysely<DB>): TransactionBuilder<DB> {
  return db.transaction().setAccessMode('read only');
}

/**
 * A read that a read-only reader may run before any writer has created the model's tables (or its generation
 * row): it finds nothing yet, as a freshly migrated model would.
 */
export async function emptyUntilCreated<T>(read: Promise<T>, empty: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isMissingTableError(error) || error instanceof NoResultError) return empty;
    throw error;
  }
}
