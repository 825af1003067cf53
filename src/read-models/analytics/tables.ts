// Row types of the analytics read model.
import type { ReadModelBaseTables } from '../generation.js';

/** Each order's latest status, for "orders by status". */
export interface AnalyticsOrdersTable {
  generation: number;
  order_id: string;
  status: string | null;
  status_position: number;
}

/** When an order reached each step (first occurrence), for step durations. */
export interface AnalyticsEventTimesTable {
  generation: number;
  order_id: string;
  event_name: string;
  at: string;
}

/**
 * Additive counters, keyed by metric and key: `events/<EventName>`, `captured/<currency>`,
 * `refunded/<currency>`, `failures/<EventName>:<code>`, `compensations/<EventName>`.
 */
export interface AnalyticsCountersTable {
  generation: number;
  metric: string;
  key: string;
  value: number;
}

export interface AnalyticsStepDurationsTable {
  generation: number;
  step: string;
  count: number;
  total_ms: number;
  max_ms: number;
}

export interface AnalyticsTables extends ReadModelBaseTables {
  analytics_orders: AnalyticsOrdersTable;
  analytics_event_times: AnalyticsEventTimesTable;
  analytics_counters: AnalyticsCountersTable;
  analytics_step_durations: AnalyticsStepDurationsTable;
}
