// The one order of an order's events that every consumer uses: the workflow's sequence, and for events without one their stream position.

/** What the ordering needs of an event: its envelope's `ordersequence`, when it has one. */
export interface SequencedEvent {
  envelope: { ordersequence?: number };
}

/**
 * Sequenced events rank above this; stream positions (sequences of one stream, which start at 1 and never come
 * near 2^48) rank below it. Kept below 2^53 so a position is an exact JavaScript number, and stored in `bigint`
 * columns on PostgreSQL.
 */
export const sequencedBase = 2 ** 48;

/**
 * The event's rank among the events of its order: the higher, the later it happened in the saga.
 *
 * Each service's outbox relay publishes on its own, so after an outage the stream can hold an order's events out of
 * saga order; the workflow therefore numbers every event it causes (`ordersequence`, its position in the saga) and
 * that number orders them. Events of runs that started before the numbering existed carry none: they were published
 * in saga order by the activities themselves, after each commit, and before any numbered event of the same order
 * (a run that is upgraded mid-way numbers only its later steps). So an unnumbered event ranks by its stream position
 * (`streamPosition`: the stream sequence, or for a re-driven copy its original's), below every numbered one.
 *
 * Projections keep "the latest" of a field by comparing this rank; the API's event stream and the consistency checks
 * order by it. Nothing may order an order's events by stream position directly.
 */
export function orderPosition(event: SequencedEvent, streamPosition: number): number {
  const sequence = event.envelope.ordersequence;
  return sequence === undefined ? streamPosition : sequencedBase + sequence;
}

/** Sorts one order's events into saga order (stable: equal ranks keep their given order). */
export function inSagaOrder<E extends SequencedEvent>(events: readonly { event: E; streamPosition: number }[]): E[] {
  return [...events]
    .sort((a, b) => orderPosition(a.event, a.streamPosition) - orderPosition(b.event, b.streamPosition))
    .map((e) => e.event);
}
