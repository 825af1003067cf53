// Durable pull consumers declared in code: the service's event consumer and its dead-letter forwarder.
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, ReplayPolicy } from '@nats-io/jetstream';
import type { ConsumerConfig, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { TopologyError } from '../nats/errors.js';
import type { EventSettings } from '../nats/settings.js';
import { ADVISORY_STREAM, maxDeliveriesAdvisorySubject, ORDERS_STREAM } from '../nats/topology.js';

type DurableConfig = Partial<ConsumerConfig> & Pick<ConsumerConfig, 'ack_policy'> & { durable_name: string };

/**
 * A service's durable on the event log. Every instance of the service pulls from the same durable, so each
 * event goes to exactly one of them. Explicit acks; `ack_wait` bounds how long a crashed or hung instance
 * holds an event; `max_deliver` bounds the retries. No server-side `backoff`: the server would replace
 * `ack_wait` with its first entry and stretch `nak` delays by it; handler failures are spaced by the
 * subscriber's own `nak(delay)` instead (see docs/events.md).
 */
export function eventConsumerConfig(
  consumer: string,
  filterSubjects: string[],
  settings: EventSettings,
): DurableConfig {
  return {
    durable_name: consumer,
    description: `order-saga ${consumer} subscriber`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: 1_000,
    filter_subjects: filterSubjects,
  };
}

/** The durable that turns the service's max-deliveries advisories into dead letters; retried without limit. */
export function deadLetterForwarderConfig(consumer: string, settings: EventSettings): DurableConfig {
  return {
    durable_name: deadLetterForwarderName(consumer),
    description: `dead-letters the events ${consumer} gave up on`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    filter_subjects: [maxDeliveriesAdvisorySubject(ORDERS_STREAM, consumer)],
  };
}

export function deadLetterForwarderName(consumer: string): string {
  return `${consumer}-dead-letters`;
}

/** Creates the durable or brings it to `config`; any instance may call it on start. */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: DurableConfig): Promise<void> {
  const name = config.durable_name;
  const exists = await jsm.consumers.info(stream, name).then(
    () => true,
    (error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
      throw error;
    },
  );
  try {
    if (!exists) {
      await jsm.consumers.add(stream, config);
    } else {
      const { description, ack_wait, max_deliver, max_ack_pending, filter_subjects } = config;
      await jsm.consumers.update(stream, name, {
        description,
        ack_wait,
        max_deliver,
        max_ack_pending,
        filter_subjects,
      });
    }
  } catch (cause) {
    throw new TopologyError(`consumer ${stream} > ${name}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** Both durables of one subscribing service. */
export async function ensureSubscriberConsumers(
  jsm: JetStreamManager,
  consumer: string,
  filterSubjects: string[],
  settings: EventSettings,
): Promise<void> {
  await ensureConsumer(jsm, ORDERS_STREAM, eventConsumerConfig(consumer, filterSubjects, settings));
  await ensureConsumer(jsm, ADVISORY_STREAM, deadLetterForwarderConfig(consumer, settings));
}
