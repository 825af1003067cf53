// CloudEvents 1.0 structured-mode JSON envelope: building, deterministic IDs, and parsing with validation.
import { nameBasedUuid } from '../lib/name-based-uuid.js';
import { z } from 'zod';
import {
  UpcastError,
  eventCatalogue,
  eventOfType,
  eventSchema,
  eventSource,
  eventSubject,
  eventType,
  eventVersions,
  upcasterOf,
} from './catalogue.js';
import type { EventData, EventName } from './catalogue.js';
import { maxOrderTime } from './order-sequence.js';

/**
 * A domain event as it travels on the wire. `subject` is the order ID; `traceparent` is the W3C trace extension;
 * `ordersequence` is this project's extension attribute: the event's position among its order's events, set by the
 * workflow (src/events/order-sequence.ts), absent on events of runs that started before it existed.
 */
export interface EventEnvelope<N extends EventName = EventName> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: EventData<N>;
  traceparent?: string;
  ordersequence?: number;
  /**
   * This project's second extension attribute: the workflow's clock (epoch ms) when it made the call that caused the
   * event. A run after a reset makes its calls after the replaced run's, so it ranks events across runs; absent on
   * events of runs that started before it existed (src/events/order-sequence.ts).
   */
  ordertime?: number;
}

/**
 * An envelope on its way out, with its name and the NATS subject it goes to, fixed when it is built: the outbox
 * stores them as they are instead of reading the name back out of the CloudEvents `type`.
 */
export interface OutgoingEvent<N extends EventName = EventName> {
  name: N;
  /** `orders.<orderId>.<EventName>`. */
  subject: string;
  envelope: EventEnvelope<N>;
}

/**
 * A parsed incoming event, discriminated by `name` so a subscriber's `switch` narrows `envelope.data`. `data` is
 * always in the event's current version's shape (an older version was upcast to it); `version` is the one it
 * was published in, and `envelope.type` still names that version.
 */
export type ParsedEvent = {
  [N in EventName]: { name: N; version: number; envelope: EventEnvelope<N> };
}[EventName];

/** The envelope attributes, before the payload is checked against the catalogue. */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
  traceparent: z
    .string()
    .regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/, 'expected a W3C traceparent')
    .optional(),
  ordersequence: z.number().int().positive('expected a positive whole number').optional(),
  ordertime: z.number().int().positive('expected a positive whole number of milliseconds').max(maxOrderTime).optional(),
});

export type InvalidEventCode = 'InvalidEvent' | 'UnknownEventType';

/** An envelope or payload that does not match the catalogue; `message` names every offending field. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly code: InvalidEventCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The event ID for one event of one workflow step: a UUID-shaped (version 8, RFC 9562) SHA-256 of
 * `workflowId:step:eventName`. A retried activity therefore republishes the same ID, and JetStream's
 * de-duplication window (`Nats-Msg-Id`) drops the copy.
 */
export function deterministicEventId(workflowId: string, step: string, eventName: string): string {
  return nameBasedUuid(`${workflowId}:${step}:${eventName}`);
}

export interface BuildEnvelopeInput<N extends EventName> {
  name: N;
  /** The workflow and step that produce the event; together with `name` they fix the event ID. */
  workflowId: string;
  step: string;
  data: EventData<N>;
  time: Date | string;
  traceparent?: string;
  /** The event's position among its order's events, from the workflow (the activity's `sequence` input). */
  sequence?: number;
  /** When the workflow made the call (epoch ms, the activity's `sequenceTime` input). */
  sequenceTime?: number;
  /**
   * The version to publish, the current one by default: a producer setting picks an older one during a migration
   * (OrderCreated: `EVENTS_ORDER_CREATED_VERSION`). `data` is the current shape; the older schema drops what it does
   * not know, so the current shape must keep every field the older version has.
   */
  version?: number;
}

/** Builds an envelope, validating `data` against the catalogue so nothing malformed ever leaves a service. */
export function buildEnvelope<N extends EventName>(input: BuildEnvelopeInput<N>): EventEnvelope<N> {
  const version = input.version ?? eventCatalogue[input.name].version;
  const data = validateData(input.name, version, input.data);
  const envelope: EventEnvelope<N> = {
    specversion: '1.0',
    id: deterministicEventId(input.workflowId, input.step, input.name),
    source: eventSource(input.name),
    type: eventType(input.name, version),
    subject: data.orderId,
    time: typeof input.time === 'string' ? input.time : input.time.toISOString(),
    datacontenttype: 'application/json',
    data,
  };
  if (input.traceparent !== undefined) envelope.traceparent = input.traceparent;
  if (input.sequence !== undefined) envelope.ordersequence = input.sequence;
  if (input.sequenceTime !== undefined) envelope.ordertime = input.sequenceTime;
  return envelope;
}

/** Builds the envelope and fixes its subject: what a producer hands the `EventPublisher`. */
export function buildEvent<N extends EventName>(input: BuildEnvelopeInput<N>): OutgoingEvent<N> {
  const envelope = buildEnvelope(input);
  return { name: input.name, subject: eventSubject(envelope.subject, input.name), envelope };
}

/**
 * Parses and validates an incoming envelope (an object, JSON text or bytes): envelope attributes, known
 * event type and version, payload schema, and `subject` matching the payload's order ID. The one place where an
 * older version is **upcast**: its payload is checked against its own schema, then carried version by version to
 * the current one and checked again, so every consumer (subscribers, the rebuild, the API's event stream) reads
 * every version alike. Fields a schema does not know are dropped, not refused.
 */
export function parseEnvelope(input: unknown): ParsedEvent {
  const raw = typeof input === 'string' || input instanceof Uint8Array ? decodeJson(input) : input;
  const result = envelopeSchema.safeParse(raw);
  if (!result.success) throw new InvalidEventError('InvalidEvent', `invalid event envelope: ${describe(result.error)}`);
  const attrs = result.data;
  const known = eventOfType(attrs.type);
  if (known === undefined) {
    throw new InvalidEventError(
      'UnknownEventType',
      `unknown event type ${attrs.type}: not com.ordersaga.<EventName>.v<version> of a catalogued event at a version this code reads`,
    );
  }
  const { name, version } = known;
  const data = upcast(name, version, validateData(name, version, attrs.data));
  if (attrs.subject !== data.orderId) {
    throw new InvalidEventError('InvalidEvent', `invalid ${name} event: subject ${attrs.subject} is not data.orderId`);
  }
  const envelope = { ...attrs, data } as EventEnvelope;
  if (envelope.traceparent === undefined) delete envelope.traceparent;
  if (envelope.ordersequence === undefined) delete envelope.ordersequence;
  if (envelope.ordertime === undefined) delete envelope.ordertime;
  return { name, version, envelope };
}

/** Validates `data` against one version's schema; the result is typed as the current version, which it is once upcast. */
function validateData<N extends EventName>(name: N, version: number, data: unknown): EventData<N> {
  const schema = eventSchema(name, version);
  if (schema === undefined) throw new Error(`${name} has no version ${version} in the catalogue`);
  const result = schema.safeParse(data);
  if (!result.success) {
    const which = version === eventCatalogue[name].version ? name : `${name} v${version}`;
    throw new InvalidEventError('InvalidEvent', `invalid ${which} data: ${describe(result.error)}`);
  }
  return result.data as EventData<N>;
}

/** Carries a payload of `version` up to the event's current version, one upcaster per step. */
function upcast<N extends EventName>(name: N, version: number, data: EventData<N>): EventData<N> {
  const versions = eventVersions(name).map((v) => v.version);
  let current: EventData<N> = data;
  for (let i = versions.indexOf(version); i < versions.length - 1; i++) {
    const from = versions[i] ?? version;
    const to = versions[i + 1] ?? version;
    const step = upcasterOf(name, from);
    if (step === undefined) throw new Error(`${name} v${from} has no upcaster`);
    let next: unknown;
    try {
      next = (step as (data: unknown) => unknown)(current);
    } catch (error) {
      if (!(error instanceof UpcastError)) throw error;
      throw new InvalidEventError('InvalidEvent', `invalid ${name} v${from} data: ${error.message}`, { cause: error });
    }
    current = validateData(name, to, next);
  }
  return current;
}

function decodeJson(input: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
  } catch (cause) {
    throw new InvalidEventError('InvalidEvent', 'invalid event envelope: not JSON', { cause });
  }
}

/** `amount.currency: expected an ISO 4217 code; orderId: ...`: the path first, so the field is easy to find. */
function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
