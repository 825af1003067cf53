// The one order of an order's events that every consumer uses: the workflow's sequence, and for events without one their stream position.

/** What the ordering needs of an event: its envelope's `ordersequence` and `ordertime`, when it has them. */
export interface SequencedEvent {
  envelope: { ordersequence?: number; ordertime?: number };
}

/**
 * Sequenced events rank above this; stream positions (sequences of one stream, which start at 1 and never come
 * near 2^48) rank below it. Kept below 2^53 so a position is an exact JavaScript number, and stored in `bigint`
 * columns on PostgreSQL.
 */
export const sequencedBase = 2 ** 48;

/**
 * Each millisecond of `ordertime` spans this many ranks, in which `ordersequence` orders the calls of one instant
 * (the calls of one workflow task share its time).
 */
export const ranksPerMillisecond = 1024;

/** The latest `ordertime` whose rank is still an exact JavaScript number (epoch ms, in the year 2248). */
export const maxOrderTime = Math.floor((Number.MAX_SAFE_INTEGER - sequencedBase) / ranksPerMillisecond) - 1;

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
 * A workflow reset starts a new run that numbers its calls from 1 again, so the sequence alone would rank the new
 * run's events below the old run's (an old OrderCancelled at 6 above the new run's OrderFailed at 3). The workflow
 * therefore also stamps each call with its clock (`ordertime`, epoch ms), and a numbered event ranks by that time
 * first and by its sequence within the same millisecond: every call of the new run is made after every call of the
 * run it replaced, while within a run both only grow. A sequence past `ranksPerMillisecond` reaches into the next
 * millisecond's ranks, which stays in order as long as a run makes fewer than 1024 calls per millisecond of its life
 * (it makes one per workflow task, at most a few). Events with a sequence but no time (runs started before the time
 * existed) rank as at time 0: below every timed one, as they happened before it.
 *
 * Projections keep "the latest" of a field by comparing this rank; the API's event stream and the consistency checks
 * order by it. Nothing may order an order's events by stream position directly.
 */
export function orderPosition(event: SequencedEvent, streamPosition: number): number {
  const { ordersequence: sequence, ordertime: time = 0 } = event.envelope;
  return sequence === undefined ? streamPosition : sequencedBase + time * ranksPerMillisecond + sequence;
}

/** Sorts one order's events into saga order (stable: equal ranks keep their given order). */
export function inSagaOrder<E extends SequencedEvent>(events: readonly { event: E; streamPosition: number }[]): E[] {
  return [...events]
    .sort((a, b) => orderPosition(a.event, a.streamPosition) - orderPosition(b.event, b.streamPosition))
    .map((e) => e.event);
}
