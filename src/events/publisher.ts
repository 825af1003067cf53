// The port the outbox relays publish through, and the message it takes: an event exactly as it goes on the wire.
import type { OutgoingEvent } from './envelope.js';

/**
 * One event as the stream receives it, fixed when it is written to a service's outbox, so the relay publishes what
 * was committed without re-deriving anything: `id` is the event ID (the `Nats-Msg-Id`), `payload` the envelope's JSON.
 */
export interface EventMessage {
  id: string;
  /** `orders.<orderId>.<EventName>`. */
  subject: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Publishes one message to its subject. Implementations must resolve only once the broker has stored it, and must
 * de-duplicate on `id`: a relay that lost the acknowledgement publishes the same message again.
 */
export interface EventPublisher {
  publish(message: EventMessage): Promise<void>;
}

/** The headers every event carries besides its message ID: what it is, so a reader can tell without parsing it. */
export function eventHeaders(event: OutgoingEvent): Record<string, string> {
  return { 'Content-Type': 'application/cloudevents+json', 'Ce-Type': event.envelope.type };
}

/** The message of a freshly built event. */
export function eventMessage(event: OutgoingEvent): EventMessage {
  return {
    id: event.envelope.id,
    subject: event.subject,
    payload: JSON.stringify(event.envelope),
    headers: eventHeaders(event),
  };
}
