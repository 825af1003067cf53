// Follows one order's events on the stream, stored ones first then live ones, for the API's event stream.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { orderSubjects } from '../../events/catalogue.js';
import { parseEnvelope } from '../../events/envelope.js';
import type { ParsedEvent } from '../../events/envelope.js';
import { ORDERS_STREAM } from '../../events/nats/topology.js';
import type { EventHistory } from '../ports/event-history.js';

/**
 * An ordered consumer per follower, filtered on `orders.<orderId>.>` from the start of the stream: ephemeral,
 * unacknowledged, and gone from the server once closed. Copies of an event (a re-drive republishes the same
 * event ID) are yielded once; messages that fail validation are skipped (subscribers dead-letter them).
 */
export function jetStreamEventHistory(nc: NatsConnection): EventHistory {
  return {
    follow: (orderId, signal) => followOrder(nc, orderId, signal),
    recorded: (orderId, limit) => recordedEvents(nc, orderId, limit),
  };
}

/** How long `recorded` waits for a first message before deciding the order has none stored. */
const firstMessageMs = 1_500;

/**
 * The same ordered consumer, read until the stream says nothing is pending after the message in hand (or `limit`);
 * an order with no stored event delivers nothing at all, hence the bounded wait for the first one.
 */
async function recordedEvents(nc: NatsConnection, orderId: string, limit: number): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  const consumer = await jetstream(nc).consumers.get(ORDERS_STREAM, {
    filter_subjects: [orderSubjects(orderId)],
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  const quiet = setTimeout(() => void messages.close(), firstMessageMs);
  const seen = new Set<string>();
  try {
    for await (const m of messages) {
      clearTimeout(quiet);
      try {
        const event = parseEnvelope(m.data);
        if (!seen.has(event.envelope.id)) {
          seen.add(event.envelope.id);
          events.push(event);
        }
      } catch {
        // Not a valid event: the subscribers dead-letter it; nothing to show.
      }
      if (m.info.pending === 0 || events.length >= limit) break;
    }
  } finally {
    clearTimeout(quiet);
    await messages.close();
  }
  return events;
}

async function* followOrder(nc: NatsConnection, orderId: string, signal: AbortSignal): AsyncGenerator<ParsedEvent> {
  if (signal.aborted) return;
  const consumer = await jetstream(nc).consumers.get(ORDERS_STREAM, {
    filter_subjects: [orderSubjects(orderId)],
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  const stop = () => void messages.close();
  signal.addEventListener('abort', stop, { once: true });
  // The client may have gone while the consumer was being created: the listener above came too late for that.
  if (signal.aborted) stop();
  const seen = new Set<string>();
  try {
    for await (const m of messages) {
      let event: ParsedEvent;
      try {
        event = parseEnvelope(m.data);
      } catch {
        continue;
      }
      if (seen.has(event.envelope.id)) continue;
      seen.add(event.envelope.id);
      yield event;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}
