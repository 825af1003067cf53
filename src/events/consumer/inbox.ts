// Claims an event in the inbox inside the caller's transaction: the first claim wins, every later one is a no-op.
import type { Kysely } from 'kysely';
import type { ParsedEvent } from '../envelope.js';
import type { BookkeepingTables } from './bookkeeping.js';

/**
 * Inserts the inbox row for `event` under `scope` and reports whether this call inserted it. Run it FIRST in
 * the transaction that applies the event's effect: it makes the transaction a writer from its first statement,
 * so SQLite makes competing processes wait for the lock (busy timeout) instead of failing on a stale read,
 * and when it returns false the caller skips the effect: the event was handled before.
 */
export async function claimEvent(
  trx: Kysely<BookkeepingTables>,
  scope: string,
  event: ParsedEvent,
  streamSeq: number,
): Promise<boolean> {
  const result = await trx
    .insertInto('processed_events')
    .values({
      scope,
      event_id: event.envelope.id,
      event_name: event.name,
      stream_seq: streamSeq,
      processed_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(['scope', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
