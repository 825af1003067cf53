// The base of every service store: its database, its outbox, and the transactions that write an effect and its events together.
import type { Kysely, Transaction } from 'kysely';
import { KyselyStore } from '../db/kysely-store.js';
import type { OutgoingEvent } from '../events/envelope.js';
import { Outbox } from '../events/outbox/outbox.js';
import { outboxDb } from '../events/outbox/schema.js';
import type { OutboxTables } from '../events/outbox/schema.js';

/**
 * The events an effect announces, built from the row as stored (its IDs and timestamps), so a store method asks for
 * them only once it knows it took effect. Omitted: the effect announces nothing (store-level tests, operators).
 */
export type EventsOf<T> = (stored: T) => OutgoingEvent[];

/** Writes events into the outbox of the transaction it was handed. */
export type WriteEvents = (events: readonly OutgoingEvent[]) => Promise<void>;

/**
 * A service's store owns its database and that database's outbox. Its methods run each effect in `transaction`,
 * which hands them a `write` for the effect's events: the rows commit with the effect or not at all, and the relay is
 * woken once the transaction has committed. Activities therefore never publish: the service's relay does.
 */
export abstract class ServiceStore<DB extends OutboxTables> extends KyselyStore<DB> {
  readonly outbox: Outbox;

  constructor(db: Kysely<DB>, service: string) {
    super(db);
    this.outbox = new Outbox(outboxDb(db), service);
  }

  /** Runs `work` in one transaction with a `write` for the events of its effect; nudges the relay after the commit. */
  protected async transaction<T>(work: (trx: Transaction<DB>, write: WriteEvents) => Promise<T>): Promise<T> {
    let wrote = false;
    const result = await this.db.transaction().execute((trx) =>
      work(trx, async (events) => {
        if ((await this.outbox.write(outboxDb(trx), events)) > 0) wrote = true;
      }),
    );
    if (wrote) this.outbox.committed();
    return result;
  }

  /**
   * Records events that are a fact of their own: a refusal that stored nothing else (an unknown SKU is refused before
   * any reservation row exists). The outbox row is then the whole record of it.
   */
  async recordEvents(events: readonly OutgoingEvent[]): Promise<void> {
    await this.transaction((_trx, write) => write(events));
  }
}
