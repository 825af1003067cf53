// A rebuildable read model: its live-generation pointer, its contract, and applying each event exactly once to the
// live generation (inbox claim and projection in one transaction), which is what its live subscriber does.
import type { Kysely, Migration, Transaction } from 'kysely';
import { engineOf } from '../db/database.js';
import type { DatabaseLocation } from '../db/database.js';
import type { ParsedEvent } from '../events/envelope.js';
import { bookkeepingDb } from '../events/consumer/bookkeeping.js';
import type { BookkeepingTables } from '../events/consumer/bookkeeping.js';
import { claimEvent } from '../events/consumer/inbox.js';
import type { EventHandler, EventMeta } from '../events/consumer/subscriber.js';
import { ORDERS_SUBJECTS } from '../events/nats/topology.js';
import { openReadModelDatabase } from './databases.js';
import type { ReadModelOpenOptions } from './databases.js';

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
 * Writes to the pointer row first thing in the switch transaction. On PostgreSQL the update waits for the live
 * writers holding the row (`lockLiveGeneration`) and makes the next ones wait until the switch commits; on SQLite
 * the switch transaction holds the file's write lock from its start. Either way the live subscriber writes to the
 * new generation once the switch has committed, and never to the old one while it runs.
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

/** Opens a read model's store where `readModelLocations` says; read-only readers pass `{ readOnly: true }`. */
export type StoreOpener<Store> = (location: DatabaseLocation, options?: ReadModelOpenOptions) => Promise<Store>;

/**
 * The opener of a rebuildable model's store: its database (on PostgreSQL in `schema`), migrated unless opened
 * read-only on PostgreSQL, with the generation pointer created the first time.
 */
export function rebuildableStoreOpener<DB extends ReadModelBaseTables, Store>(
  Store: new (db: Kysely<DB>) => Store,
  schema: string,
  migrations: Record<string, Migration>,
  model: ReadModel,
): StoreOpener<Store> {
  return async (location, options = {}) => {
    const { db, writable } = await openReadModelDatabase<DB>(location, schema, migrations, options);
    if (writable) await ensureGenerationRow(readModelBaseDb(db), model.name);
    return new Store(db);
  };
}

/**
 * The projection the live subscriber and the rebuild both apply, per generation. Projections must converge whatever
 * order events are applied in (competing instances handle one order's events concurrently, re-drives arrive late,
 * and each service's outbox relay publishes on its own): "latest" fields compare `orderPosition(event,
 * meta.position)` (the workflow's sequence: src/events/order-sequence.ts), counters add, first and last times take
 * min and max. That is what makes a rebuild from the stream equal the live model.
 */
export interface ReadModel {
  /** `orders` or `analytics`: the pointer row and the rebuild command's `--model`. */
  readonly name: string;
  /** The live subscriber's durable consumer. */
  readonly consumer: string;
  readonly filterSubjects: string[];
  /** Applies one event to `generation`; called inside the transaction that claimed the event in the inbox. */
  apply(trx: Kysely<ReadModelBaseTables>, generation: number, event: ParsedEvent, meta: EventMeta): Promise<void>;
  /** Deletes every row of a generation (an abandoned rebuild, or the one a switch replaced). */
  dropGeneration(db: Kysely<ReadModelBaseTables>, generation: number): Promise<void>;
}

/**
 * A read model over its own tables (`DB`), which live in the same database as the shared ones: the framework hands
 * it the shared tables' type, widened here once. Every model takes all of `orders.>`, which the rebuild relies on
 * (it replays until the stream's last message).
 */
export function defineReadModel<DB extends ReadModelBaseTables>(spec: {
  name: string;
  consumer: string;
  apply(db: Kysely<DB>, generation: number, event: ParsedEvent, meta: EventMeta): Promise<void>;
  dropGeneration(db: Kysely<DB>, generation: number): Promise<void>;
}): ReadModel {
  const own = (db: Kysely<ReadModelBaseTables>) => db as unknown as Kysely<DB>;
  return {
    name: spec.name,
    consumer: spec.consumer,
    filterSubjects: [ORDERS_SUBJECTS],
    apply: (trx, generation, event, meta) => spec.apply(own(trx), generation, event, meta),
    dropGeneration: (db, generation) => spec.dropGeneration(own(db), generation),
  };
}

/** Applies one event to one generation exactly once; false when the generation had it already (a redelivery). */
export async function applyToGeneration(
  trx: Kysely<ReadModelBaseTables>,
  model: ReadModel,
  generation: number,
  event: ParsedEvent,
  meta: EventMeta,
): Promise<boolean> {
  if (!(await claimEvent(bookkeepingDb(trx), generationScope(model.name, generation), event, meta.position))) {
    return false;
  }
  await model.apply(trx, generation, event, meta);
  return true;
}

/** Runs each piece of work it is given after the previous one has settled. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export function oneAtATime(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * The live generation, read inside a writer's transaction so that it stays live until that transaction commits. On
 * PostgreSQL the read takes a share lock on the pointer row (`FOR SHARE`): a rebuild's switch, which updates the row,
 * waits for every writer holding it, and a writer that comes during the switch waits for the switch to commit and
 * then reads the new generation (a plain read under read committed would see the old one and write to a generation
 * about to be dropped). On SQLite the transaction began IMMEDIATE (src/db/sqlite-immediate.ts) and holds the file's
 * write lock, so nothing can switch before it commits.
 */
export async function lockLiveGeneration(trx: Kysely<ReadModelBaseTables>, model: string): Promise<number> {
  const row = await trx
    .selectFrom('read_model_generations')
    .select('live')
    .where('model', '=', model)
    .$if(engineOf(trx) === 'postgres', (q) => q.forShare())
    .executeTakeFirstOrThrow();
  return row.live;
}

/**
 * The live subscriber's handler: writes whichever generation is live, read first thing in the transaction that
 * claims and applies the event (`lockLiveGeneration`), so no event is applied to a generation a rebuild has just
 * replaced. With `exclusive`, the work takes its turn (see `ReadModelServiceOptions`).
 */
export function liveReadModelHandler(
  db: Kysely<ReadModelBaseTables>,
  model: ReadModel,
  exclusive: Exclusive = (work) => work(),
): EventHandler {
  const applyLive = (event: ParsedEvent, meta: EventMeta) =>
    db.transaction().execute(async (trx) => {
      const generation = await lockLiveGeneration(trx, model.name);
      await applyToGeneration(trx, model, generation, event, meta);
    });
  return {
    consumer: model.consumer,
    filterSubjects: model.filterSubjects,
    handle: (event, meta) => exclusive(() => applyLive(event, meta)),
  };
}
