// The analytics projection: statuses, revenue, failure reasons, compensations and step durations from every event.
import type { Kysely } from 'kysely';
import { orderPosition } from '../../events/order-sequence.js';
import { defineReadModel } from '../generation.js';
import { eventTime, statusOfEvent } from '../status-of-event.js';
import { measuredSteps, timedEvents } from './steps.js';
import type { AnalyticsTables } from './tables.js';

/** The analytics service's durable consumer. */
export const ANALYTICS_CONSUMER = 'analytics';

const compensationEvents: ReadonlySet<string> = new Set([
  'PaymentRefunded',
  'InventoryReleased',
  'ShipmentCancelled',
  'CompensationFailed',
]);

async function addToCounter(
  db: Kysely<AnalyticsTables>,
  generation: number,
  metric: string,
  key: string,
  value: number,
) {
  await db
    .insertInto('analytics_counters')
    .values({ generation, metric, key, value })
    .onConflict((oc) =>
      oc
        .columns(['generation', 'metric', 'key'])
        .doUpdateSet((eb) => ({ value: eb('analytics_counters.value', '+', eb.ref('excluded.value')) })),
    )
    .execute();
}

/**
 * The order's own row, written first: the upsert takes the row's lock (PostgreSQL; on SQLite the transaction holds
 * the file's write lock), so whatever the rest of the transaction reads of this order, another transaction of the
 * same order committed it before, or will read it after this one commits. Handing back a `LockedOrder` is what lets
 * `recordStepTimes` rely on that.
 */
async function lockOrder(
  db: Kysely<AnalyticsTables>,
  generation: number,
  orderId: string,
  status: string | undefined,
  position: number,
): Promise<LockedOrder> {
  await db
    .insertInto('analytics_orders')
    .values({ generation, order_id: orderId, status: status ?? null, status_position: status ? position : 0 })
    .onConflict((oc) =>
      oc.columns(['generation', 'order_id']).doUpdateSet((eb) => ({
        status: eb
          .case()
          .when(eb.ref('excluded.status_position'), '>', eb.ref('analytics_orders.status_position'))
          .then(eb.ref('excluded.status'))
          .else(eb.ref('analytics_orders.status'))
          .end(),
        // A CASE rather than SQLite's two-argument max(), which PostgreSQL spells greatest().
        status_position: eb
          .case()
          .when(eb.ref('excluded.status_position'), '>', eb.ref('analytics_orders.status_position'))
          .then(eb.ref('excluded.status_position'))
          .else(eb.ref('analytics_orders.status_position'))
          .end(),
      })),
    )
    .execute();
  return { generation, orderId } as LockedOrder;
}

declare const locked: unique symbol;
/** An order whose analytics row this transaction has written, and so holds locked until it commits. */
type LockedOrder = { readonly generation: number; readonly orderId: string } & { readonly [locked]: true };

/** Every number here is a sum, a max or "latest by the order's sequence", so any delivery order gives the same result. */
export const analyticsProjection = defineReadModel<AnalyticsTables>({
  name: 'analytics',
  consumer: ANALYTICS_CONSUMER,

  async apply(db, generation, event, meta) {
    // The event's place in the order's saga, never its place in the stream (see orderPosition).
    const position = orderPosition(event, meta.position);
    const order = await lockOrder(db, generation, event.envelope.data.orderId, statusOfEvent(event), position);
    await addToCounter(db, generation, 'events', event.name, 1);

    if (event.name === 'PaymentProcessed' || event.name === 'PaymentRefunded') {
      const { amount, currency } = event.envelope.data.amount;
      await addToCounter(db, generation, event.name === 'PaymentProcessed' ? 'captured' : 'refunded', currency, amount);
    }
    const data = event.envelope.data;
    // A reminder repeats its parking's reason: counted as an event, not as another failure.
    if ('reason' in data && data.reason !== undefined && event.name !== 'CompensationReminder') {
      await addToCounter(db, generation, 'failures', `${event.name}:${data.reason.code}`, 1);
    }
    if (compensationEvents.has(event.name)) await addToCounter(db, generation, 'compensations', event.name, 1);
    if (timedEvents.has(event.name)) await recordStepTimes(db, order, event.name, eventTime(event));
  },

  async dropGeneration(db, generation) {
    await db.deleteFrom('analytics_orders').where('generation', '=', generation).execute();
    await db.deleteFrom('analytics_event_times').where('generation', '=', generation).execute();
    await db.deleteFrom('analytics_counters').where('generation', '=', generation).execute();
    await db.deleteFrom('analytics_step_durations').where('generation', '=', generation).execute();
  },
});

/**
 * Stores the event's time; whichever endpoint of a step arrives second adds the step's duration. Atomic per order
 * because the caller holds the order's lock (`LockedOrder`): of two endpoints handled at once, the second to take
 * the lock reads the first's time, so the step is added once, never by neither (both reading before either
 * committed) nor by both.
 */
async function recordStepTimes(db: Kysely<AnalyticsTables>, order: LockedOrder, name: string, at: string) {
  const { generation, orderId } = order;
  const inserted = await db
    .insertInto('analytics_event_times')
    .values({ generation, order_id: orderId, event_name: name, at })
    .onConflict((oc) => oc.columns(['generation', 'order_id', 'event_name']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
  const times = await db
    .selectFrom('analytics_event_times')
    .select(['event_name', 'at'])
    .where('generation', '=', generation)
    .where('order_id', '=', orderId)
    .execute();
  const timeOf = new Map(times.map((t) => [t.event_name, Date.parse(t.at)]));
  for (const { step, from, to } of measuredSteps) {
    if (from !== name && to !== name) continue;
    const start = timeOf.get(from);
    const end = timeOf.get(to);
    if (start === undefined || end === undefined) continue;
    const ms = Math.max(0, end - start);
    await db
      .insertInto('analytics_step_durations')
      .values({ generation, step, count: 1, total_ms: ms, max_ms: ms })
      .onConflict((oc) =>
        oc.columns(['generation', 'step']).doUpdateSet((eb) => ({
          count: eb('analytics_step_durations.count', '+', 1),
          total_ms: eb('analytics_step_durations.total_ms', '+', ms),
          max_ms: eb
            .case()
            .when(eb.ref('analytics_step_durations.max_ms'), '<', ms)
            .then(ms)
            .else(eb.ref('analytics_step_durations.max_ms'))
            .end(),
        })),
      )
      .execute();
  }
}
