// A recording EventPublisher for tests: what was published, in order, duplicates included; can be told to fail.
import type { EventName } from '../../src/events/catalogue.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { EventMessage, EventPublisher } from '../../src/events/publisher.js';

/**
 * Records every publish call in order, duplicates included, so tests can assert what an outbox relay sent (and that
 * a retry re-sent the same ID). Not a broker: nothing is delivered anywhere. `failNext` makes the next publish
 * reject, to exercise "the stream did not acknowledge, the row stays pending".
 */
export class MemoryEventPublisher implements EventPublisher {
  readonly published: EventEnvelope[] = [];
  /** The message each of `published` came in, index for index. */
  readonly messages: EventMessage[] = [];
  private failures: Error[] = [];

  publish(message: EventMessage): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.published.push(JSON.parse(message.payload) as EventEnvelope);
    this.messages.push(message);
    return Promise.resolve();
  }

  /** The recorded envelopes of one event name (the last token of the subject), narrowed to its payload type. */
  ofName<N extends EventName>(name: N): EventEnvelope<N>[] {
    return this.published.filter(
      (e, i): e is EventEnvelope<N> => this.messages[i]?.subject.endsWith(`.${name}`) === true,
    );
  }

  failNext(error: Error = new Error('publish failed (injected)')): void {
    this.failures.push(error);
  }

  clear(): void {
    this.published.length = 0;
    this.messages.length = 0;
    this.failures = [];
  }
}
