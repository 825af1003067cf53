// Keeps a subscriber's bookkeeping bounded: inbox rows and stale failure-log rows older than the retention go.
import type { Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import type { BookkeepingTables } from './bookkeeping.js';

/** Rows deleted per statement, so a first prune of a large table never holds the write lock for long. */
const batchSize = 1_000;

export interface PrunedRows {
  inbox: number;
  failures: number;
}

/**
 * Deletes inbox rows processed before `olderThan`, every scope alike (a rebuild's replay writes fresh rows, so only
 * events handled long ago go), and failure-log rows no delivery has updated since then: their event was
 * dead-lettered or handled by an instance that could not clear the row, or has left the stream. Each batch is its
 * own short statement; a copy of a pruned event that arrives later is applied again, which is why the retention is
 * at least the stream's duplicate window (env.ts).
 */
export async function pruneBookkeeping(db: Kysely<BookkeepingTables>, olderThan: Date): Promise<PrunedRows> {
  const cutoff = olderThan.toISOString();
  const pruned: PrunedRows = { inbox: 0, failures: 0 };
  for (;;) {
    const result = await db
      .deleteFrom('processed_events')
      .where((eb) =>
        eb(
          eb.refTuple('scope', 'event_id'),
          'in',
          eb
            .selectFrom('processed_events as old')
            .select(['old.scope', 'old.event_id'])
            .where('old.processed_at', '<', cutoff)
            .limit(batchSize)
            .$asTuple('scope', 'event_id'),
        ),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    pruned.inbox += deleted;
    if (deleted < batchSize) break;
  }
  const failures = await db.deleteFrom('event_failures').where('failed_at', '<', cutoff).executeTakeFirst();
  pruned.failures = Number(failures.numDeletedRows);
  return pruned;
}

export interface InboxPrunerOptions {
  /** Prunes rows older than the given time (`pruneBookkeeping` on the service's database, taking its turn if any). */
  prune: (olderThan: Date) => Promise<PrunedRows>;
  retentionMs: number;
  /** Between two prunes; by default a tenth of the retention, at most 10 minutes and at least a second. */
  intervalMs?: number;
  logger: Logger;
  now?: () => number;
}

export interface InboxPruner {
  /** Runs one prune now (tests, and the first one at start). */
  pruneNow(): Promise<PrunedRows>;
  stop(): Promise<void>;
}

/**
 * Prunes at start and then periodically. Every instance of a service runs one: the deletes are idempotent and
 * batched, so competing instances only share the work. A failed prune is logged and retried at the next interval.
 */
export function startInboxPruner(options: InboxPrunerOptions): InboxPruner {
  const { prune, retentionMs, logger, now = Date.now } = options;
  const intervalMs = options.intervalMs ?? Math.min(Math.max(retentionMs / 10, 1_000), 600_000);
  let running: Promise<PrunedRows> | undefined;
  const pruneNow = (): Promise<PrunedRows> => {
    running ??= prune(new Date(now() - retentionMs))
      .then((pruned) => {
        if (pruned.inbox + pruned.failures > 0) logger.info({ pruned, retentionMs }, 'pruned the inbox');
        return pruned;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const tick = () => {
    pruneNow().catch((error: unknown) => logger.warn({ err: error }, 'could not prune the inbox; retrying later'));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    pruneNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
