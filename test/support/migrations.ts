// A data folder of an earlier release, for upgrade tests: the migrations that sort before a given one.
import type { Migration } from 'kysely';

/**
 * The migrations a release before `name` ran: every one whose name sorts before it (the migrator runs them in name
 * order, and refuses a folder whose executed migrations are not a prefix of the list). Fails when `name` is unknown.
 */
export function migrationsBefore(migrations: Record<string, Migration>, name: string): Record<string, Migration> {
  if (!(name in migrations)) throw new Error(`no migration ${name}`);
  return Object.fromEntries(Object.entries(migrations).filter(([key]) => key < name));
}
