// The live-generation pointer of a rebuildable read model: which set of rows queries and the live subscriber use.
import type { Kysely, Migration, Transaction } from 'kysely';
import type { BookkeepingTables } from '../events/subscribers/bookkeeping.js';

/**
 * One row per model. Rows of every model table carry a `generation`; `live` names the one queries read and
 * the live subscriber writes. A rebuild fills `building` from the stream, then moves `live` to it in one
 * transaction, so readers see the old model or the new one, never a mix.
 */
export interface ReadModelGenerationsTable {
  model: string;
  live: number;
  building: number | null;
  switched_at: string | null;
}

export interface ReadModelBaseTables extends BookkeepingTables {
  read_model_generations: ReadModelGenerationsTable;
}

export const generationsMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('read_model_generations')
      .addColumn('model', 'text', (c) => c.primaryKey())
      .addColumn('live', 'integer', (c) => c.notNull())
      .addColumn('building', 'integer')
      .addColumn('switched_at', 'text')
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('read_model_generations').execute();
  },
};

/** The inbox scope of one generation: a rebuilt generation re-applies every event, whatever the old one saw. */
export function generationScope(model: string, generation: number): string {
  return `${model}@${generation}`;
}

/** Creates the pointer at generation 1 the first time a model's database is opened. */
export async function ensureGenerationRow(db: Kysely<ReadModelBaseTables>, model: string): Promise<void> {
  await db
    .insertInto('read_model_generations')
    .values({ model, live: 1, building: null, switched_at: null })
    .onConflict((oc) => oc.column('model').doNothing())
    .execute();
}

export async function liveGeneration(db: Kysely<ReadModelBaseTables>, model: string): Promise<number> {
  const row = await db
    .selectFrom('read_model_generations')
    .select('live')
    .where('model', '=', model)
    .executeTakeFirstOrThrow();
  return row.live;
}

/** Reserves the next generation number for a rebuild (above the live one and any abandoned rebuild). */
export async function reserveGeneration(db: Kysely<ReadModelBaseTables>, model: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('read_model_generations')
      .set((eb) => ({ building: eb(eb.fn.coalesce('building', 'live'), '+', 1) }))
      .where('model', '=', model)
      .execute();
    const row = await trx
      .selectFrom('read_model_generations')
      .select(['live', 'building'])
      .where('model', '=', model)
      .executeTakeFirstOrThrow();
    const generation = Math.max(row.live + 1, row.building ?? 0);
    await trx.updateTable('read_model_generations').set({ building: generation }).where('model', '=', model).execute();
    return generation;
  });
}

/**
 * Writes to the pointer row first thing in the switch transaction: that takes SQLite's write lock, so the live
 * subscriber waits until the switch commits and then writes to the new generation.
 */
export async function lockGenerations(trx: Kysely<ReadModelBaseTables>, model: string): Promise<void> {
  await trx
    .updateTable('read_model_generations')
    .set({ switched_at: new Date().toISOString() })
    .where('model', '=', model)
    .execute();
}

/** Makes `generation` live and returns the generation it replaced. */
export async function switchLive(trx: Kysely<ReadModelBaseTables>, model: string, generation: number): Promise<number> {
  const previous = await liveGeneration(trx, model);
  await trx
    .updateTable('read_model_generations')
    .set({ live: generation, building: null, switched_at: new Date().toISOString() })
    .where('model', '=', model)
    .execute();
  return previous;
}

/** Narrows a model's database to the shared read-model tables (Kysely's database type is invariant). */
export function readModelBaseDb<DB extends ReadModelBaseTables>(
  db: Kysely<DB> | Transaction<DB>,
): Kysely<ReadModelBaseTables> {
  return db as unknown as Kysely<ReadModelBaseTables>;
}
