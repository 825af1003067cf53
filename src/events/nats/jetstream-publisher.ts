// Publishes domain events to the ORDERS stream with JetStream de-duplication on the event ID.
import { jetstream } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import type { EventMessage, EventPublisher } from '../publisher.js';
import { EventPublishError } from './errors.js';
import { ORDERS_STREAM } from './topology.js';

export interface JetStreamPublisherOptions {
  /** How long to wait for the stream's acknowledgement before failing the publish. */
  timeoutMs: number;
  /** The stream that must store the event; a publish captured by another stream is an error. */
  stream?: string;
}

/**
 * The production `EventPublisher`, which the outbox relays publish through. Resolves only on the stream's PubAck,
 * so a row marked sent is really stored. The event ID is the `Nats-Msg-Id`: a relay that publishes a row again (its
 * acknowledgement was lost, or two relays raced) sends the same ID and the stream drops the copy (the ack says
 * `duplicate`), which makes the publish effectively-once.
 *
 * Never hangs: while NATS is down the client queues the request and the timeout fails it, so the relay backs off and
 * tries again. A request queued that way may still reach the server after it reconnects; that copy is also dropped
 * by the duplicate window.
 */
export class JetStreamEventPublisher implements EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    private readonly options: JetStreamPublisherOptions,
  ) {
    this.js = jetstream(nc, { timeout: options.timeoutMs });
  }

  async publish({ id, subject, payload, headers: values }: EventMessage): Promise<void> {
    const h = headers();
    for (const [name, value] of Object.entries(values)) h.set(name, value);
    try {
      await this.js.publish(subject, payload, {
        msgID: id,
        timeout: this.options.timeoutMs,
        headers: h,
        expect: { streamName: this.options.stream ?? ORDERS_STREAM },
      });
    } catch (cause) {
      throw new EventPublishError(subject, id, { cause });
    }
  }
}
