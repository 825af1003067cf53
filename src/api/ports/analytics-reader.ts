// Port: the aggregate figures the analytics read model keeps.
import type { Money } from '../../shared/order.js';

/** Counters are since the analytics database was created; money is per currency, never summed across. */
export interface AnalyticsSummary {
  /** Orders seen per current status, e.g. `{ COMPLETED: 12, FAILED: 3 }`. */
  ordersByStatus: Record<string, number>;
  /** Revenue of completed orders, one entry per currency. */
  revenue: Money[];
  /** Why orders failed or were cancelled, by failure code, e.g. `{ PaymentDeclined: 2 }`. */
  failuresByReason: Record<string, number>;
  /** Domain events the subscriber has applied; lets an operator see it is keeping up. */
  eventsProcessed: number;
  /** When the last event was applied; absent before the first. */
  updatedAt?: string;
}

/** Implemented over the analytics read model's store, SQLite or PostgreSQL (src/api/adapters/analytics-reader.ts). */
export interface AnalyticsReader {
  summary(): Promise<AnalyticsSummary>;
}
