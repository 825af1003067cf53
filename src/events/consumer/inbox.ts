// Claims an event in the inbox inside the caller's transaction: the first claim wins, every later one is a no-op.
import type { Kysely } from 'kysely';
import type { ParsedEvent } from '../envelope.js';
import type { BookkeepingTables } from './bookkeeping.js';

/**
 * Inserts the inbox row for `event` under `scope` and reports whether this call inserted it. Run it in the
 * transaction that applies the event's effect, before the effect: when it returns false the caller skips the effect,
 * the event was handled before. A competing instance claiming the same event at the same time waits for this
 * transaction (the primary key) and then finds the row.
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
