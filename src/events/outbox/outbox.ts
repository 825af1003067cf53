// A service store's outbox: writing events in the effect's transaction, waking the relay after the commit, and reading it back.
import type { Kysely } from 'kysely';
import type { OutgoingEvent } from '../envelope.js';
import { backlog, listOutbox } from './queue.js';
import type { Backlog, OutboxEntry } from './queue.js';
import type { OutboxTables } from './schema.js';
import { outboxInstalledAt, predating, writeEvents } from './write.js';

/**
 * The in-process nudge from a store to its relay: a commit that wrote events calls `notify`, and the relay, waiting
 * between polls, wakes at once instead of at its next poll. A notify that comes while the relay is busy is kept, so
 * the next wait returns immediately; nothing is lost if the relay runs in another process (it polls).
 */
export class CommitSignal {
  private waiting: (() => void) | undefined;
  private pending = false;

  notify(): void {
    const wake = this.waiting;
    if (wake === undefined) {
      this.pending = true;
      return;
    }
    this.waiting = undefined;
    wake();
  }

  /** Resolves on the next notify (or one that came since the last wait), after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.waiting === done) this.waiting = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiting = done;
    });
  }
}

/**
 * The outbox of one service's database (the tables of src/events/outbox/schema.ts, migrated with the service's own).
 * The store writes through `write` inside its transactions and calls `committed` after they commit; the relay
 * (src/events/outbox/relay.ts) reads `db` and waits on `signal`.
 */
export class Outbox {
  readonly signal = new CommitSignal();
  private installedAt: Promise<string> | undefined;

  constructor(
    readonly db: Kysely<OutboxTables>,
    /** The service whose events these are, for logs and the status command. */
    readonly service: string,
  ) {}

  /** Writes `events` in `trx`, the transaction of their effect. Resolves with the number of rows inserted. */
  write(trx: Kysely<OutboxTables>, events: readonly OutgoingEvent[]): Promise<number> {
    return writeEvents(trx, events);
  }

  /** Called after a transaction that wrote events has committed: wakes the relay. */
  committed(): void {
    this.signal.notify();
  }

  /**
   * For a retried activity that replays an effect it finds stored: writes the effect's events if the effect was
   * stored before this database had an outbox, and nothing otherwise (they were written with it). The release before
   * the outbox published from the activity after its commit; if that failed, the retry that now runs this code is
   * the one that must publish. An event whose row is still there is left alone.
   */
  async backfill(events: readonly OutgoingEvent[]): Promise<void> {
    const installedAt = await (this.installedAt ??= outboxInstalledAt(this.db).catch((error: unknown) => {
      this.installedAt = undefined;
      throw error;
    }));
    const missing = predating(events, installedAt);
    if (missing.length === 0) return;
    if ((await writeEvents(this.db, missing)) > 0) this.committed();
  }

  backlog(): Promise<Backlog> {
    return backlog(this.db);
  }

  list(filter?: { orderId?: string; pending?: boolean }): Promise<OutboxEntry[]> {
    return listOutbox(this.db, filter);
  }
}
