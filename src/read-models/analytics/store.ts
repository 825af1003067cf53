// The analytics database and its one query, the summary the API shows.
import type { Kysely } from 'kysely';
import { emptyUntilCreated, readSnapshot } from '../databases.js';
import { generationScope, liveGeneration, readModelBaseDb, rebuildableStoreOpener } from '../generation.js';
import { analyticsMigrations } from './migrations.js';
import { analyticsProjection } from './projection.js';
import type { AnalyticsTables } from './tables.js';

/**
 * Everything the analytics model keeps, from one snapshot of its live generation; the API's summary
 * (`AnalyticsSummary`, src/api/ports/analytics-reader.ts) is drawn from it.
 */
export interface AnalyticsFigures {
  /** Events projected, per event name. */
  events: Record<string, number>;
  orders: { total: number; byStatus: Record<string, number> };
  /** Minor units per currency. */
  revenue: Record<string, { captured: number; refunded: number; net: number }>;
  /** Failure reasons by the event that reported them, `<EventName>:<code>`. */
  failures: Record<string, number>;
  /** Compensations run (PaymentRefunded, InventoryReleased, ShipmentCancelled) and CompensationFailed. */
  compensations: Record<string, number>;
  stepDurations: Record<string, { count: number; averageMs: number; maxMs: number }>;
  /** Events applied in all, and when the last one was: lets an operator see the subscriber keeps up. */
  eventsProcessed: number;
  updatedAt?: string;
}

export class AnalyticsStore {
  constructor(readonly db: Kysely<AnalyticsTables>) {}

  /** The whole summary from one snapshot of the live generation. */
  async summary(): Promise<AnalyticsFigures> {
    return emptyUntilCreated(this.read(), emptySummary());
  }

  private read(): Promise<AnalyticsFigures> {
    return readSnapshot(this.db).execute(async (trx) => {
      const generation = await liveGeneration(readModelBaseDb(trx), analyticsProjection.name);
      const counters = await trx
        .selectFrom('analytics_counters')
        .select(['metric', 'key', 'value'])
        .where('generation', '=', generation)
        .orderBy('metric')
        .orderBy('key')
        .execute();
      const statuses = await trx
        .selectFrom('analytics_orders')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('generation', '=', generation)
        .groupBy('status')
        .orderBy('status')
        .execute();
      const steps = await trx
        .selectFrom('analytics_step_durations')
        .selectAll()
        .where('generation', '=', generation)
        .orderBy('step')
        .execute();

      const applied = await trx
        .selectFrom('processed_events')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('processed_at').as('last')])
        .where('scope', '=', generationScope(analyticsProjection.name, generation))
        .executeTakeFirstOrThrow();
      const summary: AnalyticsFigures = {
        ...emptySummary(),
        eventsProcessed: Number(applied.n),
        ...(applied.last ? { updatedAt: applied.last } : {}),
      };
      for (const { status, n } of statuses) {
        summary.orders.total += Number(n);
        summary.orders.byStatus[status ?? 'UNKNOWN'] = Number(n);
      }
      for (const { metric, key, value } of counters) {
        if (metric === 'captured' || metric === 'refunded') {
          const money = (summary.revenue[key] ??= { captured: 0, refunded: 0, net: 0 });
          money[metric] += Number(value);
          money.net = money.captured - money.refunded;
        } else if (metric === 'events' || metric === 'failures' || metric === 'compensations') {
          summary[metric][key] = Number(value);
        }
      }
      for (const s of steps) {
        summary.stepDurations[s.step] = {
          count: Number(s.count),
          averageMs: Math.round(Number(s.total_ms) / Number(s.count)),
          maxMs: Number(s.max_ms),
        };
      }
      return summary;
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Opens (and, unless read-only on PostgreSQL, migrates) the analytics database: schema `analytics`. */
export const openAnalyticsReadModel = rebuildableStoreOpener(
  AnalyticsStore,
  'analytics',
  analyticsMigrations,
  analyticsProjection,
);

function emptySummary(): AnalyticsFigures {
  return {
    events: {},
    orders: { total: 0, byStatus: {} },
    revenue: {},
    failures: {},
    compensations: {},
    stepDurations: {},
    eventsProcessed: 0,
  };
}
