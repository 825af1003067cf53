// A recording EventPublisher for tests: what was published, in order, duplicates included; can be told to fail.
import type { EventName } from '../../src/events/catalogue.js';
import type { EventEnvelope, OutgoingEvent } from '../../src/events/envelope.js';
import type { EventPublisher } from '../../src/events/publisher.js';

/**
 * Records every publish call in order, duplicates included, so tests can assert what was sent (and that
 * a retry re-sent the same ID). Not a broker: nothing is delivered anywhere. `failNext` makes the next
 * publish reject, to exercise "committed locally, publish failed, activity retried".
 */
export class MemoryEventPublisher implements EventPublisher {
  readonly published: EventEnvelope[] = [];
  /** The name each of `published` was published under, index for index. */
  private readonly names: EventName[] = [];
  private failures: Error[] = [];
  private outage: ((event: OutgoingEvent) => boolean) | undefined;

  publish(event: OutgoingEvent): Promise<void> {
    if (this.outage?.(event)) return Promise.reject(new Error(`publish of ${event.name} failed (injected outage)`));
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.published.push(event.envelope);
    this.names.push(event.name);
    return Promise.resolve();
  }

  /** The recorded envelopes of one event name, narrowed to its payload type. */
  ofName<N extends EventName>(name: N): EventEnvelope<N>[] {
    return this.published.filter((e, i): e is EventEnvelope<N> => this.names[i] === name);
  }

  failNext(error: Error = new Error('publish failed (injected)')): void {
    this.failures.push(error);
  }

  /** Fails every publish `affected` picks, as a broker that stays down for it would, until `endOutage`. */
  failWhile(affected: (event: OutgoingEvent) => boolean): void {
    this.outage = affected;
  }

  endOutage(): void {
    this.outage = undefined;
  }

  clear(): void {
    this.published.length = 0;
    this.names.length = 0;
    this.failures = [];
    this.outage = undefined;
  }
}
