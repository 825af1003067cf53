// Port: an order's domain events, past then live, for the Server-Sent Events stream and the console's order page.
import type { ParsedEvent } from '../../events/envelope.js';

/**
 * Implemented with a JetStream ordered consumer filtered on `orders.<orderId>.>` from the start of the
 * stream (deliver policy all): it yields the stored events in order, then keeps yielding new ones as they
 * are published. The iteration ends when `signal` aborts (the client went away, or the API has seen the
 * order's terminal event and stopped reading); the implementation must then release its consumer.
 * Duplicates must not be yielded (the stream's de-duplication window already drops republished IDs). Each
 * event comes parsed, with its name, as the subscribers see it.
 */
export interface EventHistory {
  follow(orderId: string, signal: AbortSignal): AsyncIterable<ParsedEvent>;
  /**
   * The events stored so far, in the order the stream holds them, without waiting for more (at most `limit`):
   * the console's order page shows them once, where the event stream would stay open.
   */
  recorded(orderId: string, limit: number): Promise<ParsedEvent[]>;
}
