// What every activity factory is given: a clock, and a service's own store (whose outbox carries the events).
import type { Clock } from './clock.js';

/** Passed in rather than imported, so workers wire the real store and tests a pinned clock. */
export interface ActivityDeps {
  /** Defaults to the system clock; tests pin it so stored timestamps are predictable. */
  clock?: Clock;
}

/**
 * A service's activities also get the store that owns its local transactions. They never publish: each effect's
 * events go into the store's outbox with the effect, and the service's relay publishes them.
 */
export interface ServiceActivityDeps<Store> extends ActivityDeps {
  store: Store;
}
