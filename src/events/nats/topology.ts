// The streams and durable consumers declared in code and applied idempotently: the event log, its dead letters,
// captured advisories (once per process, at start-up), and each subscribing service's two durables.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { ConsumerConfig, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { TopologyError } from './errors.js';
import type { EventSettings } from './settings.js';

/** The event log: every domain event, subject `orders.<orderId>.<EventName>` (see `eventSubject`). */
export const ORDERS_STREAM = 'ORDERS';
export const ORDERS_SUBJECTS = 'orders.>';
/** Dead letters: subject `dlq.<consumer>.<original subject>`, so one consumer's failures can be viewed alone. */
export const DEAD_LETTER_STREAM = 'ORDERS_DLQ';
export const DEAD_LETTER_SUBJECTS = 'dlq.>';
/** The server's max-deliveries advisories for consumers of the event log, kept so none is lost while no subscriber runs. */
export const ADVISORY_STREAM = 'ORDERS_ADVISORIES';

/** Every stream `streamDeclarations` declares, by name. */
export const eventStreams = [ORDERS_STREAM, DEAD_LETTER_STREAM, ADVISORY_STREAM] as const;

/** The subject the server announces a message that exhausted a consumer's deliveries on. */
export function maxDeliveriesAdvisorySubject(stream: string, consumer: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`;
}

type StreamDeclaration = Pick<StreamConfig, 'name' | 'subjects' | 'retention' | 'storage'> & Partial<StreamConfig>;

/**
 * The three streams. File storage and limits retention everywhere: the event log is kept for `maxAge`
 * whoever has read it, so a read model can be rebuilt by replaying it. The duplicate window bounds how
 * late a retried activity may republish an event and still be dropped as a copy (see docs/events.md).
 * Dead letters have no age limit: they wait for an operator's re-drive.
 */
export function streamDeclarations(settings: EventSettings): StreamDeclaration[] {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: settings.replicas,
    allow_direct: true,
  } as const;
  return [
    {
      ...common,
      name: ORDERS_STREAM,
      description: 'order-saga domain events, orders.<orderId>.<EventName>',
      subjects: [ORDERS_SUBJECTS],
      max_age: nanos(settings.maxAgeMs),
      duplicate_window: nanos(Math.min(settings.duplicateWindowMs, settings.maxAgeMs)),
    },
    {
      ...common,
      name: DEAD_LETTER_STREAM,
      description: 'events a subscriber could not handle, dlq.<consumer>.<original subject>',
      subjects: [DEAD_LETTER_SUBJECTS],
      max_age: 0,
      duplicate_window: nanos(settings.duplicateWindowMs),
    },
    {
      ...common,
      name: ADVISORY_STREAM,
      description: `max-deliveries advisories of the ${ORDERS_STREAM} consumers, turned into dead letters`,
      subjects: [maxDeliveriesAdvisorySubject(ORDERS_STREAM, '*')],
      max_age: nanos(settings.maxAgeMs),
    },
  ];
}

/**
 * Creates each stream, or updates it to the declaration when it exists, so every process can call this
 * on start without coordination; a process does it once, when it opens its NATS connection (`createRoleContext`). Settings a stream cannot change (storage, retention) fail with a
 * TopologyError naming the stream rather than being silently ignored.
 */
export async function ensureEventStreams(jsm: JetStreamManager, settings: EventSettings): Promise<void> {
  for (const declaration of streamDeclarations(settings)) {
    const existing = await jsm.streams.info(declaration.name).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw error;
    });
    try {
      if (existing === undefined) await jsm.streams.add(declaration);
      else await jsm.streams.update(declaration.name, { ...existing.config, ...declaration });
    } catch (cause) {
      throw new TopologyError(`stream ${declaration.name}: ${cause instanceof Error ? cause.message : String(cause)}`, {
        cause,
      });
    }
  }
}

/**
 * Checks that every stream exists, for a process whose NATS user may not create them (only `setup` may: see
 * src/events/nats/permissions.ts): it fails at start, naming the missing stream and the command that makes it,
 * rather than at its first publish or pull.
 */
export async function requireEventStreams(jsm: JetStreamManager): Promise<void> {
  for (const name of eventStreams) {
    await jsm.streams.info(name).catch((cause: unknown) => {
      if (cause instanceof JetStreamApiError && cause.code === JetStreamApiCodes.StreamNotFound) {
        throw new TopologyError(`stream ${name} does not exist: the set-up creates it (npm run events:setup)`, {
          cause,
        });
      }
      throw cause;
    });
  }
}

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
