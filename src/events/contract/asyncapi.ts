// The published event contract: an AsyncAPI 3 document built from the catalogue's zod schemas, the envelope and the consumers.
import { z } from 'zod';
import { analyticsProjection } from '../../read-models/analytics/projection.js';
import { NOTIFICATIONS_CONSUMER } from '../../read-models/notifications/projection.js';
import { notifiedEvents } from '../../read-models/notifications/render.js';
import { orderProjection } from '../../read-models/orders/projection.js';
import { eventCatalogue, eventNames, eventSource, eventSubject, eventType, eventVersions } from '../catalogue.js';
import type { EventName } from '../catalogue.js';
import { envelopeSchema } from '../envelope.js';
import { DeadLetterHeaders, RedriveHeaders } from '../nats/dead-letter-headers.js';
import { ORDERS_SUBJECTS } from '../nats/topology.js';

/** A JSON Schema object (draft 7, which AsyncAPI's default schema format extends). */
export type JsonSchema = Record<string, unknown>;

/**
 * The contract's own version. Minor: something was added (an event, a version of one, an optional field); a change
 * that would break a reader of an existing message version is never made (the compatibility gate refuses it).
 */
export const contractVersion = '1.1.0';

/** One service that receives events, as the contract names it, and which subjects it takes. */
export interface ContractConsumer {
  /** The durable consumer's name (its inbox scope), or a name for an ephemeral reader. */
  id: string;
  description: string;
  filterSubjects: readonly string[];
}

/** Who receives what: each read model's durable (and its rebuild, which replays the same subjects), and the API. */
export const contractConsumers: readonly ContractConsumer[] = [
  {
    id: NOTIFICATIONS_CONSUMER,
    description: 'The notifications service (durable `notifications`): one customer message per event it takes.',
    filterSubjects: notifiedEvents.map((name) => eventSubject('*', name)),
  },
  {
    id: analyticsProjection.consumer,
    description:
      'The analytics read model (durable `analytics`; `npm run read-model:rebuild -- --model analytics` replays the same subjects).',
    filterSubjects: analyticsProjection.filterSubjects,
  },
  {
    id: orderProjection.consumer,
    description:
      'The order read model behind `GET /orders` (durable `order-read-model`; `npm run read-model:rebuild -- --model orders` replays the same subjects).',
    filterSubjects: orderProjection.filterSubjects,
  },
  {
    id: 'api-order-events',
    description:
      'The API’s `GET /orders/{id}/events` (an ephemeral ordered consumer on `orders.<orderId>.>` per request).',
    filterSubjects: [ORDERS_SUBJECTS],
  },
];

/** The durables whose failures go to the dead-letter stream (the API's ephemeral reader dead-letters nothing). */
const deadLetteringConsumers = [NOTIFICATIONS_CONSUMER, analyticsProjection.consumer, orderProjection.consumer];

/** NATS subject matching: `*` is one token, `>` the rest (one token or more). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** The consumers that receive an event, by their filter subjects. */
export function consumersOf(name: EventName): ContractConsumer[] {
  const subject = eventSubject('o-1', name);
  return contractConsumers.filter((c) => c.filterSubjects.some((f) => subjectMatches(f, subject)));
}

/** A zod schema as JSON Schema draft 7, as a reader receives it: what it accepts (`io: 'input'`). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  return rest;
}

/** The key of one version of an event, in `components.messages` and in its channel: `OrderCreated.v2`. */
export const messageKey = (name: EventName, version: number) => `${name}.v${version}`;

const header = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
});

/** The NATS headers on an event: set by the relay, plus the re-drive headers on a re-driven copy. */
function eventHeadersSchema(type: string): JsonSchema {
  return {
    type: 'object',
    properties: {
      'Nats-Msg-Id': header('The envelope `id`: JetStream drops a copy published again within the duplicate window.'),
      'Content-Type': header('Structured-mode CloudEvents.', { const: 'application/cloudevents+json' }),
      'Ce-Type': header('The envelope `type`, readable without parsing the body.', { const: type }),
      [RedriveHeaders.for]: header('On a re-driven copy only: the one durable that handles it; the others skip it.'),
      [RedriveHeaders.originalSeq]: header(
        'On a re-driven copy of an event without `ordersequence`: the original stream sequence, its order position.',
        { pattern: '^[1-9][0-9]*$' },
      ),
    },
    required: ['Nats-Msg-Id', 'Content-Type', 'Ce-Type'],
  };
}

/** The CloudEvents envelope of one version of an event, from `envelopeSchema`, with `type`, `source` and `data` fixed. */
function envelopeOf(name: EventName, version: number, data: JsonSchema): JsonSchema {
  const envelope = jsonSchemaOf(envelopeSchema);
  const properties = envelope.properties as Record<string, JsonSchema>;
  return {
    ...envelope,
    description:
      'CloudEvents 1.0, structured mode. `subject` is the order ID (= `data.orderId`); `traceparent` is the W3C ' +
      'trace context extension; `ordersequence` (extension) is the event’s place among its order’s events, absent ' +
      'on events of runs that started before the workflow numbered them. Unknown attributes are ignored.',
    properties: {
      ...properties,
      id: { ...properties.id, description: 'Deterministic: a UUID-shaped hash of workflow ID, step and event name.' },
      type: { type: 'string', const: eventType(name, version) },
      source: { type: 'string', const: eventSource(name) },
      subject: { ...properties.subject, description: 'The order ID.' },
      data,
    },
  };
}

function messages(): Record<string, JsonSchema> {
  const entries = eventNames.flatMap((name) =>
    eventVersions(name).map(({ version, schema }) => {
      const current = version === eventCatalogue[name].version;
      return [
        messageKey(name, version),
        {
          name,
          title: `${name} v${version}`,
          summary: `${name}, version ${version}${current ? ' (current)' : ' (still read: upcast to the current version)'}.`,
          contentType: 'application/cloudevents+json',
          correlationId: { location: '$message.payload#/subject', description: 'The order ID.' },
          headers: eventHeadersSchema(eventType(name, version)),
          payload: envelopeOf(name, version, jsonSchemaOf(schema)),
          'x-event-version': version,
        },
      ] as const;
    }),
  );
  const deadLetter = {
    name: 'DeadLetter',
    title: 'Dead letter',
    summary: 'An event a durable could not handle: the original message, unchanged, with Dlq-* headers.',
    contentType: 'application/cloudevents+json',
    headers: {
      type: 'object',
      description: 'The original’s own headers are kept; its Nats-* ones are renamed Original-Nats-*.',
      properties: {
        [DeadLetterHeaders.consumer]: header('The durable that gave up.', { enum: deadLetteringConsumers }),
        [DeadLetterHeaders.stream]: header('The stream the original is in (it stays there).'),
        [DeadLetterHeaders.streamSeq]: header('The original’s stream sequence.'),
        [DeadLetterHeaders.subject]: header('The original subject, which a re-drive publishes to.'),
        [DeadLetterHeaders.deliveries]: header('How often it was delivered.'),
        [DeadLetterHeaders.reason]: header('Why.', { enum: ['max-deliveries', 'invalid-event', 'rejected'] }),
        [DeadLetterHeaders.error]: header('The last error or the validation message (one line, ≤ 1000 characters).'),
        [DeadLetterHeaders.at]: header('When it was dead-lettered (ISO 8601).'),
      },
      required: Object.values(DeadLetterHeaders),
    },
    payload: { description: 'The original message body, byte for byte (possibly not even valid JSON).' },
  };
  return { ...Object.fromEntries(entries), DeadLetter: deadLetter };
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const channelRef = (key: string) => ref(`channels/${key}`);

/** The whole AsyncAPI 3 document, as a plain object (`npm run docs:asyncapi` writes it as YAML; the API serves it). */
export function asyncApiDocument(): Record<string, unknown> {
  const orderIdParameter = { description: 'The order ID: one subject token (no `.`, `*`, `>` or spaces).' };
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const name of eventNames) {
    const versions = eventVersions(name).map((v) => v.version);
    channels[name] = {
      address: `orders.{orderId}.${name}`,
      title: name,
      description: `Every ${name} event, on the ORDERS stream.`,
      parameters: { orderId: orderIdParameter },
      messages: Object.fromEntries(
        versions.map((v) => [messageKey(name, v), ref(`components/messages/${messageKey(name, v)}`)]),
      ),
    };
    const channelMessages = versions.map((v) => ref(`channels/${name}/messages/${messageKey(name, v)}`));
    const producer = eventCatalogue[name].producer;
    operations[`send${name}`] = {
      action: 'send',
      channel: channelRef(name),
      summary: `The ${producer} service’s outbox relay publishes ${name}.`,
      description:
        name === 'OrderCreated'
          ? 'The version published is the producer setting `EVENTS_ORDER_CREATED_VERSION` (docs/configuration.md).'
          : `Published at v${eventCatalogue[name].version}.`,
      messages: channelMessages,
    };
    for (const consumer of consumersOf(name)) {
      operations[`${consumer.id}.receive${name}`] = {
        action: 'receive',
        channel: channelRef(name),
        summary: consumer.description,
        description: 'Every version the channel lists is read alike: older ones are upcast to the current one.',
        messages: channelMessages,
      };
    }
  }
  channels.deadLetters = {
    address: 'dlq.{consumer}.orders.{orderId}.{eventName}',
    title: 'Dead letters',
    description: 'Events a durable could not handle, on the ORDERS_DLQ stream, until an operator re-drives them.',
    parameters: {
      consumer: { description: 'The durable that gave up.', enum: deadLetteringConsumers },
      orderId: orderIdParameter,
      eventName: { description: 'The original event’s name.', enum: [...eventNames] },
    },
    messages: { DeadLetter: ref('components/messages/DeadLetter') },
  };
  operations.sendDeadLetter = {
    action: 'send',
    channel: channelRef('deadLetters'),
    summary: 'A subscriber (invalid or rejected event) or its dead-letter forwarder (deliveries exhausted).',
    messages: [ref('channels/deadLetters/messages/DeadLetter')],
  };
  operations.receiveDeadLetter = {
    action: 'receive',
    channel: channelRef('deadLetters'),
    summary: '`npm run events:redrive`: republishes to the original subject with `Redrive-For`, then deletes it.',
    messages: [ref('channels/deadLetters/messages/DeadLetter')],
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'order-saga domain events',
      version: contractVersion,
      description:
        'The domain events of order-saga on NATS JetStream, generated from src/events/catalogue.ts by ' +
        '`npm run docs:asyncapi`. Every message is a CloudEvents 1.0 envelope whose `type` names the event and its ' +
        'version (`com.ordersaga.<EventName>.v<n>`). Versioning rules: docs/events.md.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      local: {
        host: 'localhost:4222',
        protocol: 'nats',
        description: 'The server `NATS_URL` names; `npm run dev` starts one here.',
      },
    },
    channels,
    operations,
    components: { messages: messages() },
  };
}
