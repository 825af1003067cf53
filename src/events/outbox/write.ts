// Writes events to a service's outbox inside the transaction of the effect they announce.
import type { Kysely } from 'kysely';
import type { OutgoingEvent } from '../envelope.js';
import { eventHeaders } from '../publisher.js';
import { relayRow } from './schema.js';
import type { OutboxTables } from './schema.js';

/**
 * Inserts a row per event, in the caller's transaction (`trx`): it commits with the effect or not at all. An event
 * already in the outbox (the same ID) is left as it is. Resolves with the number of rows this call inserted.
 */
export async function writeEvents(trx: Kysely<OutboxTables>, events: readonly OutgoingEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await trx
    .insertInto('outbox')
    .values(
      events.map((event) => ({
        event_id: event.envelope.id,
        event_name: event.name,
        order_id: event.envelope.subject,
        subject: event.subject,
        envelope: JSON.stringify(event.envelope),
        headers: JSON.stringify(eventHeaders(event)),
        traceparent: event.envelope.traceparent ?? null,
        created_at: new Date().toISOString(),
        claimed_by: null,
        claimed_until: null,
        sent_at: null,
        attempts: 0,
        last_error: null,
      })),
    )
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Since when the database has an outbox (the migration's time). */
export async function outboxInstalledAt(db: Kysely<OutboxTables>): Promise<string> {
  const row = await db
    .selectFrom('outbox_relay')
    .select('installed_at')
    .where('name', '=', relayRow)
    .executeTakeFirstOrThrow();
  return row.installed_at;
}

/**
 * The events of `events` that announce effects stored before the database had an outbox: their `time` is the
 * stored effect's own timestamp (every step's event is stamped with it), and the release before the outbox published
 * them from the activity after its commit, which can have failed. See `Outbox.backfill`.
 */
export function predating(events: readonly OutgoingEvent[], installedAt: string): OutgoingEvent[] {
  const since = Date.parse(installedAt);
  return events.filter((event) => Date.parse(event.envelope.time) < since);
}
