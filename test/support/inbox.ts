// Reads a subscriber's inbox back: how many events a scope has taken effect for.
import type { Kysely } from 'kysely';
import { bookkeepingDb } from '../../src/events/consumer/bookkeeping.js';
import type { BookkeepingTables } from '../../src/events/consumer/bookkeeping.js';

/** Counts the inbox rows of `scope` (a consumer, or `<model>@<generation>`): one per event applied. */
export async function countProcessed<DB extends BookkeepingTables>(db: Kysely<DB>, scope: string): Promise<number> {
  const row = await bookkeepingDb(db)
    .selectFrom('processed_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope', '=', scope)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
