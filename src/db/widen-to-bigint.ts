// A migration step: integer columns become bigint on PostgreSQL (int4 overflows at 2^31); SQLite's are 64-bit already.
import type { Kysely } from 'kysely';
import { engineOf } from './database.js';

/**
 * Widens `columns` of `table` to bigint in one statement, keeping every row. PostgreSQL's `integer` is 32-bit: a sum
 * of milliseconds passes 2^31 after 25 days of step time, a sum of cents after 21 million euros. SQLite stores any
 * integer in up to 8 bytes whatever the declared type, so there it does nothing. `db` is the migration's own.
 */
export async function widenToBigint(
  // The migration's database has no schema type: Kysely hands migrations a Kysely<any>.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  table: string,
  columns: readonly [string, ...string[]],
): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  const [first, ...rest] = columns;
  let alter = db.schema.alterTable(table).alterColumn(first, (c) => c.setDataType('bigint'));
  for (const column of rest) alter = alter.alterColumn(column, (c) => c.setDataType('bigint'));
  await alter.execute();
}
