// The event streams declared in code and applied idempotently at start-up: the event log, its dead letters, and captured advisories.
import { DiscardPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
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
 * on start without coordination. Settings a stream cannot change (storage, retention) fail with a
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
