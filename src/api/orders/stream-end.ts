// When an order's event stream may end: after its terminal event and every event before it by sequence, or after a grace.
import type { ParsedEvent } from '../../events/envelope.js';

/** Events after which nothing more happens to the order. */
export const terminalEvents: ReadonlySet<string> = new Set(['OrderCompleted', 'OrderFailed', 'OrderCancelled']);

/**
 * Follows what the stream has sent of one order. Each service's outbox relay publishes on its own, so a service's
 * event can reach the stream after the order's terminal event (its relay was behind); the terminal event's
 * `ordersequence` says how many calls came before it, so the stream stays open until every earlier sequence has been
 * sent. A sequence can stay missing for good (a call that announced nothing: nothing to undo, an address refused),
 * hence the caller's bounded grace. A terminal event without a sequence (a run from before the sequence) was
 * published after everything else of its order, as before: the stream ends with it.
 */
export class StreamEnd {
  private readonly sentSequences = new Set<number>();
  private terminal: ParsedEvent | undefined;

  /** True once the terminal event was sent. */
  get terminalSent(): boolean {
    return this.terminal !== undefined;
  }

  /** Whether `event` belongs in the stream: after the terminal event, only the earlier events still missing. */
  wanted(event: ParsedEvent): boolean {
    if (this.terminal === undefined) return true;
    const limit = this.terminal.envelope.ordersequence;
    const sequence = event.envelope.ordersequence;
    return limit !== undefined && sequence !== undefined && sequence < limit && !this.sentSequences.has(sequence);
  }

  /** Notes an event as sent. */
  sent(event: ParsedEvent): void {
    const sequence = event.envelope.ordersequence;
    if (sequence !== undefined) this.sentSequences.add(sequence);
    if (this.terminal === undefined && terminalEvents.has(event.name)) this.terminal = event;
  }

  /** Nothing more to wait for: the terminal event and every sequence before it have been sent. */
  get complete(): boolean {
    if (this.terminal === undefined) return false;
    const limit = this.terminal.envelope.ordersequence;
    if (limit === undefined) return true;
    for (let sequence = 1; sequence < limit; sequence++) if (!this.sentSequences.has(sequence)) return false;
    return true;
  }
}
