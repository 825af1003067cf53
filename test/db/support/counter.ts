// One counter row on a SQLite file, incremented in read-then-write transactions: what two writers contend for.
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqliteDatabase } from '../../../src/db/sqlite.js';

/** The table both processes increment; `counterTableSql` creates it. */
export interface CounterTables {
  counters: { name: string; value: number };
}

export const counterTableSql =
  "create table counters (name text primary key, value integer not null); insert into counters values ('c', 0)";

/**
 * `immediate`: opened as every store opens SQLite (transactions begin IMMEDIATE); `stock`: Kysely's own SQLite
 * dialect (transactions begin DEFERRED), with the same busy timeout.
 */
export function openCounter(filename: string, mode: 'immediate' | 'stock'): Kysely<CounterTables> {
  if (mode === 'immediate') return openSqliteDatabase<CounterTables>({ filename });
  const sqlite = new Database(filename, { timeout: 5_000 });
  sqlite.pragma('journal_mode = WAL');
  return new Kysely<CounterTables>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Reads the counter, lets the other process run, then writes the value it read plus one. */
export async function increment(db: Kysely<CounterTables>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { value } = await trx
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'c')
      .executeTakeFirstOrThrow();
    await sleep(1);
    await trx
      .updateTable('counters')
      .set({ value: value + 1 })
      .where('name', '=', 'c')
      .execute();
  });
}
