// The API's analytics port over the analytics read model.
import type { AnalyticsStore } from '../../read-models/analytics/store.js';
import type { AnalyticsReader } from '../ports/analytics-reader.js';

/** Order-level reasons only, so a declined payment is one failure, not PaymentFailed plus OrderFailed. */
const orderOutcomes = ['OrderFailed:', 'OrderCancelled:'];

/**
 * The port's summary: orders by status, net revenue per currency (captured minus refunded, which is what
 * completed orders brought in), why orders failed or were cancelled, and how current the model is.
 */
export function analyticsReaderPort(store: AnalyticsStore): AnalyticsReader {
  return {
    async summary() {
      const s = await store.summary();
      const failuresByReason: Record<string, number> = {};
      for (const [key, count] of Object.entries(s.failures)) {
        const prefix = orderOutcomes.find((p) => key.startsWith(p));
        if (prefix === undefined) continue;
        const code = key.slice(prefix.length);
        failuresByReason[code] = (failuresByReason[code] ?? 0) + count;
      }
      return {
        ordersByStatus: s.orders.byStatus,
        revenue: Object.entries(s.revenue).map(([currency, money]) => ({ amount: money.net, currency })),
        failuresByReason,
        eventsProcessed: s.eventsProcessed,
        ...(s.updatedAt === undefined ? {} : { updatedAt: s.updatedAt }),
      };
    },
  };
}
