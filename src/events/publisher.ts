// The port through which services publish domain events, and an in-memory recorder for tests and dev.
import type { EventName } from './catalogue.js';
import type { EventEnvelope } from './envelope.js';

/**
 * Publishes one envelope. Implementations must resolve only once the broker has accepted the event and
 * should de-duplicate on `envelope.id`: activities republish the same envelope when they are retried.
 */
export interface EventPublisher {
  publish(envelope: EventEnvelope): Promise<void>;
}

/**
 * Records every publish call in order, duplicates included, so tests can assert what was sent (and that
 * a retry re-sent the same ID). Not a broker: nothing is delivered anywhere. `failNext` makes the next
 * publish reject, to exercise "committed locally, publish failed, activity retried".
 */
export class MemoryEventPublisher implements EventPublisher {
  readonly published: EventEnvelope[] = [];
  private failures: Error[] = [];

  publish(envelope: EventEnvelope): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.published.push(envelope);
    return Promise.resolve();
  }

  /** The recorded envelopes of one event name, narrowed to its payload type. */
  ofName<N extends EventName>(name: N): EventEnvelope<N>[] {
    const type = `com.ordersaga.${name}.`;
    return this.published.filter((e): e is EventEnvelope<N> => e.type.startsWith(type));
  }

  failNext(error: Error = new Error('publish failed (injected)')): void {
    this.failures.push(error);
  }

  clear(): void {
    this.published.length = 0;
    this.failures = [];
  }
}
