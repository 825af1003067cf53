// Publishes domain events to the ORDERS stream with JetStream de-duplication on the event ID.
import { jetstream } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import type { OutgoingEvent } from '../envelope.js';
import type { EventPublisher } from '../publisher.js';
import { EventPublishError } from './errors.js';
import { ORDERS_STREAM } from './topology.js';

export interface JetStreamPublisherOptions {
  /** How long to wait for the stream's acknowledgement before failing the publish. */
  timeoutMs: number;
  /** The stream that must store the event; a publish captured by another stream is an error. */
  stream?: string;
}

/**
 * The production `EventPublisher`. Resolves only on the stream's PubAck, so an activity that returns has
 * really recorded its event. The envelope `id` is the `Nats-Msg-Id`: a retried activity republishes the same
 * ID and the stream drops the copy (the ack says `duplicate`), which makes the publish effectively-once.
 *
 * Never hangs: while NATS is down the client queues the request and the timeout fails it, so the activity
 * is retried by Temporal. A request queued that way may still reach the server after it reconnects; that
 * copy is also dropped by the duplicate window.
 */
export class JetStreamEventPublisher implements EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    private readonly options: JetStreamPublisherOptions,
  ) {
    this.js = jetstream(nc, { timeout: options.timeoutMs });
  }

  async publish({ subject, envelope }: OutgoingEvent): Promise<void> {
    const h = headers();
    h.set('Content-Type', 'application/cloudevents+json');
    h.set('Ce-Type', envelope.type);
    try {
      await this.js.publish(subject, JSON.stringify(envelope), {
        msgID: envelope.id,
        timeout: this.options.timeoutMs,
        headers: h,
        expect: { streamName: this.options.stream ?? ORDERS_STREAM },
      });
    } catch (cause) {
      throw new EventPublishError(subject, envelope.id, { cause });
    }
  }
}
