// What an operator sees of one service's outbox: its backlog (and pending rows), read without creating or migrating anything.
import { existsSync } from 'node:fs';
import type { Config } from '../../config/env.js';
import { openDatabase, resolveLocation, serviceDatabase } from '../../db/database.js';
import type { DatabaseLocation } from '../../db/database.js';
import { isMissingTableError } from '../../db/errors.js';
import { backlog, listOutbox } from './queue.js';
import type { Backlog, OutboxEntry } from './queue.js';
import type { OutboxTables } from './schema.js';

/** The services that own an outbox: the three services and the orders service's own facts. */
export const outboxProducers = ['orders', 'payments', 'inventory', 'shipping'] as const;

export type OutboxStatus =
  /** The service's SQLite file does not exist (it never ran here, or DATA_DIR is wrong). */
  | { kind: 'no-database'; filename: string }
  /** The database exists but has no outbox yet (the service has not started on a release with one). */
  | { kind: 'no-outbox' }
  | { kind: 'ok'; backlog: Backlog; pending?: OutboxEntry[] };

/**
 * Reads `service`'s outbox at `location`. Opens the database as the service would (its schema on PostgreSQL) but
 * never creates a SQLite file nor migrates: a mistyped DATA_DIR must say so rather than show an empty outbox.
 */
export async function outboxStatus(
  location: DatabaseLocation,
  service: string,
  options: { pending?: boolean } = {},
): Promise<OutboxStatus> {
  const resolved = resolveLocation(location);
  if (resolved.engine === 'sqlite' && resolved.options.filename !== ':memory:') {
    if (!existsSync(resolved.options.filename)) return { kind: 'no-database', filename: resolved.options.filename };
  }
  const db = openDatabase<OutboxTables>(location, service);
  try {
    const status: OutboxStatus = { kind: 'ok', backlog: await backlog(db) };
    if (options.pending) status.pending = await listOutbox(db, { pending: true });
    return status;
  } catch (error) {
    if (isMissingTableError(error)) return { kind: 'no-outbox' };
    throw error;
  } finally {
    await db.destroy();
  }
}

/**
 * How many events every producer's outbox still holds for its relay: the chaos checker and the scale tests judge the
 * stream only at 0, because each relay publishes on its own schedule (an order's last event may wait behind another
 * service's backlog).
 */
export async function pendingEvents(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): Promise<number> {
  let pending = 0;
  for (const service of outboxProducers) {
    const status = await outboxStatus(serviceDatabase(config, service), service);
    if (status.kind === 'ok') pending += status.backlog.pending;
  }
  return pending;
}
