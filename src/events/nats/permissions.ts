// The NATS users, one per role, and the exact subjects each may publish and subscribe to: the one source of the
// server's `authorization` block (src/events/nats/server-config.ts) and of the grants table in docs/security.md.
import { eventCatalogue, eventNames } from '../catalogue.js';
import type { EventProducer } from '../catalogue.js';
import { ANALYTICS_CONSUMER } from '../../read-models/analytics/projection.js';
import { NOTIFICATIONS_CONSUMER } from '../../read-models/notifications/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../../read-models/orders/projection.js';
import {
  ADVISORY_STREAM,
  DEAD_LETTER_STREAM,
  ORDERS_STREAM,
  deadLetterForwarderName,
  eventStreams,
} from './topology.js';

/** The producing services: each publishes the events the catalogue names it the producer of, through its outbox relay. */
const producers = ['orders', 'payments', 'inventory', 'shipping'] as const satisfies readonly EventProducer[];
/** The subscribing services and the durable each consumes (its name is the service's consumer name). */
const subscribers = {
  notifications: NOTIFICATIONS_CONSUMER,
  analytics: ANALYTICS_CONSUMER,
  'order-read-model': ORDER_READ_MODEL_CONSUMER,
} as const;

/**
 * Every NATS user. One per role of the service (`npm start -- --role <role>` connects as the role's user), `operator`
 * for the operator commands (`npm run events:redrive`, `npm run read-model:rebuild`), and `setup`, the only one that
 * may create, change or delete streams (`npm run events:setup`, and the main command before its roles start).
 */
export const natsUsers = [
  'setup',
  ...producers,
  'notifications',
  'analytics',
  'order-read-model',
  'api',
  'operator',
] as const satisfies readonly (EventProducer | keyof typeof subscribers | 'setup' | 'api' | 'operator')[];
export type NatsUser = (typeof natsUsers)[number];

export function isNatsUser(value: string): value is NatsUser {
  return (natsUsers as readonly string[]).includes(value);
}

/** What one user may do: subject lists as nats-server reads them (`deny` overrides `allow`). */
export interface NatsGrants {
  publish: { allow: string[]; deny: string[] };
  subscribe: { allow: string[] };
  /** One line for docs/security.md: what the grants are for. */
  summary: string;
}

const api = '$JS.API';
/** Replies (JetStream API answers, publish acknowledgements, pulled messages) come to the client's inbox. */
const inbox = '_INBOX.>';
/** Every client asks for the account's JetStream info when it opens a JetStream manager, and reads stream info. */
const everyone = [`${api}.INFO`, ...eventStreams.map((s) => `${api}.STREAM.INFO.${s}`)];

/** The durables on the event log and on the advisories, by stream: nobody but their owner may touch them. */
const durables = Object.values(subscribers).flatMap((consumer) => [
  { stream: ORDERS_STREAM, name: consumer },
  { stream: ADVISORY_STREAM, name: deadLetterForwarderName(consumer) },
]);

/**
 * Creating (or updating) one durable: the client sends a durable with several filter subjects to the durable create
 * subject, which carries its name.
 */
function createDurable(stream: string, name: string): string[] {
  return [`${api}.CONSUMER.DURABLE.CREATE.${stream}.${name}`];
}

/** Pulling from, acknowledging on and reading one durable of a stream. */
function consumeDurable(stream: string, name: string): string[] {
  return [
    ...createDurable(stream, name),
    `${api}.CONSUMER.INFO.${stream}.${name}`,
    `${api}.CONSUMER.MSG.NEXT.${stream}.${name}`,
    `$JS.ACK.${stream}.${name}.>`,
  ];
}

/**
 * Ephemeral ordered consumers on the event log (the API's event streams and history, a rebuild's replay). The client
 * creates them through the ephemeral create subject, which names no consumer (the server refuses a durable name on
 * it), names them itself (`oc_<random>_<n>`) and deletes them when done. NATS permissions cannot match part of a name,
 * so pulling, reading and deleting are granted on any consumer name, and pulling from or deleting the subscribers'
 * durables is denied by name: with this, one cannot replace, delete or pull from a durable.
 */
const orderedConsumers = {
  allow: [
    `${api}.CONSUMER.CREATE.${ORDERS_STREAM}`,
    `${api}.CONSUMER.INFO.${ORDERS_STREAM}.*`,
    `${api}.CONSUMER.MSG.NEXT.${ORDERS_STREAM}.*`,
    `${api}.CONSUMER.DELETE.${ORDERS_STREAM}.*`,
  ],
  deny: durables
    .filter(({ stream }) => stream === ORDERS_STREAM)
    .flatMap(({ stream, name }) => [
      `${api}.CONSUMER.MSG.NEXT.${stream}.${name}`,
      `${api}.CONSUMER.DELETE.${stream}.${name}`,
    ]),
};

/** The durables' progress (pending, redelivered) is the operator's to read, not the API's. */
const durableInfo = durables
  .filter(({ stream }) => stream === ORDERS_STREAM)
  .map(({ stream, name }) => `${api}.CONSUMER.INFO.${stream}.${name}`);

/** The subject filter of one event of any order: `orders.*.PaymentProcessed`. */
function anyOrder(event: string): string {
  return `orders.*.${event}`;
}

function producerGrants(producer: EventProducer): NatsGrants {
  const events = eventNames.filter((name) => eventCatalogue[name].producer === producer);
  return {
    summary: `publishes its own events (${events.join(', ')}) from its outbox relay, and nothing else`,
    publish: { allow: [...everyone, ...events.map(anyOrder)], deny: [] },
    subscribe: { allow: [inbox] },
  };
}

function subscriberGrants(consumer: string): NatsGrants {
  const forwarder = deadLetterForwarderName(consumer);
  return {
    summary:
      `consumes its own durables (${consumer} on ${ORDERS_STREAM}, ${forwarder} on ${ADVISORY_STREAM}), reads the ` +
      `event an advisory names, and dead-letters to dlq.${consumer}.>; publishes no event`,
    publish: {
      allow: [
        ...everyone,
        ...consumeDurable(ORDERS_STREAM, consumer),
        ...consumeDurable(ADVISORY_STREAM, forwarder),
        `${api}.STREAM.MSG.GET.${ORDERS_STREAM}`,
        `dlq.${consumer}.>`,
      ],
      deny: [],
    },
    subscribe: { allow: [inbox] },
  };
}

/** The grants of every user, computed from the event catalogue and the subscribers' consumer names. */
export function natsGrants(): Record<NatsUser, NatsGrants> {
  return {
    setup: {
      summary:
        'the JetStream API as a whole: creates, updates and deletes the streams (and any consumer); publishes no event',
      publish: { allow: [`${api}.>`], deny: [] },
      subscribe: { allow: [inbox] },
    },
    orders: producerGrants('orders'),
    payments: producerGrants('payments'),
    inventory: producerGrants('inventory'),
    shipping: producerGrants('shipping'),
    notifications: subscriberGrants(subscribers.notifications),
    analytics: subscriberGrants(subscribers.analytics),
    'order-read-model': subscriberGrants(subscribers['order-read-model']),
    api: {
      summary: `creates, reads and deletes ephemeral ordered consumers on ${ORDERS_STREAM} (event streams, event history); nothing else`,
      publish: { allow: [...everyone, ...orderedConsumers.allow], deny: [...orderedConsumers.deny, ...durableInfo] },
      subscribe: { allow: [inbox] },
    },
    operator: {
      summary:
        `re-drive: reads and removes dead letters, republishes them to orders.> (a re-drive publishes the original ` +
        `event again); rebuild: replays ${ORDERS_STREAM} through ephemeral ordered consumers; watches events and ` +
        `reads the durables' progress`,
      publish: {
        allow: [
          ...everyone,
          `${api}.DIRECT.GET.${DEAD_LETTER_STREAM}`,
          `${api}.DIRECT.GET.${DEAD_LETTER_STREAM}.>`,
          `${api}.STREAM.MSG.DELETE.${DEAD_LETTER_STREAM}`,
          'orders.>',
          ...orderedConsumers.allow,
        ],
        deny: orderedConsumers.deny,
      },
      // Watching the events and dead letters as they are published (`nats sub 'orders.>'`) changes nothing.
      subscribe: { allow: [inbox, 'orders.>', 'dlq.>'] },
    },
  };
}
