// What every activity factory is given: the event publisher and a clock, and a service's own store.
import type { EventPublisher } from '../events/publisher.js';
import type { Clock } from './clock.js';

/** Passed in rather than imported, so workers wire the real publisher and tests a recording one. */
export interface ActivityDeps {
  publisher: EventPublisher;
  /** Defaults to the system clock; tests pin it so stored timestamps are predictable. */
  clock?: Clock;
}

/** A service's activities also get the store that owns its local transactions. */
export interface ServiceActivityDeps<Store> extends ActivityDeps {
  store: Store;
}
