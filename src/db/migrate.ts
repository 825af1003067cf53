// Runs a service's in-code migrations with Kysely's Migrator, on SQLite or PostgreSQL alike.
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { engineOf, openDatabase } from './database.js';
import type { DatabaseLocation } from './database.js';
import { MigrationFailedError } from './errors.js';

/**
 * Brings a service's database to its latest schema and returns the names of the migrations it ran.
 * Migrations live in code (no files to ship next to the bundle), and each service keeps its own
 * bookkeeping tables (`<service>_migrations`), so two services pointed at one database by mistake
 * still migrate independently. Safe to call on every start: already-applied migrations are skipped.
 * On PostgreSQL the bookkeeping goes into the service's own schema (named after the service, as
 * `openDatabase` names it), which is created here when missing; the migrations themselves create
 * their tables unqualified, so they land there through the connection's search path.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  service: string,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  if (engineOf(db) === 'postgres') return migrate(db, service, migrations);
  // On SQLite Kysely takes no lock (its adapter's migration lock is a no-op) and runs DDL outside a transaction, so
  // replicas starting together on one file raced to apply the same migration ("table already exists"). One immediate
  // transaction around the whole run takes the file's write lock first: the others wait for it (busy timeout) and
  // then find nothing to do, and a run that fails leaves no half-applied migration behind.
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const applied = await migrate(connection, service, migrations);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** Opens `service`'s database (see `openDatabase`) and brings it to its latest schema, as every service store does. */
export async function openMigrated<DB>(
  location: DatabaseLocation,
  service: string,
  migrations: Record<string, Migration>,
): Promise<Kysely<DB>> {
  const db = openDatabase<DB>(location, service);
  await migrateToLatest(db, service, migrations);
  return db;
}

async function migrate<DB>(db: Kysely<DB>, service: string, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: `${service}_migrations`,
    migrationLockTableName: `${service}_migrations_lock`,
    ...(engineOf(db) === 'postgres' ? { migrationTableSchema: service } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    throw new MigrationFailedError(service, failed?.migrationName, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
