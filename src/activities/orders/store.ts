// The orders service's store: the order-level facts the workflow announces, each recorded with its event in one transaction.
import type { DatabaseLocation } from '../../db/database.js';
import { openMigrated } from '../../db/migrate.js';
import type { OutgoingEvent } from '../../events/envelope.js';
import type { Outbox } from '../../events/outbox/outbox.js';
import type { OrderEventName } from '../../shared/activity-contracts.js';
import { ServiceStore } from '../service-store.js';
import { orderMigrations } from './migrations.js';
import type { OrderTables } from './tables.js';

/** An order-level fact as recorded. */
export interface OrderFact {
  eventId: string;
  orderId: string;
  eventName: string;
  step: string;
  status: string;
  sequence?: number;
  recordedAt: string;
}

export interface OrderStore {
  /**
   * Records the fact `event` announces and writes the event to the outbox, in one transaction, unless the fact is
   * already recorded (a retried attempt): then nothing is written. True when this call recorded it.
   */
  recordOrderEvent(event: OutgoingEvent<OrderEventName>, step: string): Promise<boolean>;
  /** The order's recorded facts, in the order they were recorded. */
  factsOfOrder(orderId: string): Promise<OrderFact[]>;
  /** Orders whose latest fact leaves them parked (COMPENSATION_FAILED), waiting for an operator. */
  parkedOrders(): Promise<number>;
  /** Where the facts' events wait for the relay. */
  readonly outbox: Outbox;
  close(): Promise<void>;
}

/** Opens (and migrates) the orders database: a SQLite file, or the `orders` schema of a PostgreSQL database. */
export async function openOrderStore(location: DatabaseLocation): Promise<KyselyOrderStore> {
  return new KyselyOrderStore(await openMigrated<OrderTables>(location, 'orders', orderMigrations), 'orders');
}

/** Dialect-neutral: SQLite or PostgreSQL, with the same queries. */
export class KyselyOrderStore extends ServiceStore<OrderTables> implements OrderStore {
  recordOrderEvent(event: OutgoingEvent<OrderEventName>, step: string): Promise<boolean> {
    return this.transaction(async (trx, write) => {
      const { envelope } = event;
      const inserted = await trx
        .insertInto('order_events')
        .values({
          event_id: envelope.id,
          order_id: envelope.subject,
          event_name: event.name,
          step,
          status: envelope.data.status,
          sequence: envelope.ordersequence ?? null,
          recorded_at: envelope.time,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await write([event]);
      return true;
    });
  }

  async factsOfOrder(orderId: string): Promise<OrderFact[]> {
    const rows = await this.db
      .selectFrom('order_events')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('recorded_at')
      .orderBy('event_id')
      .execute();
    return rows.map((row) => ({
      eventId: row.event_id,
      orderId: row.order_id,
      eventName: row.event_name,
      step: row.step,
      status: row.status,
      ...(row.sequence === null ? {} : { sequence: Number(row.sequence) }),
      recordedAt: row.recorded_at,
    }));
  }

  /** A scan of the facts (one row per event): read at a scrape, not on the saga's path. */
  async parkedOrders(): Promise<number> {
    const row = await this.db
      .selectFrom('order_events as e')
      .select((eb) => eb.fn.count<number | string>('e.order_id').distinct().as('n'))
      .where('e.status', '=', 'COMPENSATION_FAILED')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('order_events as later')
              .select('later.event_id')
              .whereRef('later.order_id', '=', 'e.order_id')
              .whereRef('later.recorded_at', '>', 'e.recorded_at'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
