// A subscriber's gauges (its durable's pending and redelivered events, its dead letters, its inbox), read at each scrape.
import type { JetStreamManager } from '@nats-io/jetstream';
import { DEAD_LETTER_STREAM, ORDERS_STREAM } from '../events/nats/topology.js';
import { consumerAckPending, consumerPending, consumerRedelivered, deadLetters, inboxSize } from './series.js';

export interface SubscriptionSources {
  jsm: JetStreamManager;
  /** The durable consumer's name (also its dead letters' subject part). */
  consumer: string;
  /** Rows in the service's inbox, when it keeps one. */
  inboxSize?: () => Promise<number>;
}

/**
 * Competing instances share the durable, so each reports the same consumer info; alerts and dashboards take `max`
 * by consumer. Adds the sources to the process's gauges; the returned function removes them.
 */
export function sampleSubscription({ jsm, consumer, inboxSize: countInbox }: SubscriptionSources): () => void {
  let reading: ReturnType<JetStreamManager['consumers']['info']> | undefined;
  const info = () =>
    (reading ??= jsm.consumers.info(ORDERS_STREAM, consumer).finally(() => {
      setImmediate(() => (reading = undefined));
    }));
  const labels = { consumer };
  const removers = [
    consumerPending.add(async (sample) => sample(labels, (await info()).num_pending)),
    consumerAckPending.add(async (sample) => sample(labels, (await info()).num_ack_pending)),
    consumerRedelivered.add(async (sample) => sample(labels, (await info()).num_redelivered)),
    deadLetters.add(async (sample) => {
      const stream = await jsm.streams.info(DEAD_LETTER_STREAM, { subjects_filter: `dlq.${consumer}.>` });
      const counts = Object.values(stream.state.subjects ?? {});
      sample(
        labels,
        counts.reduce((sum, n) => sum + n, 0),
      );
    }),
    ...(countInbox ? [inboxSize.add(async (sample) => sample(labels, await countInbox()))] : []),
  ];
  return () => removers.forEach((remove) => remove());
}
