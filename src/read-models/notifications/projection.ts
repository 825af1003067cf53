// The notifications projection: one customer message per relevant event, exactly once.
import type { Kysely } from 'kysely';
import { bookkeepingDb } from '../../events/consumer/bookkeeping.js';
import { EventOutOfOrderError } from '../../events/consumer/errors.js';
import { claimEvent } from '../../events/consumer/inbox.js';
import type { EventHandler, EventMeta } from '../../events/consumer/subscriber.js';
import { eventSubject } from '../../events/catalogue.js';
import type { ParsedEvent } from '../../events/envelope.js';
import { customerOfEvent, eventTime } from '../status-of-event.js';
import type { NotificationChannel } from './channel.js';
import { notifiedEvents, renderNotification } from './render.js';
import type { NotificationTables } from './tables.js';

/** The notifications service's durable consumer. */
export const NOTIFICATIONS_CONSUMER = 'notifications';

/**
 * In one transaction: claim the event in the inbox, learn or look up the order's customer, render, deliver.
 * Inventory and shipping events do not name the customer; if one is handled before the order's first
 * event (competing instances), it fails with EventOutOfOrderError and is retried after the backoff.
 */
export function notificationProjection(db: Kysely<NotificationTables>, channel: NotificationChannel): EventHandler {
  return {
    consumer: NOTIFICATIONS_CONSUMER,
    filterSubjects: notifiedEvents.map((name) => eventSubject('*', name)),
    async handle(event: ParsedEvent, meta: EventMeta): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (!(await claimEvent(bookkeepingDb(trx), NOTIFICATIONS_CONSUMER, event, meta.position))) return;
        const orderId = event.envelope.data.orderId;
        const named = customerOfEvent(event);
        if (named !== undefined) {
          await trx
            .insertInto('order_customers')
            .values({ order_id: orderId, customer_id: named })
            .onConflict((oc) => oc.column('order_id').doNothing())
            .execute();
        }
        const customerId =
          named ??
          (
            await trx
              .selectFrom('order_customers')
              .select('customer_id')
              .where('order_id', '=', orderId)
              .executeTakeFirst()
          )?.customer_id;
        if (customerId === undefined) {
          throw new EventOutOfOrderError(
            `the customer of order ${orderId} is not known yet (${event.name} before OrderCreated)`,
          );
        }
        const message = renderNotification(event);
        if (message === undefined) return;
        await channel.deliver(
          { id: event.envelope.id, customerId, orderId, event: event.name, ...message, createdAt: eventTime(event) },
          trx,
        );
      });
    },
  };
}
