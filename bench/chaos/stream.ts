// Reads every event the ORDERS stream holds, in stream order, for the checker; and how many dead letters there are.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_STREAM, ORDERS_STREAM } from '../../src/events/nats/topology.js';

/** One stored event, as much of it as the checker reads. */
export interface StoredEvent {
  seq: number;
  /** From the subject `orders.<orderId>.<EventName>`. */
  orderId: string;
  name: string;
  /** The CloudEvents `id` (the `Nats-Msg-Id` the broker de-duplicates on). */
  id: string;
  /**
   * The order's own sequence number for the event, set by the workflow, when the event carries one (an envelope
   * extension `sequence`, or `data.sequence`): the order the events of one order must be read in.
   */
  sequence?: number;
  data: Record<string, unknown>;
}

export interface StreamContents {
  events: StoredEvent[];
  /** Messages in the dead-letter stream: events some subscriber gave up on. */
  deadLetters: number;
}

/** Reads the whole stream with an ordered consumer (nothing left on the server afterwards). */
export async function readStream(nc: NatsConnection, idleTimeoutMs = 10_000): Promise<StreamContents> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(ORDERS_STREAM);
  const last = info.state.last_seq;
  const events: StoredEvent[] = [];
  if (info.state.messages > 0) {
    const consumer = await jetstream(nc).consumers.get(ORDERS_STREAM, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume({ max_messages: 512 });
    const iterator = messages[Symbol.asyncIterator]();
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no event from ${ORDERS_STREAM} for ${idleTimeoutMs} ms`)),
            idleTimeoutMs,
          );
        });
        const item = await Promise.race([iterator.next(), idle]).finally(() => clearTimeout(timer));
        if (item.done) break;
        events.push(toEvent(item.value));
        if (item.value.info.streamSequence >= last) break;
      }
    } finally {
      // Read with `next()`, not `for await`: ending the iterator is what lets `close()` settle.
      const closing = messages.close();
      await iterator.return?.();
      await closing;
    }
  }
  const dlq = await jsm.streams.info(DEAD_LETTER_STREAM).catch(() => undefined);
  return { events, deadLetters: dlq?.state.messages ?? 0 };
}

function toEvent(m: JsMsg): StoredEvent {
  const [, orderId = '', name = ''] = m.subject.split('.');
  let envelope: { id?: unknown; ordersequence?: unknown; data?: unknown } = {};
  try {
    envelope = m.json();
  } catch {
    // Not JSON: counted with its subject, its payload unread.
  }
  const data = (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : {}) as Record<
    string,
    unknown
  >;
  // The workflow's number for the event within its order (src/events/envelope.ts), absent on 0.1.0 runs.
  const sequence = typeof envelope.ordersequence === 'number' ? envelope.ordersequence : undefined;
  return {
    seq: m.info.streamSequence,
    orderId,
    name,
    id: typeof envelope.id === 'string' ? envelope.id : '',
    ...(sequence === undefined ? {} : { sequence }),
    data,
  };
}
