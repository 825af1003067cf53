// The relay's queries on an outbox: the SQLite lease, claiming pending rows, marking them sent or failed, pruning, and the backlog.
import type { Kysely } from 'kysely';
import { engineOf } from '../../db/database.js';
import type { EventMessage } from '../publisher.js';
import { relayRow } from './schema.js';
import type { OutboxTable, OutboxTables } from './schema.js';

type Db = Kysely<OutboxTables>;

/** A claimed row, ready to publish. */
export interface ClaimedEvent {
  message: EventMessage;
  eventName: string;
  orderId: string;
  createdAt: string;
  attempts: number;
}

/**
 * Takes or renews the file's relay lease for `holder` until `until`; true when `holder` now holds it. One statement,
 * so two processes on one SQLite file cannot both win: the one holding the write lock first does, the other finds
 * the lease held and stands by until it lapses (its holder stopped renewing it: stopped or crashed).
 */
export async function holdLease(db: Db, holder: string, now: Date, until: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox_relay')
    .set({ holder, lease_until: until.toISOString() })
    .where('name', '=', relayRow)
    .where((eb) =>
      eb.or([eb('holder', 'is', null), eb('holder', '=', holder), eb('lease_until', '<', now.toISOString())]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the lease up on a clean stop, so another process on the file takes over at once. */
export async function releaseLease(db: Db, holder: string): Promise<void> {
  await db
    .updateTable('outbox_relay')
    .set({ holder: null, lease_until: null })
    .where('name', '=', relayRow)
    .where('holder', '=', holder)
    .execute();
}

/**
 * Claims up to `limit` pending rows, oldest first, for `holder` until `until`, in one statement: pending means not
 * sent and not claimed by a relay whose claim still runs. On PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`,
 * so relays of several replicas on one schema claim disjoint rows instead of queueing behind each other; on SQLite
 * the statement holds the file's write lock, and the lease keeps other processes from claiming at all.
 */
export async function claimPending(
  db: Db,
  holder: string,
  now: Date,
  until: Date,
  limit: number,
): Promise<ClaimedEvent[]> {
  const postgres = engineOf(db) === 'postgres';
  const rows = await db
    .updateTable('outbox')
    .set({ claimed_by: holder, claimed_until: until.toISOString() })
    .where('event_id', 'in', (eb) => {
      const pending = eb
        .selectFrom('outbox')
        .select('event_id')
        .where('sent_at', 'is', null)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now.toISOString())]))
        .orderBy('created_at')
        .orderBy('event_id')
        .limit(limit);
      return postgres ? pending.forUpdate().skipLocked() : pending;
    })
    .returningAll()
    .execute();
  return rows.sort(byAge).map(claimedEvent);
}

/** The stream acknowledged these: they are sent, and no longer anyone's. */
export async function markSent(db: Db, eventIds: readonly string[], now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({
      sent_at: now.toISOString(),
      claimed_by: null,
      claimed_until: null,
      attempts: eb('attempts', '+', 1),
      last_error: null,
    }))
    .where('event_id', 'in', eventIds)
    .execute();
}

/** These failed to publish: counted, the error kept, and the claim let go so the next attempt may come from anyone. */
export async function markFailed(db: Db, eventIds: readonly string[], holder: string, error: string): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({ claimed_by: null, claimed_until: null, attempts: eb('attempts', '+', 1), last_error: error }))
    .where('event_id', 'in', eventIds)
    .where('claimed_by', '=', holder)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Deletes rows sent before `before` (now minus the stream's duplicate window: within it, a copy of a pruned event
 * would still be dropped by the stream, beyond it nothing publishes it again). Pending rows are never pruned.
 */
export async function pruneSent(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('sent_at', 'is not', null)
    .where('sent_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What is waiting to be published, for the relay's log lines and the status command. */
export interface Backlog {
  pending: number;
  /** When the oldest pending row was written. */
  oldestPendingAt?: string;
  /** How many pending rows failed at least once, and the newest such error. */
  failing: number;
  lastError?: string;
  /** Sent rows still kept (until the duplicate window has passed). */
  sentKept: number;
}

export async function backlog(db: Db): Promise<Backlog> {
  const pending = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.min('created_at').as('oldest'),
      eb.fn.count<number | string>('last_error').as('failing'),
    ])
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  const sent = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('sent_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const lastError = await db
    .selectFrom('outbox')
    .select('last_error')
    .where('sent_at', 'is', null)
    .where('last_error', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const result: Backlog = { pending: Number(pending.n), failing: Number(pending.failing), sentKept: Number(sent.n) };
  if (pending.oldest !== null) result.oldestPendingAt = pending.oldest;
  if (lastError?.last_error) result.lastError = lastError.last_error;
  return result;
}

/** One row as it stands, for operators and tests. */
export interface OutboxEntry {
  eventId: string;
  eventName: string;
  orderId: string;
  /** The envelope as stored (JSON-parsed). */
  envelope: unknown;
  createdAt: string;
  sentAt?: string;
  attempts: number;
  lastError?: string;
}

/** The outbox's rows, oldest first; only one order's with `orderId`, only unsent ones with `pending`. */
export async function listOutbox(db: Db, filter: { orderId?: string; pending?: boolean } = {}): Promise<OutboxEntry[]> {
  let query = db.selectFrom('outbox').selectAll();
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.pending === true) query = query.where('sent_at', 'is', null);
  const rows = await query.orderBy('created_at').orderBy('event_id').execute();
  return rows.map((row) => {
    const entry: OutboxEntry = {
      eventId: row.event_id,
      eventName: row.event_name,
      orderId: row.order_id,
      envelope: JSON.parse(row.envelope) as unknown,
      createdAt: row.created_at,
      attempts: Number(row.attempts),
    };
    if (row.sent_at !== null) entry.sentAt = row.sent_at;
    if (row.last_error !== null) entry.lastError = row.last_error;
    return entry;
  });
}

function byAge(a: OutboxTable, b: OutboxTable): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

function claimedEvent(row: OutboxTable): ClaimedEvent {
  const headers = JSON.parse(row.headers) as Record<string, string>;
  if (row.traceparent !== null) headers.traceparent = row.traceparent;
  return {
    message: { id: row.event_id, subject: row.subject, payload: row.envelope, headers },
    eventName: row.event_name,
    orderId: row.order_id,
    createdAt: row.created_at,
    attempts: Number(row.attempts),
  };
}
