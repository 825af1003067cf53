// Reads the events the activities wrote to their stores' outboxes, in saga order: what the relays will publish.
import type { EventName } from '../../src/events/catalogue.js';
import { parseEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { inSagaOrder } from '../../src/events/order-sequence.js';
import type { Outbox } from '../../src/events/outbox/outbox.js';

/** A snapshot of outbox rows as envelopes, each validated against the catalogue as a subscriber would. */
export interface OutboxSnapshot {
  published: EventEnvelope[];
  names: EventName[];
  ofName<N extends EventName>(name: N): EventEnvelope<N>[];
}

/**
 * Every row of the given outboxes (one order's with `orderId`), in saga order: by `ordersequence`, and for events
 * without one by when they were written (within one outbox). Each event ID appears once: the outbox key.
 */
export async function outboxEvents(stores: readonly { outbox: Outbox }[], orderId?: string): Promise<OutboxSnapshot> {
  const rows = (await Promise.all(stores.map((s) => s.outbox.list(orderId === undefined ? {} : { orderId })))).flat();
  rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const parsed = inSagaOrder(rows.map((row, i) => ({ event: parseEnvelope(row.envelope), streamPosition: i + 1 })));
  return {
    published: parsed.map((p) => p.envelope),
    names: parsed.map((p) => p.name),
    ofName<N extends EventName>(name: N): EventEnvelope<N>[] {
      return parsed.filter((p) => p.name === name).map((p) => p.envelope as EventEnvelope<N>);
    },
  };
}
