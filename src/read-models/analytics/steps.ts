// The saga steps whose durations analytics measures, each from one event to the next.
import type { EventName } from '../../events/catalogue.js';

export interface MeasuredStep {
  step: string;
  from: EventName;
  to: EventName;
}

/**
 * Measured between event times, so they include queueing and retries: what a customer waits, not CPU
 * time. Each endpoint is published once per order, so each pair is counted once.
 */
export const measuredSteps: readonly MeasuredStep[] = [
  { step: 'payment', from: 'OrderCreated', to: 'PaymentProcessed' },
  { step: 'inventory', from: 'PaymentProcessed', to: 'InventoryUpdated' },
  { step: 'shipping', from: 'InventoryUpdated', to: 'OrderShipped' },
  { step: 'completion', from: 'OrderShipped', to: 'OrderCompleted' },
  { step: 'order', from: 'OrderCreated', to: 'OrderCompleted' },
];

export const timedEvents: ReadonlySet<string> = new Set(measuredSteps.flatMap((s) => [s.from, s.to]));
