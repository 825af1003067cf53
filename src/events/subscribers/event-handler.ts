// What a subscriber plugs into the consume loop: its durable name, the subjects it wants, and the handler.
import type { ParsedEvent } from '../envelope.js';

/** Where a delivered event sits in the stream and how often it has been delivered. */
export interface EventMeta {
  consumer: string;
  stream: string;
  /** This message's stream sequence. */
  streamSeq: number;
  /**
   * The event's place in the stream's order: its stream sequence, or for a re-driven copy the original's.
   * Projections that keep "the latest" compare positions, so out-of-order handling by competing instances
   * and late re-drives converge to the same state as an in-order replay.
   */
  position: number;
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/**
 * One service's reaction to events. `handle` must be idempotent on `event.envelope.id` (write the inbox row
 * in the same transaction as the effect) and throw to have the event redelivered later.
 */
export interface EventHandler {
  /** The durable consumer name, shared by every instance of the service; also its inbox scope. */
  readonly consumer: string;
  /** Server-side filter: only these subjects are delivered (wildcards allowed). */
  readonly filterSubjects: string[];
  handle(event: ParsedEvent, meta: EventMeta): Promise<void>;
}
