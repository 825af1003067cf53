// The port through which services publish domain events.
import type { OutgoingEvent } from './envelope.js';

/**
 * Publishes one event to its subject. Implementations must resolve only once the broker has accepted the event
 * and should de-duplicate on `event.envelope.id`: activities republish the same envelope when they are retried.
 */
export interface EventPublisher {
  publish(event: OutgoingEvent): Promise<void>;
}
